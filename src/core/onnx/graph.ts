// A small builder for an ONNX graph: each call appends one node and returns its output's name, so
// a graph reads like the forward pass it encodes. Learned weights become initializers; the fixed
// numbers a graph needs (shapes, axes, epsilons, rotary frequencies) become Constant nodes, so the
// initializers hold exactly the model's parameters.
import type { OnnxDtype } from '../onnxDtypes';
import {
  DataType,
  floatTensor,
  halfTensor,
  int64Tensor,
  type AttrValue,
  type GraphSpec,
  type NodeSpec,
  type TensorData,
  type ValueInfo,
} from './onnxProto';

/** The ONNX element type of each float type. */
export const ONNX_FLOAT: Record<OnnxDtype, typeof DataType.FLOAT | typeof DataType.FLOAT16> = {
  fp32: DataType.FLOAT,
  fp16: DataType.FLOAT16,
};

export class GraphBuilder {
  private readonly nodes: NodeSpec[] = [];
  private readonly initializers: TensorData[] = [];
  private readonly initializerNames = new Set<string>();
  private readonly constants = new Map<string, string>();
  private counter = 0;
  /** Prefix of the next nodes' names (e.g. "layers.3"), for reading the graph in a viewer. */
  scope = '';

  /** `dtype`: the type weights and float constants are written in (a constant can ask for fp32). */
  constructor(readonly dtype: OnnxDtype = 'fp32') {}

  /** Appends `opType(inputs)` and returns its output's name: `output` when given (a graph output
   *  such as "present.0.key"), else a fresh one. Every op used here has one output. */
  op(opType: string, inputs: readonly string[], attributes?: Record<string, AttrValue>, output?: string): string {
    const name = `${this.scope ? `${this.scope}/` : ''}${opType}_${this.counter++}`;
    const out = output ?? `${name}:0`;
    this.nodes.push({ opType, inputs, outputs: [out], name, attributes });
    return out;
  }

  /** A learned weight (graph initializer), already encoded in the graph's float type (the
   *  caller encodes each weight once for both graphs); returns its name. */
  initializer(tensor: TensorData): string {
    const { name } = tensor;
    if (name === undefined || this.initializerNames.has(name)) throw new Error(`internal: initializer ${name} unnamed or added twice`);
    if (tensor.dataType !== ONNX_FLOAT[this.dtype]) throw new Error(`internal: initializer ${name} is not ${this.dtype}`);
    this.initializerNames.add(name);
    this.initializers.push(tensor);
    return name;
  }

  /** An int64 Constant (a 1-D list, or a scalar with `scalar`), one node per distinct value. */
  ints(values: readonly number[], scalar = false): string {
    if (scalar && values.length !== 1) throw new Error('internal: a scalar constant holds one value');
    return this.constant(`i64:${scalar}:${values.join(',')}`, () => int64Tensor(values, scalar ? [] : [values.length]));
  }

  /** A float Constant (a scalar, or a 1-D list) in the graph's float type, or in `type`. */
  floats(values: number | readonly number[], type: OnnxDtype = this.dtype): string {
    const list = typeof values === 'number' ? [values] : values;
    const dims = typeof values === 'number' ? [] : [list.length];
    return this.constant(`${type}:${dims.length}:${list.join(',')}`, () =>
      type === 'fp16' ? halfTensor(list, dims) : floatTensor(Float32Array.from(list), dims),
    );
  }

  /** `x` cast to `type`, in an fp16 graph's parts computed in fp32 (RMSNorm, rotary angles);
   *  in an fp32 graph everything is fp32 already, and no node is added. */
  cast(x: string, type: OnnxDtype): string {
    return this.dtype === 'fp32' ? x : this.op('Cast', [x], { to: { int: ONNX_FLOAT[type] } });
  }

  private constant(key: string, make: () => TensorData): string {
    const known = this.constants.get(key);
    if (known) return known;
    // Constants live at the graph's top (no scope) since later layers reuse them.
    const scope = this.scope;
    this.scope = '';
    const out = this.op('Constant', [], { value: { tensor: make() } });
    this.scope = scope;
    this.constants.set(key, out);
    return out;
  }

  build(name: string, inputs: readonly ValueInfo[], outputs: readonly ValueInfo[]): GraphSpec {
    return { name, nodes: [...this.nodes], initializers: [...this.initializers], inputs, outputs };
  }
}
