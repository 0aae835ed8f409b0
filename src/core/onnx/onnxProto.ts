// Encoders for the ONNX messages a model file needs, with the field numbers of onnx/onnx.proto
// (https://github.com/onnx/onnx/blob/main/onnx/onnx.proto; numbers never change between IR
// versions). Only the fields this app writes are here.
import { float16Bytes } from './float16';
import { float32Bytes, int64Bytes, ProtoWriter } from './protobuf';

/** IR version 8 (ONNX 1.10-1.13) is the one that goes with opset 17 (onnx/docs/Versioning.md). */
export const IR_VERSION = 8;
/** Opset 17: the first with LayerNormalization; old enough for ONNX Runtime 1.12 (2022) on. */
export const OPSET = 17;

/** TensorProto.DataType. */
export const DataType = { FLOAT: 1, INT64: 7, BOOL: 9, FLOAT16: 10 } as const;
export type DataTypeId = (typeof DataType)[keyof typeof DataType];

/** AttributeProto.AttributeType. */
const AttributeType = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, INTS: 7 } as const;

/** A tensor value: an initializer, or a Constant node's value. `raw` is little-endian. */
export interface TensorData {
  name?: string;
  dataType: DataTypeId;
  dims: readonly number[];
  raw: Uint8Array;
}

export const floatTensor = (values: Float32Array, dims: readonly number[], name?: string): TensorData => ({
  name,
  dataType: DataType.FLOAT,
  dims,
  raw: float32Bytes(values),
});

/** fp32 values written as FLOAT16 (rounded to nearest, ties to even). */
export const halfTensor = (values: ArrayLike<number>, dims: readonly number[], name?: string): TensorData => ({
  name,
  dataType: DataType.FLOAT16,
  dims,
  raw: float16Bytes(values),
});

export const int64Tensor = (values: readonly number[], dims: readonly number[], name?: string): TensorData => ({
  name,
  dataType: DataType.INT64,
  dims,
  raw: int64Bytes(values),
});

export type AttrValue = { int: number } | { float: number } | { ints: readonly number[] } | { string: string } | { tensor: TensorData };

export interface NodeSpec {
  opType: string;
  inputs: readonly string[];
  outputs: readonly string[];
  name?: string;
  attributes?: Readonly<Record<string, AttrValue>>;
}

/** A dimension: a size, or a symbolic name (dim_param) for one fixed per run. */
export type Dim = number | string;

export interface ValueInfo {
  name: string;
  elemType: DataTypeId;
  dims: readonly Dim[];
}

export interface GraphSpec {
  name: string;
  nodes: readonly NodeSpec[];
  initializers: readonly TensorData[];
  inputs: readonly ValueInfo[];
  outputs: readonly ValueInfo[];
}

export interface ModelSpec {
  graph: GraphSpec;
  producerName: string;
  docString?: string;
  metadata?: Readonly<Record<string, string>>;
}

/** TensorProto: dims = 1, data_type = 2, name = 8, raw_data = 9. */
export function tensorProto(t: TensorData): ProtoWriter {
  const w = new ProtoWriter();
  if (t.dims.length) w.packedInts(1, t.dims);
  w.int(2, t.dataType);
  if (t.name !== undefined) w.string(8, t.name);
  return w.bytes(9, t.raw);
}

/** AttributeProto: name = 1, f = 2, i = 3, s = 4, t = 5, ints = 8, type = 20. */
export function attributeProto(name: string, value: AttrValue): ProtoWriter {
  const w = new ProtoWriter().string(1, name);
  if ('int' in value) return w.int(3, value.int).int(20, AttributeType.INT);
  if ('float' in value) return w.float(2, value.float).int(20, AttributeType.FLOAT);
  if ('ints' in value) return w.packedInts(8, value.ints).int(20, AttributeType.INTS);
  if ('string' in value) return w.string(4, value.string).int(20, AttributeType.STRING);
  return w.message(5, tensorProto(value.tensor)).int(20, AttributeType.TENSOR);
}

/** NodeProto: input = 1, output = 2, name = 3, op_type = 4, attribute = 5 (default domain). */
export function nodeProto(node: NodeSpec): ProtoWriter {
  const w = new ProtoWriter();
  for (const i of node.inputs) w.string(1, i);
  for (const o of node.outputs) w.string(2, o);
  if (node.name !== undefined) w.string(3, node.name);
  w.string(4, node.opType);
  for (const [name, value] of Object.entries(node.attributes ?? {})) w.message(5, attributeProto(name, value));
  return w;
}

/**
 * ValueInfoProto (name = 1, type = 2) of a tensor: TypeProto.tensor_type = 1 ->
 * TypeProto.Tensor (elem_type = 1, shape = 2) -> TensorShapeProto.dim = 1 ->
 * Dimension (dim_value = 1 | dim_param = 2).
 */
export function valueInfoProto(v: ValueInfo): ProtoWriter {
  const shape = new ProtoWriter();
  for (const d of v.dims) {
    const dim = new ProtoWriter();
    if (typeof d === 'number') dim.int(1, d);
    else dim.string(2, d);
    shape.message(1, dim);
  }
  const tensorType = new ProtoWriter().int(1, v.elemType).message(2, shape);
  return new ProtoWriter().string(1, v.name).message(2, new ProtoWriter().message(1, tensorType));
}

/** GraphProto: node = 1, name = 2, initializer = 5, input = 11, output = 12. */
export function graphProto(g: GraphSpec): ProtoWriter {
  const w = new ProtoWriter();
  for (const n of g.nodes) w.message(1, nodeProto(n));
  w.string(2, g.name);
  for (const t of g.initializers) w.message(5, tensorProto(t));
  for (const v of g.inputs) w.message(11, valueInfoProto(v));
  for (const v of g.outputs) w.message(12, valueInfoProto(v));
  return w;
}

/**
 * ModelProto: ir_version = 1, producer_name = 2, doc_string = 6, graph = 7, opset_import = 8
 * (OperatorSetIdProto: domain = 1, version = 2; the default domain is left out),
 * metadata_props = 14 (StringStringEntryProto: key = 1, value = 2).
 */
export function modelProto(m: ModelSpec): ProtoWriter {
  const w = new ProtoWriter().int(1, IR_VERSION).string(2, m.producerName);
  if (m.docString !== undefined) w.string(6, m.docString);
  w.message(7, graphProto(m.graph));
  w.message(8, new ProtoWriter().int(2, OPSET));
  for (const [key, value] of Object.entries(m.metadata ?? {})) w.message(14, new ProtoWriter().string(1, key).string(2, value));
  return w;
}
