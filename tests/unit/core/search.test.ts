import { describe, expect, it } from 'vitest';
import type { Candidate } from '../../../src/core/archive';
import { MERINO_OBJECTIVES, objectiveValues, violation, type Objective } from '../../../src/core/budgets';
import { evaluate } from '../../../src/core/evaluate';
import { compileSpace, enumerateHomogeneous, homogeneousSize, toArch } from '../../../src/core/genome';
import { hypervolume, toMin, type Sense } from '../../../src/core/pareto';
import { DEFAULT_SEARCH, runSearch, searchToEnd, type SearchConfig, type SearchSnapshot } from '../../../src/core/search';
import { range, spacePreset, type SearchSpace } from '../../../src/core/space';
import { bruteDominates, bruteNonDominated } from './_helpers';

const cfg = (over: Partial<SearchConfig>): SearchConfig => ({ ...DEFAULT_SEARCH, evaluations: 600, ...over });
const sensesOf = (c: SearchConfig): Sense[] => c.objectives.map((o) => o.sense);
const keys = (s: SearchSnapshot) => s.frontier.map((c) => c.key);

/** Objective vectors in minimisation form, as strings, for set comparisons. */
const vecKey = (v: number[]) => JSON.stringify(v);

function expectNonDominated(front: Candidate[], senses: Sense[]): void {
  const pts = front.map((c) => toMin(c.objectives, senses));
  const bad: string[] = [];
  pts.forEach((p, i) =>
    pts.forEach((q, j) => {
      if (i !== j && bruteDominates(q, p)) bad.push(`${front[j].key} dominates ${front[i].key}`);
    }),
  );
  expect(bad).toEqual([]);
}

/** No feasible evaluated candidate dominates a frontier member. */
function expectNotDominatedBySample(s: SearchSnapshot, senses: Sense[]): void {
  const front = s.frontier.map((c) => toMin(c.objectives, senses));
  const bad: string[] = [];
  for (const c of s.sample) {
    if (c.violation > 0) continue;
    const p = toMin(c.objectives, senses);
    front.forEach((f, i) => {
      if (bruteDominates(p, f)) bad.push(`${c.key} dominates frontier ${s.frontier[i].key}`);
    });
  }
  expect(bad).toEqual([]);
}

describe('searchToEnd (NSGA-II)', () => {
  const config = cfg({ seed: 11 });
  const a = searchToEnd(config);

  it('is deterministic for a seed', () => {
    const b = searchToEnd(config);
    expect(keys(b)).toEqual(keys(a));
    expect(b.hypervolume).toBe(a.hypervolume);
    expect(b.evaluated).toBe(a.evaluated);
    expect(b.feasible).toBe(a.feasible);
    expect(b.sample.map((c) => c.key)).toEqual(a.sample.map((c) => c.key));
  });

  it('differs between seeds', () => {
    const c = searchToEnd({ ...config, seed: 12 });
    expect(keys(c)).not.toEqual(keys(a));
  });

  it('evaluates exactly `evaluations` unique archs in a large space', () => {
    expect(a.evaluated).toBe(600);
    expect(a.done).toBe(true);
    // all of them are in the sample (600 <= 2000), each once
    expect(a.sample).toHaveLength(600);
    expect(new Set(a.sample.map((c) => c.key)).size).toBe(600);
    expect([...a.sample.map((c) => c.id)].sort((x, y) => x - y)).toEqual(range(0, 599, 1));
  });

  it('frontier: unique keys, feasible under the budget, non-dominated, not dominated by any feasible evaluation', () => {
    expect(a.frontier.length).toBeGreaterThan(1);
    expect(new Set(keys(a)).size).toBe(a.frontier.length);
    for (const c of a.frontier) {
      expect(c.violation).toBe(0);
      expect(c.params.total).toBeLessThanOrEqual(config.budgets.paramsTotal!);
    }
    expectNonDominated(a.frontier, sensesOf(config));
    expectNotDominatedBySample(a, sensesOf(config));
  });

  it('feasible count is the number of evaluations within budget', () => {
    const within = a.sample.filter((c) => c.params.total <= config.budgets.paramsTotal!).length;
    expect(a.feasible).toBe(within); // sample holds all 600 evaluations here
  });

  it('frontier = brute-force non-dominated set of all feasible evaluations (sample holds them all)', () => {
    const feasible = a.sample.filter((c) => c.violation === 0);
    const pts = feasible.map((c) => toMin(c.objectives, sensesOf(config)));
    const expected = new Set(bruteNonDominated(pts).map((i) => vecKey(pts[i])));
    const got = a.frontier.map((c) => vecKey(toMin(c.objectives, sensesOf(config))));
    expect(new Set(got)).toEqual(expected);
    expect(got.length).toBe(expected.size); // one member per objective vector
  });

  it('candidates carry objectives and violation recomputed from scratch', () => {
    for (const c of a.frontier.slice(0, 20)) {
      const e = evaluate(c.arch, config.eval);
      expect(c.objectives).toEqual(objectiveValues(e, config.objectives, config.eval.workload));
      expect(c.violation).toBe(violation(e, config.budgets, config.eval.workload));
      expect(c.objectives[0]).toBe(e.params.decoder);
      expect(c.objectives[1]).toBe(e.latency.decodeMs);
    }
  });

  it('frontier is sorted best-first on the first objective', () => {
    const first = a.frontier.map((c) => c.objectives[0]);
    expect(first).toEqual([...first].sort((x, y) => y - x)); // decoder params, max
  });

  it('hypervolume equals the 2-D hypervolume of the frontier against the stated reference', () => {
    const senses = sensesOf(config);
    const hv = hypervolume(
      a.frontier.map((c) => toMin(c.objectives, senses)),
      toMin(a.reference, senses),
    );
    expect(a.hypervolume).toBe(hv);
    expect(a.hypervolume).toBeGreaterThan(0);
  });
});

describe('budgets', () => {
  it('a budget nobody meets: feasible 0, empty frontier, no throw', () => {
    const r = searchToEnd(cfg({ evaluations: 200, budgets: { paramsTotal: 1 } }));
    expect(r.evaluated).toBe(200);
    expect(r.feasible).toBe(0);
    expect(r.frontier).toEqual([]);
    expect(r.hypervolume).toBe(0);
    expect(r.sample.every((c) => c.violation > 0)).toBe(true);
  });

  it('several budgets: every frontier member meets each of them', () => {
    const budgets = { paramsTotal: 40e6, latencyMs: 20, memoryBytes: 400e6 };
    const r = searchToEnd(cfg({ evaluations: 500, budgets, seed: 4 }));
    expect(r.frontier.length).toBeGreaterThan(0);
    for (const c of r.frontier) {
      expect(c.params.total).toBeLessThanOrEqual(40e6);
      expect(c.latency.decodeMs).toBeLessThanOrEqual(20);
      expect(c.memory.total).toBeLessThanOrEqual(400e6);
    }
    // every sampled candidate within all three budgets is counted feasible
    const within = r.sample.filter((c) => c.params.total <= 40e6 && c.latency.decodeMs <= 20 && c.memory.total <= 400e6);
    expect(r.feasible).toBe(within.length);
  });
});

describe('runSearch generator', () => {
  it('snapshots: non-decreasing generation and evaluated, strictly more evaluations per generation', () => {
    const it = runSearch(cfg({ evaluations: 800, populationSize: 50, seed: 3 }));
    const snaps: SearchSnapshot[] = [];
    let final: SearchSnapshot;
    for (;;) {
      const r = it.next();
      if (r.done) {
        final = r.value;
        break;
      }
      snaps.push(r.value);
    }
    expect(snaps.length).toBeGreaterThan(3);
    const all = [...snaps, final];
    for (let i = 1; i < all.length; i++) {
      expect(all[i].generation).toBeGreaterThanOrEqual(all[i - 1].generation);
      expect(all[i].evaluated).toBeGreaterThanOrEqual(all[i - 1].evaluated);
      expect(all[i].feasible).toBeGreaterThanOrEqual(all[i - 1].feasible);
    }
    for (let i = 1; i < snaps.length; i++) expect(snaps[i].evaluated).toBeGreaterThan(snaps[i - 1].evaluated);
    expect(snaps.every((s) => !s.done)).toBe(true);
    expect(final.done).toBe(true);
    expect(final.evaluated).toBe(800);
  });

  it('can be stopped after two snapshots (cancellation between generations)', () => {
    const config = cfg({ evaluations: 5000, populationSize: 50, seed: 9 });
    const it = runSearch(config);
    const first = it.next();
    const second = it.next();
    expect(first.done).toBe(false);
    expect(second.done).toBe(false);
    const snap = second.value as SearchSnapshot;
    expect(snap.evaluated).toBeLessThan(config.evaluations);
    expect(snap.generation).toBe(1);
    const stopped = it.return(snap);
    expect(stopped.done).toBe(true);
    expect(it.next().done).toBe(true);
    // the snapshot is a consistent partial result
    expectNonDominated(snap.frontier, sensesOf(config));
    expectNotDominatedBySample(snap, sensesOf(config));
  });

  it('the same seed streams the same snapshots', () => {
    const run = () => {
      const out: [number, number, number][] = [];
      for (const s of runSearch(cfg({ evaluations: 400, populationSize: 40, seed: 21 })))
        out.push([s.generation, s.evaluated, s.hypervolume]);
      return out;
    };
    expect(run()).toEqual(run());
  });
});

/** 54 homogeneous GPT-2 archs: small enough to enumerate, big enough to have a real frontier. */
const smallGpt2Space = (): SearchSpace => ({
  ...spacePreset('lts-gpt2'),
  heterogeneous: false,
  nLayer: [2, 3, 4],
  dModel: range(128, 256, 64),
  nHead: [2, 4],
  dInner: [256, 384, 512, 640],
});

describe('exhaustive check on a small homogeneous space', () => {
  const spaces: [string, SearchSpace][] = [
    ['gpt2', smallGpt2Space()],
    [
      'llama (GQA)',
      {
        ...spacePreset('llama'),
        nLayer: [2, 3, 4],
        dModel: range(128, 256, 64),
        nHead: [2, 4],
        nKvHead: [1, 2],
        dInner: [256, 384, 512],
      },
    ],
  ];
  const objectiveSets: [string, Objective[]][] = [
    ['decoder-params / latency', DEFAULT_SEARCH.objectives],
    [
      'decoder-params / latency / memory',
      [
        { metric: 'decoder-params', sense: 'max' },
        { metric: 'latency', sense: 'min' },
        { metric: 'memory', sense: 'min' },
      ],
    ],
  ];

  for (const [name, space] of spaces) {
    for (const [oname, objectives] of objectiveSets) {
      it(`${name}, ${oname}: NSGA-II with evaluations = space size finds the exhaustive frontier`, () => {
        const cs = compileSpace(space);
        const size = homogeneousSize(cs);
        // exhaustive, independently of the search: every arch, its objectives, feasibility
        const evals = [...enumerateHomogeneous(cs)].map((g) => evaluate(toArch(cs, g), DEFAULT_SEARCH.eval));
        const totals = evals.map((e) => e.params.total).sort((x, y) => x - y);
        const limit = totals[Math.floor(size / 2)]; // a budget that bites: about half the space
        const config = cfg({ space, objectives, budgets: { paramsTotal: limit }, evaluations: size, seed: 5 });
        const senses = sensesOf(config);
        const all = evals.map((e) => ({
          key: e.key,
          v: toMin(objectiveValues(e, objectives, config.eval.workload), senses),
          ok: e.params.total <= limit,
        }));
        expect(all).toHaveLength(size);
        const feasible = all.filter((x) => x.ok);
        expect(feasible.length).toBeGreaterThan(0);
        expect(feasible.length).toBeLessThan(size); // the budget bites
        const frontIdx = bruteNonDominated(feasible.map((x) => x.v));
        const expectedVecs = new Set(frontIdx.map((i) => vecKey(feasible[i].v)));
        const expectedKeys = new Set(frontIdx.map((i) => feasible[i].key));

        const r = searchToEnd(config);
        expect(r.evaluated).toBe(size);
        expect(r.feasible).toBe(feasible.length);
        const gotVecs = r.frontier.map((c) => vecKey(toMin(c.objectives, senses)));
        expect(new Set(gotVecs)).toEqual(expectedVecs);
        for (const c of r.frontier) expect(expectedKeys.has(c.key)).toBe(true);
        // and the exhaustive algorithm agrees
        const ex = searchToEnd({ ...config, algorithm: 'exhaustive' });
        expect(ex.evaluated).toBe(size);
        expect(new Set(ex.frontier.map((c) => vecKey(toMin(c.objectives, senses))))).toEqual(expectedVecs);
        expect(ex.hypervolume).toBeCloseTo(r.hypervolume, 6);
      });
    }
  }
});

describe('other algorithms and objectives', () => {
  it("'random' evaluates the requested count and returns a valid frontier", () => {
    const config = cfg({ algorithm: 'random', evaluations: 500, seed: 2 });
    const r = searchToEnd(config);
    expect(r.evaluated).toBe(500);
    expect(r.frontier.length).toBeGreaterThan(0);
    expect(r.frontier.every((c) => c.violation === 0)).toBe(true);
    expectNonDominated(r.frontier, sensesOf(config));
    expectNotDominatedBySample(r, sensesOf(config));
    expect(searchToEnd(config).frontier.map((c) => c.key)).toEqual(r.frontier.map((c) => c.key));
  });

  it("'random' yields only after new evaluations", () => {
    // A small space where duplicates (misses) are frequent once most of it is evaluated.
    const space = smallGpt2Space();
    const size = homogeneousSize(compileSpace(space));
    const snaps: SearchSnapshot[] = [];
    const it = runSearch(cfg({ space, algorithm: 'random', evaluations: size, populationSize: 10, seed: 5, budgets: {} }));
    for (let r = it.next(); !r.done; r = it.next()) snaps.push(r.value);
    // Regression: random search once yielded after already-seen samples too, repeating identical
    // snapshots with generation + 1. It must yield only after new evaluations.
    for (let i = 1; i < snaps.length; i++) expect(snaps[i].evaluated).toBeGreaterThan(snaps[i - 1].evaluated);
    expect(snaps.length).toBeLessThanOrEqual(Math.ceil(size / 10));
  });

  it('three objectives (decoder params max, latency min, memory min): positive hypervolume, non-dominated frontier', () => {
    const config = cfg({
      evaluations: 500,
      seed: 8,
      objectives: [
        { metric: 'decoder-params', sense: 'max' },
        { metric: 'latency', sense: 'min' },
        { metric: 'memory', sense: 'min' },
      ],
    });
    const r = searchToEnd(config);
    const senses = sensesOf(config);
    expect(r.reference).toHaveLength(3);
    expect(r.hypervolume).toBeGreaterThan(0);
    expect(r.hypervolume).toBe(
      hypervolume(
        r.frontier.map((c) => toMin(c.objectives, senses)),
        toMin(r.reference, senses),
      ),
    );
    expectNonDominated(r.frontier, senses);
    expectNotDominatedBySample(r, senses);
    const first = r.frontier.map((c) => c.objectives[0]);
    expect(first).toEqual([...first].sort((x, y) => y - x));
  });

  it('one objective: the frontier is the single best feasible candidate', () => {
    const config = cfg({ evaluations: 300, seed: 13, objectives: [{ metric: 'entropy', sense: 'max' }] });
    const r = searchToEnd(config);
    const best = Math.max(...r.sample.filter((c) => c.violation === 0).map((c) => c.scores.entropy));
    expect(r.frontier).toHaveLength(1);
    expect(r.frontier[0].scores.entropy).toBe(best);
    expect(r.hypervolume).toBeCloseTo(best - r.reference[0], 9);
  });

  it('MeRino objectives: the frontier holds the best entropy among feasible evaluations', () => {
    const config = cfg({ objectives: MERINO_OBJECTIVES, evaluations: 600, seed: 6, space: spacePreset('merino-opt') });
    const r = searchToEnd(config);
    expect(r.frontier.length).toBeGreaterThan(0);
    expect(r.frontier.every((c) => c.arch.family === 'opt')).toBe(true);
    const best = Math.max(...r.frontier.map((c) => c.scores.entropy));
    expect(r.frontier[0].scores.entropy).toBe(best); // sorted best-first on entropy
    for (const c of r.sample) if (c.violation === 0) expect(best).toBeGreaterThanOrEqual(c.scores.entropy);
    expectNonDominated(r.frontier, sensesOf(config));
  });
});
