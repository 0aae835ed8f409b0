// Pareto utilities over objective vectors in minimisation form (negate what is maximised).
// Non-dominated sorting and crowding distance follow NSGA-II (Deb et al., IEEE TEC 2002);
// constrained domination follows Deb's feasibility rules (Deb, CMAME 2000).

export type Sense = 'min' | 'max';

/** Objective vector in minimisation form. */
export const toMin = (values: readonly number[], senses: readonly Sense[]): number[] =>
  values.map((v, i) => (senses[i] === 'max' ? -v : v));

/** a dominates b: no worse everywhere, better somewhere (minimisation). */
export function dominates(a: readonly number[], b: readonly number[]): boolean {
  let better = false;
  for (let i = 0; i < a.length; i++) {
    if (a[i] > b[i]) return false;
    if (a[i] < b[i]) better = true;
  }
  return better;
}

/** Deb's rules: feasible beats infeasible; of two infeasible the smaller violation wins; else Pareto. */
export function constrainedDominates(a: readonly number[], va: number, b: readonly number[], vb: number): boolean {
  if (va === 0 && vb > 0) return true;
  if (va > 0 && vb === 0) return false;
  if (va > 0 && vb > 0) return va < vb;
  return dominates(a, b);
}

/** Indices of the non-dominated vectors (duplicates of a non-dominated vector are all kept). */
export function nonDominatedIndices(points: readonly (readonly number[])[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < points.length; i++) {
    let dominated = false;
    for (let j = 0; j < points.length && !dominated; j++) dominated = j !== i && dominates(points[j], points[i]);
    if (!dominated) out.push(i);
  }
  return out;
}

/** Filter items to their non-dominated set, any number of objectives, each min or max. */
export function nonDominated<T>(items: readonly T[], values: (t: T) => number[], senses: readonly Sense[]): T[] {
  const pts = items.map((t) => toMin(values(t), senses));
  return nonDominatedIndices(pts).map((i) => items[i]);
}

/** Fast non-dominated sort with constrained domination. Returns fronts of indices, best first. */
export function nonDominatedSort(points: readonly (readonly number[])[], violations: readonly number[]): number[][] {
  const n = points.length;
  const dominatedBy: number[][] = Array.from({ length: n }, () => []);
  const count = new Int32Array(n);
  const fronts: number[][] = [[]];
  for (let p = 0; p < n; p++) {
    for (let q = p + 1; q < n; q++) {
      if (constrainedDominates(points[p], violations[p], points[q], violations[q])) {
        dominatedBy[p].push(q);
        count[q]++;
      } else if (constrainedDominates(points[q], violations[q], points[p], violations[p])) {
        dominatedBy[q].push(p);
        count[p]++;
      }
    }
  }
  for (let p = 0; p < n; p++) if (count[p] === 0) fronts[0].push(p);
  for (let k = 0; fronts[k].length; k++) {
    const next: number[] = [];
    for (const p of fronts[k]) {
      for (const q of dominatedBy[p]) if (--count[q] === 0) next.push(q);
    }
    fronts.push(next);
  }
  fronts.pop();
  return fronts;
}

/** NSGA-II crowding distance of the members of one front (boundary points get Infinity). */
export function crowdingDistance(points: readonly (readonly number[])[], front: readonly number[]): Map<number, number> {
  const dist = new Map<number, number>(front.map((i) => [i, 0]));
  if (front.length === 0) return dist;
  const m = points[front[0]].length;
  for (let k = 0; k < m; k++) {
    const sorted = [...front].sort((a, b) => points[a][k] - points[b][k]);
    const lo = points[sorted[0]][k];
    const hi = points[sorted[sorted.length - 1]][k];
    dist.set(sorted[0], Infinity);
    dist.set(sorted[sorted.length - 1], Infinity);
    if (hi === lo) continue;
    for (let i = 1; i < sorted.length - 1; i++) {
      const d = dist.get(sorted[i])! + (points[sorted[i + 1]][k] - points[sorted[i - 1]][k]) / (hi - lo);
      dist.set(sorted[i], d);
    }
  }
  return dist;
}

/** Area dominated by 2-D points (minimisation) and bounded by `ref`; points beyond ref add nothing. */
export function hypervolume2d(points: readonly (readonly number[])[], ref: readonly number[]): number {
  const pts = points.filter((p) => p[0] < ref[0] && p[1] < ref[1]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let hv = 0;
  let bestY = ref[1];
  for (const [x, y] of pts) {
    if (y < bestY) {
      hv += (ref[0] - x) * (bestY - y);
      bestY = y;
    }
  }
  return hv;
}

/** Volume dominated by 3-D points (minimisation) and bounded by `ref`: slices along z, 2-D area per slice. */
export function hypervolume3d(points: readonly (readonly number[])[], ref: readonly number[]): number {
  const pts = points.filter((p) => p[0] < ref[0] && p[1] < ref[1] && p[2] < ref[2]).sort((a, b) => a[2] - b[2]);
  let hv = 0;
  for (let i = 0; i < pts.length; i++) {
    const zNext = i + 1 < pts.length ? pts[i + 1][2] : ref[2];
    if (zNext === pts[i][2]) continue;
    const area = hypervolume2d(
      pts.slice(0, i + 1).map((p) => [p[0], p[1]]),
      [ref[0], ref[1]],
    );
    hv += area * (zNext - pts[i][2]);
  }
  return hv;
}

export function hypervolume(points: readonly (readonly number[])[], ref: readonly number[]): number {
  if (ref.length === 1) return Math.max(0, ref[0] - Math.min(ref[0], ...points.map((p) => p[0])));
  if (ref.length === 2) return hypervolume2d(points, ref);
  if (ref.length === 3) return hypervolume3d(points, ref);
  throw new Error(`hypervolume: ${ref.length} objectives are not supported (1 to 3)`);
}

/**
 * Multiplicative epsilon indicator I(found, reference) for positive objective values (natural
 * form, with senses): the smallest factor eps >= 1 such that every reference point is covered by
 * some found point scaled by eps (max objectives divided by eps, min objectives multiplied).
 */
export function epsilonIndicator(
  found: readonly (readonly number[])[],
  reference: readonly (readonly number[])[],
  senses: readonly Sense[],
): number {
  let worst = 1;
  for (const r of reference) {
    let best = Infinity;
    for (const f of found) {
      let need = 1;
      for (let k = 0; k < senses.length; k++) {
        const ratio = senses[k] === 'max' ? r[k] / f[k] : f[k] / r[k];
        if (ratio > need) need = ratio;
      }
      if (need < best) best = need;
    }
    if (best > worst) worst = best;
  }
  return worst;
}
