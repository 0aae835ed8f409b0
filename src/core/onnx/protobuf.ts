// A minimal Protocol Buffers writer: just what an ONNX file needs (varints, fixed32 floats,
// length-delimited bytes, strings, nested messages and packed repeated numbers). The wire format
// is Google's "Encoding" page (https://protobuf.dev/programming-guides/encoding/): a field is a
// tag varint (field number << 3 | wire type) followed by its value; varints hold 7 bits a byte,
// least significant group first, with the high bit set on every byte but the last.
//
// Written by hand rather than with protobufjs: ONNX needs five wire shapes and no decoding, and
// this keeps core free of a dependency (and of a .proto file to load at run time). A message is
// kept as a list of chunks, not one buffer, so the weights (hundreds of MB) are copied once, into
// the finished file, instead of once per level of nesting (tensor, graph, model).

/** Wire types (encoding page, "Message Structure"). Groups (3, 4) are never written. */
export const WireType = { VARINT: 0, I64: 1, LEN: 2, I32: 5 } as const;

/** Byte strings at least this long are kept by reference instead of copied into the buffer. */
const BY_REFERENCE = 4096;

const textEncoder = new TextEncoder();

/** True on little-endian hosts (every platform the app runs on); ONNX raw data is little-endian. */
export const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

export class ProtoWriter {
  /** Finished chunks, in order; `buf[0..pos)` follows them. */
  private readonly chunks: Uint8Array[] = [];
  private chunkBytes = 0;
  private buf = new Uint8Array(64);
  private pos = 0;

  /** Bytes written so far. */
  get length(): number {
    return this.chunkBytes + this.pos;
  }

  private reserve(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(2 * this.buf.length, this.pos + n));
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }

  /** Moves the buffer's bytes to the chunk list (before a chunk kept by reference). */
  private flush(): void {
    if (this.pos === 0) return;
    this.chunks.push(this.buf.slice(0, this.pos));
    this.chunkBytes += this.pos;
    this.pos = 0;
  }

  private append(bytes: Uint8Array): void {
    if (bytes.length >= BY_REFERENCE) {
      this.flush();
      this.chunks.push(bytes);
      this.chunkBytes += bytes.length;
      return;
    }
    this.reserve(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  /**
   * A bare varint. Numbers are non-negative integers up to 2^53; a negative int64 is written as
   * its 64-bit two's complement, ten bytes (the encoding page: "int32 and int64 ... a negative
   * number is always ten bytes long").
   */
  varint(value: number | bigint): this {
    if (typeof value === 'number' && !Number.isSafeInteger(value)) throw new RangeError(`varint: ${value} is not a safe integer`);
    if (typeof value === 'bigint' || value < 0) {
      let v = BigInt.asUintN(64, BigInt(value));
      this.reserve(10);
      while (v >= 0x80n) {
        this.buf[this.pos++] = Number(v & 0x7fn) | 0x80;
        v >>= 7n;
      }
      this.buf[this.pos++] = Number(v);
      return this;
    }
    let v = value;
    this.reserve(8); // 2^53 needs at most 8 groups of 7 bits
    while (v >= 0x80) {
      this.buf[this.pos++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[this.pos++] = v;
    return this;
  }

  tag(field: number, wireType: number): this {
    return this.varint(field * 8 + wireType);
  }

  /** int32, int64, uint64, bool and enum fields all use the varint wire type. */
  int(field: number, value: number | bigint): this {
    return this.tag(field, WireType.VARINT).varint(value);
  }

  /** A `float` field: wire type I32, four bytes little-endian IEEE 754. */
  float(field: number, value: number): this {
    this.tag(field, WireType.I32);
    this.reserve(4);
    new DataView(this.buf.buffer).setFloat32(this.pos, value, true);
    this.pos += 4;
    return this;
  }

  bytes(field: number, bytes: Uint8Array): this {
    this.tag(field, WireType.LEN).varint(bytes.length);
    this.append(bytes);
    return this;
  }

  string(field: number, text: string): this {
    return this.bytes(field, textEncoder.encode(text));
  }

  /** An embedded message: its length, then its bytes (large chunks shared, not copied). */
  message(field: number, message: ProtoWriter): this {
    this.tag(field, WireType.LEN).varint(message.length);
    message.flush();
    for (const chunk of message.chunks) this.append(chunk);
    return this;
  }

  /** A packed repeated varint field (`repeated int64 x = n [packed = true]`, proto3's default). */
  packedInts(field: number, values: readonly number[]): this {
    const body = new ProtoWriter();
    for (const v of values) body.varint(v);
    return this.message(field, body);
  }

  /** A packed repeated float field: the values as consecutive little-endian fixed32. */
  packedFloats(field: number, values: readonly number[]): this {
    const body = new Uint8Array(4 * values.length);
    const view = new DataView(body.buffer);
    values.forEach((v, i) => view.setFloat32(4 * i, v, true));
    return this.bytes(field, body);
  }

  /** The message as consecutive chunks (large byte strings as given, not copied): for writing a
   *  file piece by piece without holding a second copy of the weights. */
  parts(): Uint8Array[] {
    this.flush();
    return [...this.chunks];
  }

  /** The whole message as one array. */
  finish(): Uint8Array {
    return concatBytes(this.parts());
  }
}

export function concatBytes(chunks: readonly Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** The bytes of a Float32Array, little-endian (a view, without copying, on little-endian hosts). */
export function float32Bytes(values: Float32Array): Uint8Array {
  if (LITTLE_ENDIAN) return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  const out = new Uint8Array(values.byteLength);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => view.setFloat32(4 * i, v, true));
  return out;
}

/** Little-endian int64 bytes of integers (ONNX raw_data for INT64 tensors). */
export function int64Bytes(values: readonly number[]): Uint8Array {
  const out = new Uint8Array(8 * values.length);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => view.setBigInt64(8 * i, BigInt(v), true));
  return out;
}
