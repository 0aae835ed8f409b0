import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { kendall, leastSquaresSlope, median, pearson, quantile, ranks, spearman, summarize } from '../../../src/core/stats';
import { naiveKendallB, naivePearson, naiveRanks, naiveSpearman } from './_helpers';

const smallInts = fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 3, maxLength: 25 });
const pairOf = smallInts.chain((xs) =>
  fc.tuple(fc.constant(xs), fc.array(fc.integer({ min: 0, max: 5 }), { minLength: xs.length, maxLength: xs.length })),
);

describe('ranks', () => {
  it('averages ties', () => {
    expect(ranks([10, 20, 20, 5])).toEqual([2, 3.5, 3.5, 1]);
    expect(ranks([7, 7, 7])).toEqual([2, 2, 2]);
  });
  it('matches a quadratic definition', () => {
    fc.assert(
      fc.property(smallInts, (xs) => {
        expect(ranks(xs)).toEqual(naiveRanks(xs));
      }),
    );
  });
});

describe('spearman', () => {
  it("scipy's spearmanr([1,2,3,4,5], [5,6,7,8,7]) = 8/sqrt(95), derived by hand", () => {
    // ranks y = [1, 2, 3.5, 5, 3.5]; deviations x: -2..2, y: -2,-1,.5,2,.5; sxy = 8, sxx = 10, syy = 9.5
    const expected = 8 / Math.sqrt(95);
    expect(expected).toBeCloseTo(0.8207826816681233, 15);
    expect(spearman([1, 2, 3, 4, 5], [5, 6, 7, 8, 7])).toBeCloseTo(expected, 14);
  });
  it('is 1 / -1 for monotone data and invariant under monotone transforms', () => {
    expect(spearman([1, 2, 3, 4], [1, 10, 100, 1000])).toBeCloseTo(1, 14);
    expect(spearman([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(-1, 14);
    expect(spearman([1, 2, 3, 4, 5], [1, 3, 2, 5, 4])).toBeCloseTo(1 - (6 * 4) / (5 * 24), 14); // no ties: 1 - 6 sum d^2 / n(n^2-1)
  });
  it('matches Pearson of average ranks', () => {
    fc.assert(
      fc.property(pairOf, ([xs, ys]) => {
        fc.pre(new Set(xs).size > 1 && new Set(ys).size > 1);
        expect(spearman(xs, ys)).toBeCloseTo(naiveSpearman(xs, ys), 12);
      }),
    );
  });
});

describe('kendall (tau-b)', () => {
  it("scipy's kendalltau([12,2,1,12,2], [1,4,7,1,0]) = -4/sqrt(72), derived by hand", () => {
    // pairs: C = 2, D = 6, n0 = 10, x-tied pairs n1 = 2 ({12,12}, {2,2}), y-tied n2 = 1 ({1,1})
    const expected = -4 / Math.sqrt((10 - 2) * (10 - 1));
    expect(expected).toBeCloseTo(-0.47140452079103173, 15);
    expect(kendall([12, 2, 1, 12, 2], [1, 4, 7, 1, 0])).toBeCloseTo(expected, 14);
  });
  it('tau-a on untied data: (C - D) / (n(n-1)/2)', () => {
    // [1,2,3,4] vs [1,3,2,4]: one discordant pair of 6
    expect(kendall([1, 2, 3, 4], [1, 3, 2, 4])).toBeCloseTo(4 / 6, 14);
  });
  it('matches the n0/n1/n2 definition on tied data', () => {
    fc.assert(
      fc.property(pairOf, ([xs, ys]) => {
        fc.pre(new Set(xs).size > 1 && new Set(ys).size > 1);
        expect(kendall(xs, ys)).toBeCloseTo(naiveKendallB(xs, ys), 12);
      }),
    );
  });
});

describe('pearson', () => {
  it('hand example [1,2,3] vs [2,4,7] = 5 / sqrt(2 * 114/9)', () => {
    expect(pearson([1, 2, 3], [2, 4, 7])).toBeCloseTo(5 / Math.sqrt((2 * 114) / 9), 14);
  });
  it('NaN for mismatched or too short input', () => {
    expect(pearson([1, 2], [1, 2, 3])).toBeNaN();
    expect(pearson([1], [1])).toBeNaN();
  });
  it('matches the textbook formula', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.double({ min: -1e3, max: 1e3, noNaN: true }), fc.double({ min: -1e3, max: 1e3, noNaN: true })), {
          minLength: 3,
          maxLength: 30,
        }),
        (pts) => {
          const xs = pts.map((p) => p[0]);
          const ys = pts.map((p) => p[1]);
          const ref = naivePearson(xs, ys);
          fc.pre(Number.isFinite(ref) && Math.max(...xs) - Math.min(...xs) > 1e-3 && Math.max(...ys) - Math.min(...ys) > 1e-3);
          expect(pearson(xs, ys)).toBeCloseTo(ref, 9);
        },
      ),
    );
  });
});

describe('quantile, median, summarize', () => {
  it('linear interpolation between order statistics (numpy default)', () => {
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([10, 20, 30, 40, 50], 0.1)).toBeCloseTo(14, 12); // pos 0.4
    expect(quantile([10, 20, 30, 40, 50], 0.9)).toBeCloseTo(46, 12); // pos 3.6
    expect(quantile([10, 20, 30], 0)).toBe(10);
    expect(quantile([10, 20, 30], 1)).toBe(30);
    expect(quantile([], 0.5)).toBeNaN();
  });
  it('median sorts its input and does not mutate it', () => {
    const xs = [5, 1, 4, 2, 3, 6];
    expect(median(xs)).toBe(3.5);
    expect(xs).toEqual([5, 1, 4, 2, 3, 6]);
  });
  it('summarize([3,1,5,2,4]): median 3, p10 1.4, p90 4.6, cv = sqrt(2.5)/3', () => {
    const s = summarize([3, 1, 5, 2, 4]);
    expect(s.n).toBe(5);
    expect(s.median).toBe(3);
    expect(s.p10).toBeCloseTo(1.4, 12);
    expect(s.p90).toBeCloseTo(4.6, 12);
    expect(s.cv).toBeCloseTo(Math.sqrt(2.5) / 3, 12); // sample standard deviation (n - 1)
  });
  it('quantiles lie between min and max and are monotone in q', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 30 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (xs, q) => {
          const s = [...xs].sort((a, b) => a - b);
          const v = quantile(s, q);
          expect(v).toBeGreaterThanOrEqual(s[0] - 1e-9);
          expect(v).toBeLessThanOrEqual(s[s.length - 1] + 1e-9);
          expect(quantile(s, Math.min(1, q + 0.1))).toBeGreaterThanOrEqual(v - 1e-6);
        },
      ),
    );
  });
});

describe('leastSquaresSlope', () => {
  it('recovers the slope of a line, and of a line plus noise that sums to zero against x', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -100, max: 100, noNaN: true }),
        fc.double({ min: -100, max: 100, noNaN: true }),
        fc.uniqueArray(fc.integer({ min: -1000, max: 1000 }), { minLength: 2, maxLength: 30 }),
        (a, b, xs) => {
          expect(
            leastSquaresSlope(
              xs,
              xs.map((x) => a * x + b),
            ),
          ).toBeCloseTo(a, 6);
        },
      ),
    );
    // Residuals +1, -1, -1, +1 at x = 0..3 are orthogonal to x - mean: the slope stays 2.
    expect(leastSquaresSlope([0, 1, 2, 3], [1, 1, 3, 7])).toBeCloseTo(2, 12);
    expect(leastSquaresSlope([2, 2, 2], [1, 2, 3])).toBeNaN();
    expect(() => leastSquaresSlope([1, 2], [1])).toThrow(/as many/);
  });
});
