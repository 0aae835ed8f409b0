// Search benchmark: quality against the exhaustive frontier, and speed.
// Quality: LTS's GPT-2 value lists made homogeneous (30,915 archs, enumerated exhaustively),
// objectives decoder-params (max) and analytic decode latency (min), no budget; NSGA-II and
// random search each get 5% of the space, 5 seeds, medians reported.
//   hypervolume ratio: HV(found) / HV(exhaustive), reference point at the exhaustive frontier's
//     nadir (a far reference point would make every method look like 0.99);
//   epsilon: multiplicative epsilon indicator of the found front against the exhaustive one.
// Speed: evaluations per second of core's evaluate() on one core, and the wall time of a
// 20,000-evaluation search of the default (heterogeneous LTS GPT-2, 64M params) config.
import type { Objective } from '../src/core/budgets';
import { evaluate } from '../src/core/evaluate';
import { compileSpace, homogeneousSize, toArch } from '../src/core/genome';
import { sampleGenome } from '../src/core/operators';
import { epsilonIndicator, hypervolume2d, toMin } from '../src/core/pareto';
import { makeRng } from '../src/core/random';
import { DEFAULT_SEARCH, searchToEnd, type SearchAlgorithm, type SearchConfig } from '../src/core/search';
import { DEFAULT_SPACE } from '../src/core/space';
import { median } from '../src/core/stats';

const OBJECTIVES: Objective[] = [
  { metric: 'decoder-params', sense: 'max' },
  { metric: 'latency', sense: 'min' },
];
const SENSES = OBJECTIVES.map((o) => o.sense);

function exhaustiveFront(config: SearchConfig): number[][] {
  return searchToEnd({ ...config, algorithm: 'exhaustive' }).frontier.map((c) => c.objectives);
}

function quality(config: SearchConfig, front: number[][], algorithm: SearchAlgorithm, seed: number) {
  const r = searchToEnd({ ...config, algorithm, seed });
  const found = r.frontier.map((c) => c.objectives);
  const nadir = [Math.min(...front.map((p) => p[0])), Math.max(...front.map((p) => p[1]))];
  const hv = (pts: number[][]) =>
    hypervolume2d(
      pts.map((p) => toMin(p, SENSES)),
      toMin(nadir, SENSES),
    );
  return { hvRatio: hv(found) / hv(front), epsilon: epsilonIndicator(found, front, SENSES), evaluated: r.evaluated };
}

function evaluationsPerSecond(): number {
  const cs = compileSpace(DEFAULT_SPACE);
  const rng = makeRng(7);
  const archs = Array.from({ length: 20000 }, () => toArch(cs, sampleGenome(cs, rng)));
  for (const a of archs.slice(0, 2000)) evaluate(a); // JIT warm-up
  const t0 = performance.now();
  let sink = 0;
  for (let rep = 0; rep < 5; rep++) for (const a of archs) sink += evaluate(a).params.decoder;
  const s = (performance.now() - t0) / 1000;
  if (sink === 0) throw new Error('unreachable');
  return (5 * archs.length) / s;
}

function defaultSearchSeconds(): number[] {
  searchToEnd({ ...DEFAULT_SEARCH, evaluations: 2000 }); // warm-up
  return [1, 2, 3, 4, 5].map((seed) => {
    const t0 = performance.now();
    const r = searchToEnd({ ...DEFAULT_SEARCH, seed });
    if (r.evaluated !== DEFAULT_SEARCH.evaluations) throw new Error(`evaluated ${r.evaluated}`);
    return (performance.now() - t0) / 1000;
  });
}

export function runSearchBench(seeds = [1, 2, 3, 4, 5]) {
  const space = { ...DEFAULT_SPACE, heterogeneous: false };
  const size = homogeneousSize(compileSpace(space));
  const config: SearchConfig = {
    ...DEFAULT_SEARCH,
    space,
    objectives: OBJECTIVES,
    budgets: {},
    evaluations: Math.floor(0.05 * size),
  };
  const t0 = performance.now();
  const front = exhaustiveFront(config);
  const exhaustiveSeconds = (performance.now() - t0) / 1000;
  const methods = (['nsga2', 'random'] as const).map((algorithm) => {
    const runs = seeds.map((seed) => quality(config, front, algorithm, seed));
    return {
      algorithm,
      hvRatioMedian: median(runs.map((r) => r.hvRatio)),
      epsilonMedian: median(runs.map((r) => r.epsilon)),
      runs,
    };
  });
  const searchSeconds = defaultSearchSeconds();
  return {
    bench: 'search',
    space: 'LTS GPT-2 value lists, homogeneous',
    spaceSize: size,
    exhaustiveFrontSize: front.length,
    exhaustiveSeconds,
    evaluationsPerRun: config.evaluations,
    fractionEvaluated: config.evaluations / size,
    seeds,
    methods,
    targets: { hvRatio: 0.995, epsilon: 1.1, epsilonGoal: 1.05, evalsPerSecond: 100000, searchSeconds: 1 },
    evaluationsPerSecond: evaluationsPerSecond(),
    defaultSearch: { evaluations: DEFAULT_SEARCH.evaluations, secondsMedian: median(searchSeconds), seconds: searchSeconds },
  };
}
