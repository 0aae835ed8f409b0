// A protobuf wire-format reader for the tests, written apart from src/core/onnx/protobuf.ts so the
// files the exporter writes are read back by code that shares nothing with it
// (https://protobuf.dev/programming-guides/encoding/), plus the few ONNX messages the tests look at.

export interface Field {
  field: number;
  wire: number;
  /** VARINT: the unsigned 64-bit value; I32: the float; I64: the 8 bytes; LEN: the bytes. */
  value: bigint | number | Uint8Array;
}

function readVarint(bytes: Uint8Array, at: number): [bigint, number] {
  let v = 0n;
  for (let shift = 0n; ; shift += 7n) {
    if (at >= bytes.length) throw new Error('varint runs past the end');
    const b = bytes[at++];
    v |= BigInt(b & 0x7f) << shift;
    if (b < 0x80) return [v, at];
  }
}

export function readFields(bytes: Uint8Array): Field[] {
  const out: Field[] = [];
  let at = 0;
  while (at < bytes.length) {
    const [tag, next] = readVarint(bytes, at);
    at = next;
    const field = Number(tag >> 3n);
    const wire = Number(tag & 7n);
    if (wire === 0) {
      const [v, after] = readVarint(bytes, at);
      out.push({ field, wire, value: v });
      at = after;
    } else if (wire === 5) {
      out.push({ field, wire, value: new DataView(bytes.buffer, bytes.byteOffset + at, 4).getFloat32(0, true) });
      at += 4;
    } else if (wire === 1) {
      out.push({ field, wire, value: bytes.subarray(at, at + 8) });
      at += 8;
    } else if (wire === 2) {
      const [len, after] = readVarint(bytes, at);
      const end = after + Number(len);
      if (end > bytes.length) throw new Error(`field ${field} runs past the end`);
      out.push({ field, wire, value: bytes.subarray(after, end) });
      at = end;
    } else {
      throw new Error(`unexpected wire type ${wire}`);
    }
  }
  return out;
}

const decoder = new TextDecoder();
const bytesOf = (f: Field): Uint8Array => f.value as Uint8Array;
const all = (bytes: Uint8Array, n: number) => readFields(bytes).filter((f) => f.field === n);
const one = (bytes: Uint8Array, n: number): Field | undefined => all(bytes, n)[0];
const text = (bytes: Uint8Array, n: number): string | undefined => {
  const f = one(bytes, n);
  return f ? decoder.decode(bytesOf(f)) : undefined;
};
const signed = (v: bigint): number => Number(BigInt.asIntN(64, v));

/** Repeated int64 field, packed or not. */
function int64s(bytes: Uint8Array, n: number): number[] {
  const out: number[] = [];
  for (const f of all(bytes, n)) {
    if (f.wire === 0) out.push(signed(f.value as bigint));
    else
      for (let at = 0, b = bytesOf(f); at < b.length;) {
        const [v, next] = readVarint(b, at);
        out.push(signed(v));
        at = next;
      }
  }
  return out;
}

export interface OnnxTensor {
  name: string;
  dims: number[];
  dataType: number;
  raw: Uint8Array;
}

export interface OnnxNode {
  opType: string;
  domain: string;
  inputs: string[];
  outputs: string[];
}

export interface OnnxValueInfo {
  name: string;
  elemType: number;
  dims: (number | string)[];
}

export interface OnnxModel {
  irVersion: number;
  opsets: { domain: string; version: number }[];
  nodes: OnnxNode[];
  initializers: OnnxTensor[];
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
  metadata: Record<string, string>;
}

function tensor(b: Uint8Array): OnnxTensor {
  return { name: text(b, 8) ?? '', dims: int64s(b, 1), dataType: Number(one(b, 2)?.value ?? 0n), raw: bytesOf(one(b, 9)!) };
}

function valueInfo(b: Uint8Array): OnnxValueInfo {
  const tensorType = bytesOf(one(bytesOf(one(b, 2)!), 1)!);
  const shape = one(tensorType, 2);
  const dims = shape
    ? all(bytesOf(shape), 1).map((d) => {
        const value = one(bytesOf(d), 1);
        return value ? signed(value.value as bigint) : (text(bytesOf(d), 2) ?? '?');
      })
    : [];
  return { name: text(b, 1) ?? '', elemType: Number(one(tensorType, 1)?.value ?? 0n), dims };
}

/** ModelProto (onnx.proto field numbers) as far as the tests need it. */
export function readOnnx(bytes: Uint8Array): OnnxModel {
  const graph = bytesOf(one(bytes, 7)!);
  return {
    irVersion: Number(one(bytes, 1)?.value ?? 0n),
    opsets: all(bytes, 8).map((f) => ({ domain: text(bytesOf(f), 1) ?? '', version: Number(one(bytesOf(f), 2)?.value ?? 0n) })),
    nodes: all(graph, 1).map((f) => {
      const n = bytesOf(f);
      const strings = (k: number) => all(n, k).map((s) => decoder.decode(bytesOf(s)));
      return { opType: text(n, 4) ?? '', domain: text(n, 7) ?? '', inputs: strings(1), outputs: strings(2) };
    }),
    initializers: all(graph, 5).map((f) => tensor(bytesOf(f))),
    inputs: all(graph, 11).map((f) => valueInfo(bytesOf(f))),
    outputs: all(graph, 12).map((f) => valueInfo(bytesOf(f))),
    metadata: Object.fromEntries(all(bytes, 14).map((f) => [text(bytesOf(f), 1) ?? '', text(bytesOf(f), 2) ?? ''])),
  };
}
