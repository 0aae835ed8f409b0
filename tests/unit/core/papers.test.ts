// The paper presets and the decoder-params floor: a candidate below the minimum is over budget by
// min / value - 1 (added to the caps' excess), the presets name real spaces and baselines, and the
// LTS preset carries archai's 6 M to 100 M decoder-param range.
import { describe, expect, it } from 'vitest';
import { BASELINE_IDS } from '../../../src/core/baselines';
import { BUDGET_KEYS, isMinBudget, MERINO_OBJECTIVES, violation } from '../../../src/core/budgets';
import { DEFAULT_EVAL, evaluate } from '../../../src/core/evaluate';
import { PAPER_IDS, PAPER_PRESETS, paperPreset } from '../../../src/core/papers';
import { DEFAULT_ENTROPY } from '../../../src/core/proxies';
import { SPACE_PRESETS } from '../../../src/core/space';
import { LTS_GPT2_16L } from '../../../src/core/baselines';

describe('decoder-params minimum', () => {
  const e = evaluate(LTS_GPT2_16L, DEFAULT_EVAL);
  const n = e.params.decoder;

  it('is the last budget key, and the only floor', () => {
    expect(BUDGET_KEYS[BUDGET_KEYS.length - 1]).toBe('paramsDecoderMin');
    expect(BUDGET_KEYS.filter(isMinBudget)).toEqual(['paramsDecoderMin']);
  });

  it('is met at or above the minimum, and broken below it by min / value - 1', () => {
    expect(violation(e, { paramsDecoderMin: n }, 'decode')).toBe(0);
    expect(violation(e, { paramsDecoderMin: n / 2 }, 'decode')).toBe(0);
    expect(violation(e, { paramsDecoderMin: 2 * n }, 'decode')).toBeCloseTo(1, 12);
  });

  it('adds to the caps like any budget', () => {
    const both = violation(e, { paramsDecoderMin: 2 * n, paramsTotal: e.params.total / 2 }, 'decode');
    expect(both).toBeCloseTo(2, 12);
    // A cap and a floor around the value: feasible.
    expect(violation(e, { paramsDecoderMin: n - 1, paramsDecoder: n + 1 }, 'decode')).toBe(0);
  });
});

describe('paper presets', () => {
  it('have ids, spaces and baselines the app knows', () => {
    expect(PAPER_PRESETS.map((p) => p.id)).toEqual(PAPER_IDS);
    for (const p of PAPER_PRESETS) {
      expect(SPACE_PRESETS.some((s) => s.id === p.space)).toBe(true);
      for (const b of p.baselines) expect(BASELINE_IDS).toContain(b);
      for (const c of p.claims) {
        expect(p.baselines).toContain(c.computation.baseline);
        expect(c.source).toMatch(/arXiv/);
      }
    }
  });

  it('LTS: GPT-2 space, 6 M to 100 M decoder params, decoder params vs latency, its 16-layer GPT-2', () => {
    const p = paperPreset('lts');
    expect(p.label).toBe('Reproduce LTS (GPT-2 space)');
    expect(p.space).toBe('lts-gpt2');
    expect(p.budgets).toEqual({ paramsDecoder: 100e6, paramsDecoderMin: 6e6 });
    expect(p.objectives).toEqual([
      { metric: 'decoder-params', sense: 'max' },
      { metric: 'latency', sense: 'min' },
    ]);
    expect(p.baselines).toEqual(['lts-gpt2-16l', 'gpt2', 'gpt2-medium', 'opt-350m']);
    expect(p.claims.map((c) => c.computation)).toEqual([
      { kind: 'speedup-at-quality', baseline: 'lts-gpt2-16l' },
      { kind: 'speedup-at-quality', baseline: 'opt-350m' },
    ]);
    expect(p.claims[0].text).toMatch(/1\.5x faster runtime and 1\.2x lower peak memory/);
  });

  it('MeRino: OPT space, 64 M total params, entropy (ρ0 = 1/16) vs latency, OPT baselines', () => {
    const p = paperPreset('merino');
    expect(p.label).toBe('Reproduce MeRino (64 M budget)');
    expect(p.space).toBe('merino-opt');
    expect(p.budgets).toEqual({ paramsTotal: 64e6 });
    expect(p.objectives).toEqual(MERINO_OBJECTIVES);
    expect(p.entropy).toEqual(DEFAULT_ENTROPY);
    expect(p.entropy!.rho0).toBe(1 / 16);
    expect(p.baselines).toEqual(['opt-350m', 'opt-125m']);
    expect(p.claims[0].text).toMatch(/4\.9x faster on NVIDIA Jetson Nano, 5\.5x smaller/);
  });
});
