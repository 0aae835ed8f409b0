// A natural logarithm that every JavaScript engine computes to the same bits. ECMAScript leaves
// Math.log's last bit to the engine (V8, JavaScriptCore and SpiderMonkey use different libms),
// while +, -, *, / and Math.sqrt are IEEE 754 correctly rounded everywhere. The search's
// decisions (crowding in log units, the entropy proxy) use this, so a share link opened in
// another browser reproduces the same frontier. Our own implementation: the exponent read from
// the bits, the mantissa brought into [sqrt(1/2), sqrt(2)), and ln m = 2 atanh((m - 1) / (m + 1))
// summed to 14 odd terms (|s| <= 0.1716: the next term is under 1e-22 of the result).

const LN2_HI = 0.6931471803691238; // ln 2 split in two so e * LN2_HI is exact for |e| < 2^20
const LN2_LO = 1.9082149292705877e-10;

const view = new DataView(new ArrayBuffer(8));

/** ln(x) for finite x > 0, identical on every engine; NaN for x <= 0, NaN or Infinity. */
export function detLn(x: number): number {
  if (!(x > 0) || x === Infinity) return NaN;
  let scaled = x;
  let e = 0;
  if (scaled < 2.2250738585072014e-308) {
    scaled *= 2 ** 54; // subnormal: make the exponent field meaningful
    e = -54;
  }
  view.setFloat64(0, scaled);
  const hi = view.getUint32(0);
  e += ((hi >>> 20) & 0x7ff) - 1023;
  view.setUint32(0, (hi & 0x800fffff) | (1023 << 20)); // mantissa with exponent 0: m in [1, 2)
  let m = view.getFloat64(0);
  if (m > Math.SQRT2) {
    m /= 2;
    e += 1;
  }
  const s = (m - 1) / (m + 1);
  const s2 = s * s;
  let term = s;
  let sum = 0;
  for (let k = 1; k <= 27; k += 2) {
    sum += term / k;
    term *= s2;
  }
  return e * LN2_HI + (2 * sum + e * LN2_LO);
}
