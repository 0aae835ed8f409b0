// fp16 conversion for the ONNX writer: known bit patterns (IEEE 754 binary16), round trips of
// every half, and, for any fp32 value, the half chosen is the nearest one with ties to even.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { float16BitsToNumber, float16Bytes, FLOAT16_MAX, toFloat16Bits } from '../../../src/core/onnx/float16';

describe('toFloat16Bits', () => {
  it('writes the binary16 patterns of known values', () => {
    const cases: [number, number][] = [
      [0, 0x0000],
      [-0, 0x8000],
      [1, 0x3c00],
      [-2, 0xc000],
      [0.5, 0x3800],
      [FLOAT16_MAX, 0x7bff],
      [-FLOAT16_MAX, 0xfbff],
      [2 ** -14, 0x0400], // smallest normal
      [2 ** -24, 0x0001], // smallest subnormal
      [2 ** -25, 0x0000], // half of it: a tie, to even (zero)
      [1.5 * 2 ** -25, 0x0001], // above the tie
      [65519, 0x7bff], // under the midpoint to infinity
      [65520, 0x7c00], // the midpoint: a tie, to even (infinity)
      [1e9, 0x7c00],
      [-Infinity, 0xfc00],
      [1 + 2 ** -11, 0x3c00], // a tie between 1 and its successor: to even (1)
      [1 + 3 * 2 ** -11, 0x3c02], // a tie between 0x3c01 and 0x3c02: to even
      [0.1, 0x2e66],
      [Math.PI, 0x4248],
    ];
    for (const [value, bits] of cases) expect(toFloat16Bits(value), String(value)).toBe(bits);
    expect(toFloat16Bits(NaN) & 0x7c00).toBe(0x7c00);
    expect(toFloat16Bits(NaN) & 0x3ff).not.toBe(0);
  });

  it('round-trips every half but NaN', () => {
    for (let bits = 0; bits < 0x10000; bits++) {
      const value = float16BitsToNumber(bits);
      if (Number.isNaN(value)) continue;
      expect(toFloat16Bits(value)).toBe(bits);
    }
  });

  it('picks the nearest half, ties to even, for any fp32 value', () => {
    fc.assert(
      fc.property(fc.float({ noNaN: true, min: -70000, max: 70000 }), (v) => {
        const h = toFloat16Bits(v);
        const got = float16BitsToNumber(h);
        if (!Number.isFinite(got)) return Math.abs(v) >= 65520;
        // The neighbours on either side of the chosen half are no nearer.
        const magnitude = h & 0x7fff;
        const sign = h & 0x8000;
        const neighbours = [magnitude - 1, magnitude + 1].filter((m) => m >= 0 && m < 0x7c00).map((m) => float16BitsToNumber(sign | m));
        const error = Math.abs(got - v);
        return neighbours.every((n) => {
          const other = Math.abs(n - v);
          return error < other || (error === other && (h & 1) === 0);
        });
      }),
      { numRuns: 20_000 },
    );
  });

  it('writes little-endian bytes', () => {
    expect([...float16Bytes([1, -2, FLOAT16_MAX])]).toEqual([0x00, 0x3c, 0x00, 0xc0, 0xff, 0x7b]);
  });
});
