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
}

export function makeArchive(senses: Sense[], sampleSize = 2000): Archive {
  return { senses, seen: new Set(), front: [], frontMin: [], sample: [], sampleSize, evaluated: 0, feasible: 0 };
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
  for (const q of archive.frontMin) if (weaklyDominates(q, p)) return;
  const keepFront: Candidate[] = [];
  const keepMin: number[][] = [];
  for (let i = 0; i < archive.front.length; i++) {
    if (!weaklyDominates(p, archive.frontMin[i])) {
      keepFront.push(archive.front[i]);
      keepMin.push(archive.frontMin[i]);
    }
  }
  keepFront.push(c);
  keepMin.push(p);
  archive.front = keepFront;
  archive.frontMin = keepMin;
}
