// What a search keeps besides its population: every evaluated key (dedup), the feasible
// non-dominated archive (the frontier the app shows) and a seeded reservoir sample of all
// evaluations (the faint dominated points, at most `sampleSize`).
import type { Evaluation } from './evaluate';
import { toMin, type Sense } from './pareto';
import type { Rng } from './random';

export interface Candidate extends Evaluation {
  /** Evaluation order within the run (0-based). */
  id: number;
  /** Objective values in natural units, in the order of the config's objectives. */
  objectives: number[];
  /** 0 when the candidate meets every budget. */
  violation: number;
}

export const isFeasible = (c: Candidate): boolean => c.violation === 0;

export interface Archive {
  senses: Sense[];
  seen: Set<string>;
  front: Candidate[];
  frontMin: number[][];
  sample: Candidate[];
  sampleSize: number;
  evaluated: number;
  feasible: number;
  /** Bumped whenever the front changes (lets callers cache what they derive from it). */
  version: number;
}

export function makeArchive(senses: Sense[], sampleSize = 2000): Archive {
  return { senses, seen: new Set(), front: [], frontMin: [], sample: [], sampleSize, evaluated: 0, feasible: 0, version: 0 };
}

/** a weakly dominates b (minimisation): no worse anywhere. */
function weaklyDominates(a: readonly number[], b: readonly number[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] > b[i]) return false;
  return true;
}

/** Record a new candidate: counts, reservoir sample, and the frontier if it is feasible and not dominated. */
export function addToArchive(archive: Archive, c: Candidate, rng: Rng): void {
  archive.evaluated++;
  if (archive.sample.length < archive.sampleSize) archive.sample.push(c);
  else {
    const j = Math.floor(rng() * archive.evaluated);
    if (j < archive.sampleSize) archive.sample[j] = c;
  }
  if (c.violation > 0) return;
  archive.feasible++;
  const p = toMin(c.objectives, archive.senses);
  const changed = p.length === 2 ? insertSorted2d(archive, c, p) : insertLinear(archive, c, p);
  if (changed) archive.version++;
}

/**
 * Two objectives: the front is kept sorted by the first (minimisation form) ascending, so the
 * second is strictly descending. A point is dominated iff the last member with x <= p.x has
 * y <= p.y; the members it dominates follow it contiguously. O(log n) search plus one splice.
 */
function insertSorted2d(archive: Archive, c: Candidate, p: number[]): boolean {
  const pts = archive.frontMin;
  let lo = 0;
  let hi = pts.length; // first index with x > p.x
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (pts[mid][0] <= p[0]) lo = mid + 1;
    else hi = mid;
  }
  if (lo > 0 && pts[lo - 1][1] <= p[1]) return false;
  let end = lo;
  while (end < pts.length && pts[end][1] >= p[1]) end++;
  // Members at lo-1 with equal x and larger y are dominated too.
  let start = lo;
  while (start > 0 && pts[start - 1][0] === p[0] && pts[start - 1][1] >= p[1]) start--;
  pts.splice(start, end - start, p);
  archive.front.splice(start, end - start, c);
  return true;
}

function insertLinear(archive: Archive, c: Candidate, p: number[]): boolean {
  for (const q of archive.frontMin) {
    if (weaklyDominates(q, p)) return false;
  }
  let w = 0;
  for (let i = 0; i < archive.front.length; i++) {
    if (!weaklyDominates(p, archive.frontMin[i])) {
      archive.front[w] = archive.front[i];
      archive.frontMin[w] = archive.frontMin[i];
      w++;
    }
  }
  archive.front.length = w;
  archive.frontMin.length = w;
  archive.front.push(c);
  archive.frontMin.push(p);
  return true;
}
