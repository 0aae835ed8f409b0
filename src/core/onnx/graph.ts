// A small builder for an ONNX graph: each call appends one node and returns its output's name, so
// a graph reads like the forward pass it encodes. Learned weights become initializers; the fixed
// numbers a graph needs (shapes, axes, epsilons, rotary frequencies) become Constant nodes, so the
// initializers hold exactly the model's parameters.
import { floatTensor, int64Tensor, type AttrValue, type GraphSpec, type NodeSpec, type TensorData, type ValueInfo } from './onnxProto';

export class GraphBuilder {
  private readonly nodes: NodeSpec[] = [];
  private readonly initializers: TensorData[] = [];
  private readonly initializerNames = new Set<string>();
  private readonly constants = new Map<string, string>();
  private counter = 0;
  /** Prefix of the next nodes' names (e.g. "layers.3"), for reading the graph in a viewer. */
  scope = '';

  /** Appends `opType(inputs)` and returns its output's name: `output` when given (a graph output
   *  such as "present.0.key"), else a fresh one. Every op used here has one output. */
  op(opType: string, inputs: readonly string[], attributes?: Record<string, AttrValue>, output?: string): string {
    const name = `${this.scope ? `${this.scope}/` : ''}${opType}_${this.counter++}`;
    const out = output ?? `${name}:0`;
    this.nodes.push({ opType, inputs, outputs: [out], name, attributes });
    return out;
  }

  /** A learned weight (graph initializer), fp32. */
  weight(name: string, values: Float32Array, dims: readonly number[]): string {
    if (this.initializerNames.has(name)) throw new Error(`internal: initializer ${name} added twice`);
    this.initializerNames.add(name);
    this.initializers.push(floatTensor(values, dims, name));
    return name;
  }

  /** An int64 Constant (a 1-D list, or a scalar with `scalar`), one node per distinct value. */
  ints(values: readonly number[], scalar = false): string {
    if (scalar && values.length !== 1) throw new Error('internal: a scalar constant holds one value');
    return this.constant(`i64:${scalar}:${values.join(',')}`, () => int64Tensor(values, scalar ? [] : [values.length]));
  }

  /** A float32 Constant: a scalar, or a 1-D list. */
  floats(values: number | readonly number[]): string {
    const list = typeof values === 'number' ? [values] : values;
    const dims = typeof values === 'number' ? [] : [list.length];
    return this.constant(`f32:${dims.length}:${list.join(',')}`, () => floatTensor(Float32Array.from(list), dims));
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
