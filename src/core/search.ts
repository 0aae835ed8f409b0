// Multi-objective evolutionary search, NSGA-II style (Deb et al., IEEE TEC 2002) with LTS's
// variation operators (core/operators) and Deb's feasibility-first constraint handling.
// `runSearch` is a generator: it yields a snapshot after every generation, so a worker can
// stream progress and stop between generations. Same config (and seed), same result.
import { addToArchive, makeArchive, type Archive, type Candidate } from './archive';
import { objectiveValues, violation, type Budgets, type Objective } from './budgets';
import { DEFAULT_EVAL, evaluate, type EvalSettings } from './evaluate';
import { compileSpace, enumerateSpace, repair, spaceSize, toArch, type CompiledSpace, type Genome } from './genome';
import { crossover, DEFAULT_OPERATORS, mutate, sampleGenome, type OperatorParams } from './operators';
import { crowdingDistance, hypervolume, nonDominatedSort, toMin } from './pareto';
import { makeRng, randInt, type Rng } from './random';
import { DEFAULT_SPACE, type SearchSpace } from './space';
import { archKey } from './arch';
import { detLn } from './detMath';

export type SearchAlgorithm = 'nsga2' | 'random' | 'exhaustive';

/** Exhaustive enumeration refuses spaces larger than this. */
export const EXHAUSTIVE_LIMIT = 2_000_000;

export interface SearchConfig {
  space: SearchSpace;
  objectives: Objective[];
  budgets: Budgets;
  eval: EvalSettings;
  /** Unique archs to evaluate. */
  evaluations: number;
  populationSize: number;
  seed: number;
  operators: OperatorParams;
  algorithm: SearchAlgorithm;
}

export const DEFAULT_SEARCH: SearchConfig = {
  space: DEFAULT_SPACE,
  objectives: [
    { metric: 'decoder-params', sense: 'max' },
    { metric: 'latency', sense: 'min' },
  ],
  budgets: { paramsTotal: 64e6 },
  eval: DEFAULT_EVAL,
  evaluations: 20000,
  populationSize: 100,
  seed: 1,
  operators: DEFAULT_OPERATORS,
  algorithm: 'nsga2',
};

export interface SearchSnapshot {
  generation: number;
  evaluated: number;
  feasible: number;
  /** Feasible non-dominated candidates found so far, sorted by the first objective. */
  frontier: Candidate[];
  /** Hypervolume of the frontier against `reference` (objectives in natural units). */
  hypervolume: number;
  reference: number[];
  /** Reservoir sample of all evaluations (dominated and infeasible included), at most 2000. */
  sample: Candidate[];
  done: boolean;
}

interface Ctx {
  config: SearchConfig;
  cs: CompiledSpace;
  rng: Rng;
  archive: Archive;
  /** Hypervolume of the archive front at archive version hvVersion (recomputed only on change). */
  hv: number;
  hvVersion: number;
}

function evaluateGenome(ctx: Ctx, g: Genome): Candidate | undefined {
  const arch = toArch(ctx.cs, g);
  const key = archKey(arch);
  if (ctx.archive.seen.has(key)) return undefined;
  ctx.archive.seen.add(key);
  const e = evaluate(arch, ctx.config.eval);
  const { objectives, eval: ev, budgets } = ctx.config;
  const c: Candidate = {
    ...e,
    id: ctx.archive.evaluated,
    objectives: objectiveValues(e, objectives, ev.workload),
    violation: violation(e, budgets, ev.workload),
  };
  addToArchive(ctx.archive, c, ctx.rng);
  return c;
}

/**
 * Hypervolume reference point, stated: per objective, the worse of its values at the space's
 * smallest arch (every index 0) and largest arch (every index last). Fixed per config, so
 * hypervolumes of runs on the same config compare.
 */
/** The space's two corners: every index 0 (smallest arch) and every index last (largest), repaired. */
export function cornerGenomes(cs: CompiledSpace): [Genome, Genome] {
  const s = cs.space;
  const last = (xs: readonly number[]) => xs.length - 1;
  const layers = (h: number, f: number, kv: number) => Array.from({ length: cs.layerGenes }, () => ({ h, f, kv }));
  const small: Genome = { l: 0, d: 0, layers: layers(0, 0, 0) };
  const large: Genome = {
    l: last(s.nLayer),
    d: last(s.dModel),
    layers: layers(last(s.nHead), last(s.dInner), last(s.nKvHead ?? [0])),
  };
  return [repair(cs, small), repair(cs, large)];
}

/**
 * Hypervolume reference point, stated: per objective, the worse of its values at the space's
 * two corners (cornerGenomes). Fixed per config, so hypervolumes of runs on one config compare.
 */
export function referencePoint(config: SearchConfig, cs: CompiledSpace = compileSpace(config.space)): number[] {
  const vals = cornerGenomes(cs).map((g) => {
    const e = evaluate(toArch(cs, g), config.eval);
    return objectiveValues(e, config.objectives, config.eval.workload);
  });
  return config.objectives.map((o, k) => (o.sense === 'max' ? Math.min(vals[0][k], vals[1][k]) : Math.max(vals[0][k], vals[1][k])));
}

export function frontierHypervolume(front: readonly Candidate[], config: SearchConfig, reference: number[]): number {
  const senses = config.objectives.map((o) => o.sense);
  return hypervolume(
    front.map((c) => toMin(c.objectives, senses)),
    toMin(reference, senses),
  );
}

function snapshot(ctx: Ctx, generation: number, reference: number[], done: boolean): SearchSnapshot {
  const { archive } = ctx;
  const senses = ctx.config.objectives.map((o) => o.sense);
  // Two objectives: the archive keeps the front sorted best-first on the first objective already.
  const frontier =
    senses.length === 2
      ? [...archive.front]
      : [...archive.front].sort((a, b) => (senses[0] === 'max' ? -1 : 1) * (a.objectives[0] - b.objectives[0]));
  if (ctx.hvVersion !== archive.version) {
    ctx.hv = frontierHypervolume(frontier, ctx.config, reference);
    ctx.hvVersion = archive.version;
  }
  return {
    generation,
    evaluated: archive.evaluated,
    feasible: archive.feasible,
    frontier,
    hypervolume: ctx.hv,
    reference,
    sample: [...archive.sample],
    done,
  };
}

interface Member {
  g: Genome;
  c: Candidate;
}

/** Binary tournament on (front rank, crowding distance). */
function tournament(rng: Rng, pop: Member[], rank: Int32Array, crowd: Float64Array): Member {
  const a = randInt(rng, pop.length);
  const b = randInt(rng, pop.length);
  if (rank[a] !== rank[b]) return pop[rank[a] < rank[b] ? a : b];
  return pop[crowd[a] >= crowd[b] ? a : b];
}

/**
 * Crowding is measured twice and summed: in the objectives' own units (NSGA-II) and in the log
 * of each objective that is positive across the pool. Sizes and latencies span orders of
 * magnitude; in linear units alone the small-model end of the frontier is squeezed into a sliver
 * and pruned, in log units alone the large end thins out. Our choice, tuned on bench/search
 * (hypervolume ratio and multiplicative epsilon against the exhaustive frontier).
 */
function crowdingSpace(pool: Member[]): number[][] {
  const m = pool[0]?.c.objectives.length ?? 0;
  const logs = Array.from({ length: m }, (_, k) => pool.every((x) => x.c.objectives[k] > 0));
  return pool.map((x) => x.c.objectives.map((v, k) => (logs[k] ? detLn(v) : v))); // the same bits on every engine
}

/** Keep the best `n` of `pool` by non-dominated rank, then crowding distance. */
function select(pool: Member[], n: number, senses: Objective['sense'][]): { pop: Member[]; rank: Int32Array; crowd: Float64Array } {
  const pts = pool.map((m) => toMin(m.c.objectives, senses));
  const fronts = nonDominatedSort(
    pts,
    pool.map((m) => m.c.violation),
  );
  const spread = crowdingSpace(pool);
  const chosen: { i: number; rank: number; crowd: number }[] = [];
  for (let r = 0; r < fronts.length && chosen.length < n; r++) {
    const logDist = crowdingDistance(spread, fronts[r]);
    const linDist = crowdingDistance(pts, fronts[r]);
    const members = fronts[r].map((i) => ({ i, rank: r, crowd: logDist.get(i)! + linDist.get(i)! }));
    if (chosen.length + members.length > n) members.sort((a, b) => b.crowd - a.crowd || a.i - b.i);
    chosen.push(...members.slice(0, n - chosen.length));
  }
  return {
    pop: chosen.map((x) => pool[x.i]),
    rank: Int32Array.from(chosen.map((x) => x.rank)),
    crowd: Float64Array.from(chosen.map((x) => x.crowd)),
  };
}

function* nsga2(ctx: Ctx, reference: number[]): Generator<SearchSnapshot, SearchSnapshot> {
  const { config, cs, rng } = ctx;
  const n = Math.max(4, config.populationSize);
  const senses = config.objectives.map((o) => o.sense);
  const maxAttempts = (k: number) => k * 50;
  // The corners seed the population: for size-monotone objectives they are the frontier's two
  // ends, which uniform sampling rarely hits and which bound every epsilon gap at the ends.
  const pool: Member[] = [];
  for (const g of cornerGenomes(cs)) {
    const c = ctx.archive.evaluated < config.evaluations ? evaluateGenome(ctx, g) : undefined;
    if (c) pool.push({ g, c });
  }
  for (let tries = 0; pool.length < n && tries < maxAttempts(n) && ctx.archive.evaluated < config.evaluations; tries++) {
    const g = sampleGenome(cs, rng);
    const c = evaluateGenome(ctx, g);
    if (c) pool.push({ g, c });
  }
  let { pop, rank, crowd } = select(pool, n, senses);
  let generation = 0;
  yield snapshot(ctx, generation, reference, false);
  while (ctx.archive.evaluated < config.evaluations) {
    const offspring: Member[] = [];
    let tries = 0;
    for (; offspring.length < n && tries < maxAttempts(n) && ctx.archive.evaluated < config.evaluations; tries++) {
      const a = tournament(rng, pop, rank, crowd);
      const b = tournament(rng, pop, rank, crowd);
      const g = mutate(cs, crossover(cs, a.g, b.g, rng, config.operators), rng, config.operators);
      const c = evaluateGenome(ctx, g);
      if (c) offspring.push({ g, c });
    }
    if (offspring.length === 0) break; // the reachable space is exhausted
    ({ pop, rank, crowd } = select([...pop, ...offspring], n, senses));
    generation++;
    if (ctx.archive.evaluated < config.evaluations) yield snapshot(ctx, generation, reference, false);
  }
  return snapshot(ctx, generation, reference, true);
}

function* randomSearch(ctx: Ctx, reference: number[]): Generator<SearchSnapshot, SearchSnapshot> {
  const { config, cs, rng } = ctx;
  const batch = Math.max(1, config.populationSize);
  let generation = 0;
  let misses = 0;
  while (ctx.archive.evaluated < config.evaluations && misses < config.evaluations * 50) {
    if (!evaluateGenome(ctx, sampleGenome(cs, rng))) {
      misses++;
      continue; // nothing new: no snapshot
    }
    if (ctx.archive.evaluated % batch === 0 && ctx.archive.evaluated < config.evaluations) {
      generation++;
      yield snapshot(ctx, generation, reference, false);
    }
  }
  return snapshot(ctx, generation, reference, true);
}

/** Evaluate every arch of a small space (tests, the quality benchmark); `evaluations` is ignored. */
function* exhaustive(ctx: Ctx, reference: number[]): Generator<SearchSnapshot, SearchSnapshot> {
  const size = spaceSize(ctx.cs);
  if (size > EXHAUSTIVE_LIMIT) {
    throw new Error(`exhaustive enumeration: the space holds ${size.toExponential(2)} archs, more than ${EXHAUSTIVE_LIMIT}`);
  }
  const batch = Math.max(1, ctx.config.populationSize * 10);
  let generation = 0;
  for (const g of enumerateSpace(ctx.cs)) {
    evaluateGenome(ctx, g);
    if (ctx.archive.evaluated % batch === 0) yield snapshot(ctx, ++generation, reference, false);
  }
  return snapshot(ctx, generation, reference, true);
}

/** The search as a generator of per-generation snapshots; its return value is the final one. */
export function runSearch(config: SearchConfig): Generator<SearchSnapshot, SearchSnapshot> {
  const cs = compileSpace(config.space);
  const rng = makeRng(config.seed);
  const ctx: Ctx = { config, cs, rng, archive: makeArchive(config.objectives.map((o) => o.sense)), hv: 0, hvVersion: -1 };
  const reference = referencePoint(config, cs);
  if (config.algorithm === 'exhaustive') return exhaustive(ctx, reference);
  return config.algorithm === 'random' ? randomSearch(ctx, reference) : nsga2(ctx, reference);
}

/** Run a search to the end (CLI, tests, benchmarks). */
export function searchToEnd(config: SearchConfig): SearchSnapshot {
  const it = runSearch(config);
  for (;;) {
    const r = it.next();
    if (r.done) return r.value;
  }
}
