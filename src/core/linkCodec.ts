// The bytes behind LM Frontier's links (share, measure, results): a binary writer and reader
// (varints, strings, bit fields), raw deflate through the platform's CompressionStream (browsers
// and Node >= 18 have it; no compression library), and base64url without padding. A payload is
// one character saying how it was stored ('z' deflated, 'r' raw: whichever is shorter) followed
// by its base64url text. A table of positional properties (TensorFlow Playground's state.ts
// idea) turns settings into a short JSON array and back, checking every value against its row.

// ---------------------------------------------------------------------------------------------
// base64url

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const INDEX = new Map([...ALPHABET].map((c, i) => [c, i]));

export function toBase64Url(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    const chars = Math.min(4, Math.ceil(((bytes.length - i) * 8) / 6));
    for (let k = 0; k < chars; k++) out += ALPHABET[(n >> (18 - 6 * k)) & 63];
  }
  return out;
}

export function fromBase64Url(text: string): Uint8Array {
  if (text.length % 4 === 1) throw new LinkError('the link is cut short (its data ends mid-character)');
  const out = new Uint8Array(Math.floor((text.length * 6) / 8));
  let bits = 0;
  let value = 0;
  let j = 0;
  for (const c of text) {
    const v = INDEX.get(c);
    if (v === undefined) throw new LinkError(`the link holds a character links never use ('${c}')`);
    value = (value << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[j++] = (value >> bits) & 255;
    }
  }
  return out;
}

/** A link that cannot be read: the message says why, in words for the person who opened it. */
export class LinkError extends Error {
  override name = 'LinkError';
}

// ---------------------------------------------------------------------------------------------
// Raw deflate with the platform's streams

/** The longest link text read (the URL hash, or a payload): 64 kB, eight times a share link
 *  carrying its full 8 kB of measured series. A longer one is refused before it is decoded. */
export const MAX_LINK_TEXT = 65_536;

/** The most bytes a payload may inflate to (4 MB). Raw deflate packs up to about 1,000 bytes
 *  into one, so 64 kB of link text could otherwise inflate to some 50 MB (a "zip bomb"). */
export const MAX_PAYLOAD_BYTES = 4 * 1024 * 1024;

export async function deflateRaw(bytes: Uint8Array): Promise<Uint8Array> {
  const out = new Response(new Blob([bytes as BlobPart]).stream().pipeThrough(new CompressionStream('deflate-raw')));
  return new Uint8Array(await out.arrayBuffer());
}

/** Inflates `bytes`, reading the stream chunk by chunk and stopping past `maxBytes`. Any failure
 *  of the stream (damaged data, trailing bytes) is a LinkError. */
export async function inflateRaw(bytes: Uint8Array, maxBytes: number = MAX_PAYLOAD_BYTES): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    const reader = new Blob([bytes as BlobPart]).stream().pipeThrough(new DecompressionStream('deflate-raw')).getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      if (total > maxBytes) {
        reader.cancel().catch(() => undefined);
        throw new LinkError(`the link data unpacks to more than ${maxBytes / 1024 / 1024} MB, far more than any link this app writes`);
      }
      chunks.push(value);
    }
  } catch (e) {
    if (e instanceof LinkError) throw e;
    throw new LinkError('the link data is damaged (it does not decompress): it may have been cut short when copied');
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** Bytes as link text: deflated when that is shorter, then base64url, behind a one-letter tag. */
export async function encodePayload(bytes: Uint8Array): Promise<string> {
  const packed = await deflateRaw(bytes);
  return packed.length < bytes.length ? `z${toBase64Url(packed)}` : `r${toBase64Url(bytes)}`;
}

/** The bytes of a payload; anything that is not one (too long, damaged, too large once inflated)
 *  is a LinkError. */
export async function decodePayload(text: string): Promise<Uint8Array> {
  if (text.length > MAX_LINK_TEXT) throw new LinkError(`the link is longer than ${MAX_LINK_TEXT.toLocaleString('en-US')} characters`);
  const body = fromBase64Url(text.slice(1));
  if (text[0] === 'r') return body; // at most 48 kB: the text is at most MAX_LINK_TEXT
  if (text[0] !== 'z') throw new LinkError('the link data has an unknown form (it may come from a newer version)');
  return inflateRaw(body);
}

// ---------------------------------------------------------------------------------------------
// Binary writer and reader

export class ByteWriter {
  private bytes: number[] = [];
  private bitBuffer = 0;
  private bitCount = 0;

  byte(v: number): this {
    this.flushBits();
    this.bytes.push(v & 255);
    return this;
  }

  /** An unsigned integer up to 2^53 in LEB128 (7 bits a byte); arithmetic, not bit operators,
   *  so values past 2^31 survive. */
  uint(v: number): this {
    if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`not an unsigned integer: ${v}`);
    this.flushBits();
    do {
      const low = v % 128;
      v = Math.floor(v / 128);
      this.bytes.push(v > 0 ? low | 128 : low);
    } while (v > 0);
    return this;
  }

  /** A number kept to `scale` units (e.g. 1000 for microseconds of a ms figure), at least 0. */
  fixed(v: number, scale: number): this {
    return this.uint(Math.max(0, Math.round(v * scale)));
  }

  string(s: string): this {
    const utf8 = new TextEncoder().encode(s);
    this.uint(utf8.length);
    this.flushBits();
    for (const b of utf8) this.bytes.push(b);
    return this;
  }

  /** `value` in `width` bits (0 to 24); consecutive calls share bytes. */
  bits(value: number, width: number): this {
    if (width === 0) return this;
    if (!(Number.isInteger(value) && value >= 0 && value < 2 ** width)) throw new RangeError(`${value} does not fit in ${width} bits`);
    this.bitBuffer = (this.bitBuffer << width) | value;
    this.bitCount += width;
    while (this.bitCount >= 8) {
      this.bitCount -= 8;
      this.bytes.push((this.bitBuffer >> this.bitCount) & 255);
    }
    this.bitBuffer &= (1 << this.bitCount) - 1;
    return this;
  }

  private flushBits(): void {
    if (this.bitCount > 0) this.bytes.push((this.bitBuffer << (8 - this.bitCount)) & 255);
    this.bitBuffer = 0;
    this.bitCount = 0;
  }

  finish(): Uint8Array {
    this.flushBits();
    return Uint8Array.from(this.bytes);
  }
}

export class ByteReader {
  private pos = 0;
  private bitBuffer = 0;
  private bitCount = 0;

  constructor(private readonly bytes: Uint8Array) {}

  private next(): number {
    if (this.pos >= this.bytes.length) throw new LinkError('the link data ends too soon: it may have been cut short when copied');
    return this.bytes[this.pos++];
  }

  byte(): number {
    this.alignBits();
    return this.next();
  }

  uint(): number {
    this.alignBits();
    let v = 0;
    let scale = 1;
    for (;;) {
      const b = this.next();
      v += (b & 127) * scale;
      if (b < 128) return v;
      scale *= 128;
      if (scale > 2 ** 56) throw new LinkError('the link data holds a number too large to be ours');
    }
  }

  fixed(scale: number): number {
    return this.uint() / scale;
  }

  /** A UTF-8 string of at most `maxBytes` bytes (longer: a LinkError naming `what`). */
  string(maxBytes: number = MAX_PAYLOAD_BYTES, what = 'a text'): string {
    const n = this.uint();
    if (n > maxBytes) throw new LinkError(`the link holds ${what} longer than ${maxBytes.toLocaleString('en-US')} bytes`);
    if (this.pos + n > this.bytes.length) throw new LinkError('the link data ends too soon: it may have been cut short when copied');
    const s = new TextDecoder().decode(this.bytes.subarray(this.pos, this.pos + n));
    this.pos += n;
    return s;
  }

  bits(width: number): number {
    if (width === 0) return 0;
    while (this.bitCount < width) {
      this.bitBuffer = ((this.bitBuffer << 8) | this.next()) & 0xffffffff;
      this.bitCount += 8;
    }
    this.bitCount -= width;
    return (this.bitBuffer >>> this.bitCount) & ((1 << width) - 1);
  }

  private alignBits(): void {
    this.bitBuffer = 0;
    this.bitCount = 0;
  }

  get done(): boolean {
    return this.pos >= this.bytes.length;
  }
}

/** Bits that index `n` choices (0 for a single choice). */
export const bitsFor = (n: number): number => (n <= 1 ? 0 : Math.ceil(Math.log2(n)));

// ---------------------------------------------------------------------------------------------
// Positional property tables

/** One setting a link carries: its type and bounds, and the default a missing or bad value gets. */
export type LinkProperty<S> = { name: string; get(state: S): unknown; set(state: S, value: never): void } & (
  | { type: 'int' | 'number'; min: number; max: number; nullable?: boolean; default: number | null }
  | { type: 'bool'; default: boolean }
  | { type: 'enum'; values: readonly string[]; default: string }
  | {
      type: 'string';
      maxLength: number;
      default: string;
      /** Whether a text is readable (else: reported). */ valid?: (text: string) => boolean;
    }
);

/** A value as a row of the table would store it, or the reason it does not fit the row. */
export function checkProperty<S>(p: LinkProperty<S>, v: unknown): { ok: true; value: unknown } | { ok: false; why: string } {
  switch (p.type) {
    case 'int':
    case 'number':
      if (v === null && p.nullable) return { ok: true, value: null };
      if (typeof v !== 'number' || !Number.isFinite(v)) return { ok: false, why: 'not a number' };
      if (p.type === 'int' && !Number.isInteger(v)) return { ok: false, why: `${v} is not a whole number` };
      if (v < p.min || v > p.max) return { ok: false, why: `${v} is outside ${p.min} to ${p.max}` };
      return { ok: true, value: v };
    case 'bool':
      return v === 0 || v === 1 || typeof v === 'boolean' ? { ok: true, value: Boolean(v) } : { ok: false, why: 'not 0 or 1' };
    case 'enum':
      return typeof v === 'string' && p.values.includes(v)
        ? { ok: true, value: v }
        : { ok: false, why: `not one of ${p.values.join(', ')}` };
    case 'string':
      if (!(typeof v === 'string' && v.length <= p.maxLength)) return { ok: false, why: 'not a short text' };
      return !p.valid || p.valid(v) ? { ok: true, value: v } : { ok: false, why: 'not readable by this version' };
  }
}

/** The table's values for `state`, in table order: booleans as 0/1, numbers as they are (a value
 *  that does not fit its row, such as a half-typed field, travels as its row's default). */
export function writeProperties<S>(table: readonly LinkProperty<S>[], state: S): unknown[] {
  return table.map((p) => {
    const checked = checkProperty(p, p.get(state));
    const value = checked.ok ? checked.value : p.default;
    return typeof value === 'boolean' ? (value ? 1 : 0) : value;
  });
}

/** Sets `state` from positional values; a value that does not fit its row keeps the default and
 *  is named in the returned problems ("seed: 1.5 is not a whole number"); rows past the end of
 *  `values` (appended to the table after the link was made) take their defaults. */
export function readProperties<S>(table: readonly LinkProperty<S>[], values: readonly unknown[], state: S): string[] {
  const problems: string[] = [];
  table.forEach((p, i) => {
    // A row appended after the link was made is missing from it: its default, silently.
    const checked = i < values.length ? checkProperty(p, values[i]) : ({ ok: true, value: p.default } as const);
    if (!checked.ok) problems.push(`${p.name}: ${checked.why}`);
    p.set(state, (checked.ok ? checked.value : p.default) as never);
  });
  return problems;
}
