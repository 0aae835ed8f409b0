// The hand-written protobuf writer against the byte sequences of the protobuf encoding guide
// (https://protobuf.dev/programming-guides/encoding/), and the ONNX message encoders against bytes
// assembled by hand from onnx.proto's field numbers, then read back by an independent reader.
import { describe, expect, it } from 'vitest';
import { concatBytes, float32Bytes, int64Bytes, ProtoWriter } from '../../../src/core/onnx/protobuf';
import {
  DataType,
  floatTensor,
  IR_VERSION,
  modelProto,
  nodeProto,
  OPSET,
  tensorProto,
  valueInfoProto,
} from '../../../src/core/onnx/onnxProto';
import { readFields, readOnnx } from './_protobufReader';

const hex = (bytes: Uint8Array): string => [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(' ');
const ascii = (s: string): string => hex(new TextEncoder().encode(s));

describe('ProtoWriter (the encoding guide)', () => {
  it('writes varints: 1 = 01, 150 = 96 01, 300 = ac 02', () => {
    expect(hex(new ProtoWriter().varint(1).finish())).toBe('01');
    expect(hex(new ProtoWriter().varint(150).finish())).toBe('96 01');
    expect(hex(new ProtoWriter().varint(300).finish())).toBe('ac 02');
  });

  it('writes a negative int64 as ten bytes of two’s complement', () => {
    expect(hex(new ProtoWriter().varint(-1).finish())).toBe('ff ff ff ff ff ff ff ff ff 01');
    expect(hex(new ProtoWriter().varint(-2).finish())).toBe('fe ff ff ff ff ff ff ff ff 01');
  });

  it('round-trips varints up to 2^53 - 1 and refuses what a number cannot hold exactly', () => {
    const values = [0, 127, 128, 16383, 16384, 2 ** 31, 2 ** 32 + 5, Number.MAX_SAFE_INTEGER];
    const w = new ProtoWriter();
    values.forEach((v, i) => w.int(i + 1, v));
    expect(readFields(w.finish()).map((f) => f.value)).toEqual(values.map(BigInt));
    expect(() => new ProtoWriter().varint(2 ** 53)).toThrow(RangeError);
    expect(() => new ProtoWriter().varint(1.5)).toThrow(RangeError);
  });

  it('Test1 { a = 150 } is 08 96 01; Test2 { b = "testing" } is 12 07 74 65 73 74 69 6e 67', () => {
    expect(hex(new ProtoWriter().int(1, 150).finish())).toBe('08 96 01');
    expect(hex(new ProtoWriter().string(2, 'testing').finish())).toBe('12 07 74 65 73 74 69 6e 67');
  });

  it('Test3 { c = Test1 { a = 150 } } is 1a 03 08 96 01', () => {
    expect(hex(new ProtoWriter().message(3, new ProtoWriter().int(1, 150)).finish())).toBe('1a 03 08 96 01');
  });

  it('packed repeated field 6 = [3, 270, 86942] is 32 06 03 8e 02 9e a7 05', () => {
    expect(hex(new ProtoWriter().packedInts(6, [3, 270, 86942]).finish())).toBe('32 06 03 8e 02 9e a7 05');
  });

  it('floats are fixed32 little-endian: field 1 = 1.0 is 0d 00 00 80 3f', () => {
    expect(hex(new ProtoWriter().float(1, 1).finish())).toBe('0d 00 00 80 3f');
    expect(hex(new ProtoWriter().packedFloats(2, [1, -2]).finish())).toBe('12 08 00 00 80 3f 00 00 00 c0');
    expect(hex(float32Bytes(Float32Array.of(1, 0.5)))).toBe('00 00 80 3f 00 00 00 3f');
    expect(hex(int64Bytes([-1, 258]))).toBe('ff ff ff ff ff ff ff ff 02 01 00 00 00 00 00 00');
  });

  it('nests large byte strings by reference, with the right lengths at every level', () => {
    const big = Uint8Array.from({ length: 10_000 }, (_, i) => (i * 7) & 255);
    const inner = new ProtoWriter().int(1, 5).bytes(2, big);
    const outer = new ProtoWriter().string(1, 'x').message(2, inner).int(3, 9);
    const bytes = outer.finish();
    expect(bytes.length).toBe(outer.length);
    expect(outer.parts()).toContain(big); // the very array, not a copy
    expect(concatBytes(outer.parts())).toEqual(bytes);
    const [name, nested, last] = readFields(bytes);
    expect(name).toMatchObject({ field: 1 });
    expect(last).toMatchObject({ field: 3, value: 9n });
    const [five, payload] = readFields(nested.value as Uint8Array);
    expect(five.value).toBe(5n);
    expect(payload.value).toEqual(big);
  });
});

describe('ONNX message encoders (onnx.proto field numbers)', () => {
  it('TensorProto: dims = 1 (packed), data_type = 2, name = 8, raw_data = 9', () => {
    const values = Float32Array.of(1, 2, 3, 4, 5, 6);
    const bytes = tensorProto(floatTensor(values, [2, 3], 'w')).finish();
    const expected = ['0a 02 02 03', '10 01', `42 01 ${ascii('w')}`, `4a 18 ${hex(float32Bytes(values))}`].join(' ');
    expect(hex(bytes)).toBe(expected);
  });

  it('ValueInfoProto with a symbolic and a fixed dimension', () => {
    const bytes = valueInfoProto({ name: 'x', elemType: DataType.FLOAT, dims: ['batch_size', 3] }).finish();
    const dimParam = `0a 0c 12 0a ${ascii('batch_size')}`; // Dimension { dim_param = 2 }
    const dimValue = '0a 02 08 03'; // Dimension { dim_value = 1 }
    const shape = `12 12 ${dimParam} ${dimValue}`; // Tensor.shape = 2, 18 bytes
    const tensorType = `0a 16 08 01 ${shape}`; // TypeProto.tensor_type = 1 { elem_type = 1, shape }
    expect(hex(bytes)).toBe(`0a 01 ${ascii('x')} 12 18 ${tensorType}`);
  });

  it('NodeProto with an int and an ints attribute (AttributeProto type = 20)', () => {
    const bytes = nodeProto({ opType: 'T', inputs: ['a'], outputs: ['b'], attributes: { p: { int: -1 }, q: { ints: [1, 2] } } }).finish();
    const intAttr = `0a 01 ${ascii('p')} 18 ff ff ff ff ff ff ff ff ff 01 a0 01 02`; // i = 3, type INT = 2
    const intsAttr = `0a 01 ${ascii('q')} 42 02 01 02 a0 01 07`; // ints = 8, type INTS = 7
    const expected = `0a 01 ${ascii('a')} 12 01 ${ascii('b')} 22 01 ${ascii('T')} 2a 11 ${intAttr} 2a 0a ${intsAttr}`;
    expect(hex(bytes)).toBe(expected);
  });

  it('ModelProto reads back: IR version, opset, graph, metadata', () => {
    const bytes = modelProto({
      producerName: 'test',
      metadata: { k: 'v' },
      graph: {
        name: 'g',
        nodes: [{ opType: 'Add', inputs: ['x', 'w'], outputs: ['y'] }],
        initializers: [floatTensor(Float32Array.of(1, 2), [2], 'w')],
        inputs: [{ name: 'x', elemType: DataType.FLOAT, dims: [2] }],
        outputs: [{ name: 'y', elemType: DataType.FLOAT, dims: [2] }],
      },
    }).finish();
    const model = readOnnx(bytes);
    expect(model.irVersion).toBe(IR_VERSION);
    expect(model.opsets).toEqual([{ domain: '', version: OPSET }]);
    expect(model.nodes).toEqual([{ opType: 'Add', domain: '', inputs: ['x', 'w'], outputs: ['y'] }]);
    expect(model.initializers.map(({ name, dims, dataType }) => ({ name, dims, dataType }))).toEqual([
      { name: 'w', dims: [2], dataType: 1 },
    ]);
    expect(model.inputs).toEqual([{ name: 'x', elemType: 1, dims: [2] }]);
    expect(model.metadata).toEqual({ k: 'v' });
  });
});
