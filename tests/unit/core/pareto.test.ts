import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  constrainedDominates,
  crowdingDistance,
  dominates,
  epsilonIndicator,
  hypervolume,
  hypervolume2d,
  hypervolume3d,
  nonDominated,
  nonDominatedIndices,
  nonDominatedSort,
  toMin,
  type Sense,
} from '../../../src/core/pareto';
import { bruteDominates, bruteNonDominated } from './_helpers';

const vec = (m: number, max = 4) => fc.array(fc.integer({ min: 0, max }), { minLength: m, maxLength: m });
const pointSet = (m: number, max = 4, maxLength = 30) => fc.array(vec(m, max), { minLength: 0, maxLength });
const anyDim = fc.integer({ min: 2, max: 4 }).chain((m) => fc.tuple(fc.constant(m), pointSet(m)));

function bruteConstrained(a: readonly number[], va: number, b: readonly number[], vb: number): boolean {
  if (va === 0 && vb === 0) return bruteDominates(a, b);
  if (va === 0) return true; // feasible beats infeasible
  if (vb === 0) return false;
  return va < vb; // of two infeasible, the smaller violation wins
}

/** Unit cells [c, c+1)^k inside [0, ref) dominated by some integer point (p <= c componentwise). */
function gridVolume(points: readonly number[][], ref: readonly number[]): number {
  const k = ref.length;
  let count = 0;
  const c = new Array<number>(k).fill(0);
  const total = ref.reduce((s, r) => s * r, 1);
  for (let idx = 0; idx < total; idx++) {
    let rest = idx;
    for (let i = 0; i < k; i++) {
      c[i] = rest % ref[i];
      rest = Math.floor(rest / ref[i]);
    }
    if (points.some((p) => p.every((x, i) => x <= c[i]))) count++;
  }
  return count;
}

/** Inclusion-exclusion over all non-empty subsets: union of boxes [p, ref]. */
function inclusionExclusion(points: readonly number[][], ref: readonly number[]): number {
  let hv = 0;
  const n = points.length;
  for (let mask = 1; mask < 1 << n; mask++) {
    let vol = 1;
    let size = 0;
    for (let i = 0; i < ref.length; i++) {
      let worst = -Infinity;
      for (let j = 0; j < n; j++) if (mask & (1 << j)) worst = Math.max(worst, points[j][i]);
      vol *= Math.max(0, ref[i] - worst);
    }
    for (let j = 0; j < n; j++) if (mask & (1 << j)) size++;
    hv += (size % 2 === 1 ? 1 : -1) * vol;
  }
  return hv;
}

describe('dominates / nonDominatedIndices', () => {
  it('dominates agrees with the definition (2-4 objectives)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 4 }).chain((m) => fc.tuple(vec(m, 3), vec(m, 3))),
        ([a, b]) => {
          expect(dominates(a, b)).toBe(bruteDominates(a, b));
        },
      ),
      { numRuns: 1000 },
    );
    expect(dominates([1, 1], [1, 1])).toBe(false);
    expect(dominates([1, 1], [1, 2])).toBe(true);
    expect(dominates([0, 3], [1, 2])).toBe(false);
  });

  it('nonDominatedIndices equals brute force, duplicates of a front point all kept', () => {
    fc.assert(
      fc.property(anyDim, ([, pts]) => {
        expect(nonDominatedIndices(pts)).toEqual(bruteNonDominated(pts));
      }),
      { numRuns: 500 },
    );
    expect(
      nonDominatedIndices([
        [1, 2],
        [1, 2],
        [2, 3],
      ]),
    ).toEqual([0, 1]);
  });

  it('nonDominated with senses equals brute force on negated max objectives', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 2, max: 4 })
          .chain((m) => fc.tuple(pointSet(m), fc.array(fc.constantFrom<Sense>('min', 'max'), { minLength: m, maxLength: m }))),
        ([pts, senses]) => {
          const got = nonDominated(pts, (p) => p, senses);
          const min = pts.map((p) => p.map((v, i) => (senses[i] === 'max' ? -v : v)));
          expect(got).toEqual(bruteNonDominated(min).map((i) => pts[i]));
          expect(toMin([1, 2], ['max', 'min'])).toEqual([-1, 2]);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('constrained domination (Deb)', () => {
  it('feasible first, then smaller violation, then Pareto', () => {
    expect(constrainedDominates([9, 9], 0, [0, 0], 0.1)).toBe(true);
    expect(constrainedDominates([0, 0], 0.1, [9, 9], 0)).toBe(false);
    expect(constrainedDominates([9, 9], 0.1, [0, 0], 0.2)).toBe(true);
    expect(constrainedDominates([0, 0], 0.2, [9, 9], 0.1)).toBe(false);
    expect(constrainedDominates([0, 0], 0.2, [9, 9], 0.2)).toBe(false);
    expect(constrainedDominates([0, 0], 0, [9, 9], 0)).toBe(true);
    expect(constrainedDominates([0, 9], 0, [9, 0], 0)).toBe(false);
  });

  it('agrees with the rules on random inputs', () => {
    fc.assert(
      fc.property(vec(3, 3), vec(3, 3), fc.constantFrom(0, 0, 0.5, 1), fc.constantFrom(0, 0, 0.5, 1), (a, b, va, vb) => {
        expect(constrainedDominates(a, va, b, vb)).toBe(bruteConstrained(a, va, b, vb));
      }),
      { numRuns: 1000 },
    );
  });
});

describe('nonDominatedSort', () => {
  it('fronts partition the points; none is dominated from its own or a later front; each later member is dominated from the previous front', () => {
    fc.assert(
      fc.property(
        anyDim.chain(([m, pts]) =>
          fc.tuple(
            fc.constant(m),
            fc.constant(pts),
            fc.array(fc.constantFrom(0, 0, 0, 0.25, 0.5, 2), { minLength: pts.length, maxLength: pts.length }),
          ),
        ),
        ([, pts, viol]) => {
          const fronts = nonDominatedSort(pts, viol);
          const all = fronts.flat().sort((a, b) => a - b);
          expect(all).toEqual(pts.map((_, i) => i));
          for (const f of fronts) expect(f.length).toBeGreaterThan(0);
          const dom = (i: number, j: number) => bruteConstrained(pts[i], viol[i], pts[j], viol[j]);
          for (let k = 0; k < fronts.length; k++) {
            for (const p of fronts[k]) {
              for (let k2 = k; k2 < fronts.length; k2++) {
                for (const q of fronts[k2]) expect(dom(q, p)).toBe(false);
              }
              if (k > 0) expect(fronts[k - 1].some((q) => dom(q, p))).toBe(true);
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('all feasible: the first front is the non-dominated set', () => {
    fc.assert(
      fc.property(anyDim, ([, pts]) => {
        const fronts = nonDominatedSort(
          pts,
          pts.map(() => 0),
        );
        expect([...(fronts[0] ?? [])].sort((a, b) => a - b)).toEqual(bruteNonDominated(pts));
      }),
    );
  });

  it('infeasible points come after every feasible one, ordered by violation', () => {
    const pts = [
      [5, 5],
      [0, 0],
      [1, 1],
      [9, 9],
    ];
    const fronts = nonDominatedSort(pts, [0, 0.5, 0.1, 0]);
    // [5,5] dominates [9,9]; then the infeasible ones by violation: 0.1 before 0.5
    expect(fronts).toEqual([[0], [3], [2], [1]]);
  });
});

describe('crowdingDistance', () => {
  it('boundary points of every objective get Infinity', () => {
    fc.assert(
      fc.property(anyDim, ([m, pts]) => {
        fc.pre(pts.length > 0);
        const front = pts.map((_, i) => i);
        const dist = crowdingDistance(pts, front);
        expect([...dist.keys()].sort((a, b) => a - b)).toEqual(front);
        for (let k = 0; k < m; k++) {
          const lo = Math.min(...pts.map((p) => p[k]));
          const hi = Math.max(...pts.map((p) => p[k]));
          // at least one point holding the min and one holding the max is a boundary
          expect(front.some((i) => pts[i][k] === lo && dist.get(i) === Infinity)).toBe(true);
          expect(front.some((i) => pts[i][k] === hi && dist.get(i) === Infinity)).toBe(true);
        }
        for (const v of dist.values()) expect(v).toBeGreaterThanOrEqual(0);
      }),
    );
  });

  it('interior distances by hand', () => {
    const pts = [
      [0, 4],
      [1, 2],
      [3, 1],
      [4, 0],
    ];
    const d = crowdingDistance(pts, [0, 1, 2, 3]);
    expect(d.get(0)).toBe(Infinity);
    expect(d.get(3)).toBe(Infinity);
    expect(d.get(1)).toBeCloseTo((3 - 0) / 4 + (4 - 1) / 4, 12);
    expect(d.get(2)).toBeCloseTo((4 - 1) / 4 + (2 - 0) / 4, 12);
  });

  it('works on a subset front of a larger point list', () => {
    const pts = [
      [100, 100],
      [0, 2],
      [50, 50],
      [1, 1],
      [2, 0],
    ];
    const d = crowdingDistance(pts, [1, 3, 4]);
    expect([...d.keys()].sort()).toEqual([1, 3, 4]);
    expect(d.get(3)).toBeCloseTo(1 + 1, 12);
  });
});

describe('hypervolume', () => {
  it('2-D equals grid counting on integer points (some beyond the reference)', () => {
    fc.assert(
      fc.property(pointSet(2, 8, 12), (pts) => {
        const ref = [7, 6];
        expect(hypervolume2d(pts, ref)).toBe(gridVolume(pts, ref));
        expect(hypervolume(pts, ref)).toBe(gridVolume(pts, ref));
      }),
      { numRuns: 500 },
    );
  });

  it('3-D equals grid counting on integer points', () => {
    fc.assert(
      fc.property(pointSet(3, 6, 12), (pts) => {
        const ref = [5, 6, 4];
        expect(hypervolume3d(pts, ref)).toBe(gridVolume(pts, ref));
        expect(hypervolume(pts, ref)).toBe(gridVolume(pts, ref));
      }),
      { numRuns: 500 },
    );
  });

  it('2-D and 3-D equal inclusion-exclusion on real-valued points', () => {
    const real = (m: number) =>
      fc.array(fc.array(fc.double({ min: -2, max: 12, noNaN: true }), { minLength: m, maxLength: m }), { maxLength: 7 });
    fc.assert(
      fc.property(real(2), (pts) => {
        const ref = [10, 10];
        const ie = inclusionExclusion(pts, ref);
        expect(Math.abs(hypervolume2d(pts, ref) - ie)).toBeLessThanOrEqual(1e-9 * Math.max(1, ie));
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(real(3), (pts) => {
        const ref = [10, 10, 10];
        const ie = inclusionExclusion(pts, ref);
        expect(Math.abs(hypervolume3d(pts, ref) - ie)).toBeLessThanOrEqual(1e-9 * Math.max(1, ie));
      }),
      { numRuns: 300 },
    );
  });

  it('1-D, empty sets, and unsupported dimensions', () => {
    expect(hypervolume([[3], [5]], [10])).toBe(7);
    expect(hypervolume([[12]], [10])).toBe(0);
    expect(hypervolume2d([], [1, 1])).toBe(0);
    expect(hypervolume3d([], [1, 1, 1])).toBe(0);
    expect(() => hypervolume([[0, 0, 0, 0]], [1, 1, 1, 1])).toThrow(/4 objectives/);
  });
});

describe('epsilonIndicator (multiplicative)', () => {
  const senses: Sense[] = ['max', 'min'];
  const front = [
    [10, 5],
    [20, 8],
    [40, 20],
  ];

  it('identical fronts give 1', () => {
    expect(epsilonIndicator(front, front, senses)).toBe(1);
  });

  it('a front scaled down by 1.2 on its max objective gives 1.2', () => {
    const worse = front.map(([q, l]) => [q / 1.2, l]);
    expect(epsilonIndicator(worse, front, senses)).toBeCloseTo(1.2, 12);
    // a better front covers the reference at factor 1
    const better = front.map(([q, l]) => [q * 1.2, l]);
    expect(epsilonIndicator(better, front, senses)).toBe(1);
  });

  it('a front scaled up by 1.3 on its min objective gives 1.3', () => {
    const slower = front.map(([q, l]) => [q, l * 1.3]);
    expect(epsilonIndicator(slower, front, senses)).toBeCloseTo(1.3, 12);
  });

  it('scaling every objective of a non-dominated front by c gives exactly c', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 1, max: 50 }), fc.integer({ min: 1, max: 50 }), fc.integer({ min: 1, max: 50 })), {
          minLength: 1,
          maxLength: 12,
        }),
        fc.double({ min: 1, max: 5, noNaN: true }),
        (raw, c) => {
          const s: Sense[] = ['max', 'min', 'min'];
          const ref = bruteNonDominated(raw.map((p) => toMin(p, s))).map((i) => raw[i]);
          const found = ref.map(([q, a, b]) => [q / c, a * c, b * c]);
          expect(epsilonIndicator(found, ref, s)).toBeCloseTo(c, 9);
        },
      ),
    );
  });
});
