// IEEE 754 binary16 ("half", ONNX's FLOAT16) from and to JavaScript numbers, for fp16 exports.
// Rounding is to the nearest half, ties to even, as IEEE 754 and numpy's astype(float16) round;
// beyond the largest half (65504) a value rounds to infinity, below the smallest subnormal
// (2^-24) to a signed zero. Node 20 has no Float16Array, so the bits are computed here.

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** The binary16 bits of `value` (first rounded to fp32, as the exported weights are fp32). */
export function toFloat16Bits(value: number): number {
  f32[0] = value;
  const x = u32[0];
  const sign = (x >>> 16) & 0x8000;
  const exponent = (x >>> 23) & 0xff;
  const mantissa = x & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0); // infinity, or a quiet NaN
  const e = exponent - 127 + 15; // the half's biased exponent
  if (e >= 0x1f) return sign | 0x7c00;
  // Normal halves keep 10 of the 23 mantissa bits; subnormal ones shift the implicit 1 in.
  const shift = e > 0 ? 13 : 14 - e;
  if (shift > 24) return sign; // under half the smallest subnormal
  const bits = e > 0 ? mantissa : mantissa | 0x800000;
  let half = (e > 0 ? e << 10 : 0) | (bits >>> shift);
  const rest = bits & ((1 << shift) - 1);
  const halfway = 1 << (shift - 1);
  // A carry out of the mantissa moves into the exponent, which is the right next value (up to infinity).
  if (rest > halfway || (rest === halfway && half & 1)) half += 1;
  return sign | half;
}

/** The number a binary16 holds. */
export function float16BitsToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >>> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0x1f) return mantissa ? NaN : sign * Infinity;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

/** Little-endian binary16 bytes of `values` (ONNX raw_data for FLOAT16 tensors). */
export function float16Bytes(values: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(2 * values.length);
  for (let i = 0; i < values.length; i++) {
    const h = toFloat16Bits(values[i]);
    out[2 * i] = h & 0xff;
    out[2 * i + 1] = h >>> 8;
  }
  return out;
}

/** The largest finite half, 65504: fp16 graphs mask with its negative (PyTorch's finfo(float16).min). */
export const FLOAT16_MAX = 65504;
