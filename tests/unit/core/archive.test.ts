// The search's archive (feasible non-dominated front, counts, reservoir sample) and budgets.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addToArchive, makeArchive, type Candidate } from '../../../src/core/archive';
import { objectiveValues, violation } from '../../../src/core/budgets';
import { evaluate, metric } from '../../../src/core/evaluate';
import { toMin, type Sense } from '../../../src/core/pareto';
import { findPreset } from '../../../src/core/presets';
import { makeRng } from '../../../src/core/random';
import { bruteNonDominated } from './_helpers';

const fake = (id: number, objectives: number[], v: number): Candidate =>
  ({ id, key: `k${id}`, objectives, violation: v }) as unknown as Candidate;

describe('archive', () => {
  const sensesArb = fc
    .integer({ min: 2, max: 3 })
    .chain((m) => fc.array(fc.constantFrom<Sense>('min', 'max'), { minLength: m, maxLength: m }));

  it('front = brute-force non-dominated set of the feasible candidates, one per objective vector', () => {
    fc.assert(
      fc.property(
        sensesArb.chain((senses) =>
          fc.tuple(
            fc.constant(senses),
            fc.array(
              fc.tuple(
                fc.array(fc.integer({ min: 0, max: 6 }), { minLength: senses.length, maxLength: senses.length }),
                fc.constantFrom(0, 0, 0, 0.3),
              ),
              { maxLength: 60 },
            ),
          ),
        ),
        ([senses, items]) => {
          const ar = makeArchive(senses, 10);
          const rng = makeRng(1);
          items.forEach(([obj, v], i) => addToArchive(ar, fake(i, obj, v), rng));
          const feasible = items.filter(([, v]) => v === 0).map(([obj]) => toMin(obj, senses));
          const expected = new Set(bruteNonDominated(feasible).map((i) => JSON.stringify(feasible[i])));
          const got = ar.front.map((c) => JSON.stringify(toMin(c.objectives, senses)));
          expect(new Set(got)).toEqual(expected);
          expect(got).toHaveLength(expected.size);
          expect(ar.frontMin.map((p) => JSON.stringify(p))).toEqual(got);
          expect(ar.evaluated).toBe(items.length);
          expect(ar.feasible).toBe(feasible.length);
          expect(ar.sample).toHaveLength(Math.min(10, items.length));
          if (senses.length === 2) {
            // sorted best-first on the first objective
            const xs = ar.frontMin.map((p) => p[0]);
            expect(xs).toEqual([...xs].sort((a, b) => a - b));
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('the first of equal objective vectors is kept', () => {
    const ar = makeArchive(['max', 'min']);
    const rng = makeRng(1);
    addToArchive(ar, fake(0, [5, 5], 0), rng);
    addToArchive(ar, fake(1, [5, 5], 0), rng);
    expect(ar.front.map((c) => c.id)).toEqual([0]);
  });

  it('the reservoir sample is a uniform-size subset of what was added', () => {
    const ar = makeArchive(['max', 'min'], 50);
    const rng = makeRng(3);
    for (let i = 0; i < 1000; i++) addToArchive(ar, fake(i, [i, i], 0), rng);
    expect(ar.sample).toHaveLength(50);
    const ids = ar.sample.map((c) => c.id);
    expect(new Set(ids).size).toBe(50);
    // not just the first 50: later candidates made it in
    expect(ids.filter((i) => i >= 500).length).toBeGreaterThan(10);
  });
});

describe('budgets', () => {
  const e = evaluate(findPreset('gpt2')!.arch);

  it('violation is the summed relative excess, 0 when within budget', () => {
    expect(violation(e, {}, 'decode')).toBe(0);
    expect(violation(e, { paramsTotal: 124_439_808 }, 'decode')).toBe(0);
    expect(violation(e, { paramsTotal: 124_439_808 / 2 }, 'decode')).toBeCloseTo(1, 12);
    expect(violation(e, { paramsTotal: 124_439_808 / 2, paramsDecoder: 85_056_000 / 4 }, 'decode')).toBeCloseTo(1 + 3, 12);
    expect(violation(e, { latencyMs: e.latency.prefillMs / 2 }, 'prefill')).toBeCloseTo(1, 12);
    expect(violation(e, { latencyMs: e.latency.decodeMs * 2 }, 'decode')).toBe(0);
    expect(violation(e, { memoryBytes: e.memory.total / 1.5 }, 'decode')).toBeCloseTo(0.5, 12);
    expect(violation(e, { flopsPerToken: e.flops.decodeStep / 3 }, 'decode')).toBeCloseTo(2, 12);
  });

  it('metrics map to the evaluation fields', () => {
    expect(metric(e, 'params-total', 'decode')).toBe(124_439_808);
    expect(metric(e, 'decoder-params', 'decode')).toBe(85_056_000);
    expect(metric(e, 'latency', 'prefill')).toBe(e.latency.prefillMs);
    expect(metric(e, 'latency', 'decode')).toBe(e.latency.decodeMs);
    expect(metric(e, 'memory', 'decode')).toBe(e.memory.total);
    expect(metric(e, 'flops-per-token', 'decode')).toBe(e.flops.decodeStep);
    expect(
      objectiveValues(
        e,
        [
          { metric: 'entropy', sense: 'max' },
          { metric: 'flops', sense: 'max' },
        ],
        'decode',
      ),
    ).toEqual([e.scores.entropy, e.flops.prefill]);
  });
});
