// Settings forms -> SearchConfig: the defaults are core's DEFAULT_SEARCH, presets round-trip,
// bad input is reported as sentences (ours first, then core's validateSpace).
import { describe, expect, it } from 'vitest';
import { DEFAULT_ENTROPY } from '../../../src/core/proxies';
import { DEFAULT_SEARCH } from '../../../src/core/search';
import { SPACE_PRESETS } from '../../../src/core/space';
import { defaultSettings, formToBudgets, formToObjectives, formToSpace, settingsToConfig, spaceToForm } from '../../../src/state/settings';

describe('settings', () => {
  it('defaults are exactly the default search: LTS GPT-2, 64M total params, decoder params vs decode latency', () => {
    expect(settingsToConfig(defaultSettings())).toEqual({ config: DEFAULT_SEARCH, errors: [] });
  });

  it.each(SPACE_PRESETS.map((p) => [p.label, p.space] as const))('preset %s survives form round-trip', (_, space) => {
    expect(formToSpace(spaceToForm(space))).toEqual({ space, errors: [] });
  });

  it('reports range and list mistakes in words', () => {
    const f = spaceToForm(SPACE_PRESETS[0].space);
    expect(formToSpace({ ...f, layersMin: 20 }).errors).toEqual(['Layers: "from" 20 is larger than "to" 16']);
    expect(formToSpace({ ...f, dModelStep: 0 }).errors).toEqual(['dModel: from, to and step must be positive integers']);
    expect(formToSpace({ ...f, heads: '2, four' }).errors[0]).toMatch(/^Heads: give positive integers/);
    expect(formToSpace({ ...f, dInnerStep: 1, dInnerMax: 100_000 }).errors[0]).toMatch(/more than 2000 choices/);
    expect(formToSpace({ ...f, heads: '3' }).errors[0]).toBe('dModel 128: no nHead choice divides it');
  });

  it('budgets: display units to core units, empty means no limit, nonsense is reported', () => {
    expect(formToBudgets({ paramsM: 64, paramsKind: 'total', mflopsPerToken: null, memoryMB: 300, latencyMs: 12 })).toEqual({
      budgets: { paramsTotal: 64e6, memoryBytes: 300e6, latencyMs: 12 },
      errors: [],
    });
    expect(formToBudgets({ paramsM: 30, paramsKind: 'decoder', mflopsPerToken: 50, memoryMB: null, latencyMs: null }).budgets).toEqual({
      paramsDecoder: 30e6,
      flopsPerToken: 50e6,
    });
    expect(formToBudgets({ paramsM: -1, paramsKind: 'total', mflopsPerToken: NaN, memoryMB: null, latencyMs: null }).errors).toEqual([
      'Max params must be a positive number (or empty for no limit)',
      'FLOPs per token must be a positive number (or empty for no limit)',
    ]);
  });

  it('objectives: proxy vs latency, or MeRino mode (entropy vs latency)', () => {
    expect(formToObjectives({ proxy: 'flops', workload: 'prefill', merino: false, entropy: DEFAULT_ENTROPY })).toEqual([
      { metric: 'flops', sense: 'max' },
      { metric: 'latency', sense: 'min' },
    ]);
    expect(formToObjectives({ proxy: 'flops', workload: 'decode', merino: true, entropy: DEFAULT_ENTROPY })[0]).toEqual({
      metric: 'entropy',
      sense: 'max',
    });
  });

  it('entropy parameters reach the config and are checked', () => {
    const s = defaultSettings();
    const entropy = { aAtt: 0.5, aFfn: 2, rho0: 0.1 };
    expect(settingsToConfig({ ...s, objectives: { ...s.objectives, entropy } }).config!.eval.entropy).toEqual(entropy);
    expect(settingsToConfig(s).config!.eval.entropy).toEqual(DEFAULT_ENTROPY);
    const bad = settingsToConfig({ ...s, objectives: { ...s.objectives, entropy: { ...entropy, rho0: NaN } } });
    expect(bad.config).toBeUndefined();
    expect(bad.errors).toEqual([expect.stringMatching(/Entropy parameters/)]);
  });

  it('workload and run settings reach the config; bad evaluations or seed are reported', () => {
    const s = defaultSettings();
    const { config } = settingsToConfig({ ...s, objectives: { ...s.objectives, workload: 'prefill' }, evaluations: 500, seed: 7 });
    expect(config!.eval.workload).toBe('prefill');
    expect(config!.evaluations).toBe(500);
    expect(config!.seed).toBe(7);
    expect(settingsToConfig({ ...s, evaluations: 0, seed: -1 }).errors).toEqual([
      'Evaluations must be an integer from 1 to 2,000,000',
      'Seed must be a non-negative integer',
    ]);
  });
});
