// detLn agrees with the engine's Math.log to within a few units in the last place (measured as
// EPSILON x |ln x|; the most seen in 4 million draws is 3.8, where e ln 2 + ln m cancels or ln x is small), over the whole
// range, and is exact where the answer is (ln 1 = 0).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { detLn } from '../../../src/core/detMath';

const ulpsApart = (a: number, b: number): number => Math.abs(a - b) / Math.max(Number.EPSILON * Math.abs(b), Number.MIN_VALUE);

describe('detLn', () => {
  it('is within 8 units of EPSILON x |ln x| of Math.log for any positive double (or 1e-16 absolute near 1)', () => {
    fc.assert(
      fc.property(fc.double({ min: Number.MIN_VALUE, max: Number.MAX_VALUE, noNaN: true }), (x) => {
        const want = Math.log(x);
        const got = detLn(x);
        if (Math.abs(want) < 1e-3) expect(Math.abs(got - want)).toBeLessThan(1e-16);
        else expect(ulpsApart(got, want)).toBeLessThanOrEqual(8);
      }),
      { numRuns: 20_000 },
    );
  });

  it('on the integers the entropy proxy feeds it (widths up to 2^18)', () => {
    for (let n = 1; n <= 262_144; n += n < 4096 ? 1 : 61)
      expect(ulpsApart(detLn(n), Math.log(n) || Number.MIN_VALUE)).toBeLessThanOrEqual(8);
    expect(detLn(1)).toBe(0);
    expect(detLn(2)).toBe(Math.LN2);
  });

  it('is NaN outside its domain', () => {
    for (const x of [0, -1, NaN, Infinity, -Infinity]) expect(detLn(x)).toBeNaN();
  });
});
