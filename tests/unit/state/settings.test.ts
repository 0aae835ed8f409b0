// Settings forms -> SearchConfig: the defaults are core's DEFAULT_SEARCH, presets round-trip,
// bad input is reported as sentences (ours first, then core's validateSpace).
import { describe, expect, it } from 'vitest';
import { DEFAULT_ENTROPY } from '../../../src/core/proxies';
import { DEFAULT_SEARCH } from '../../../src/core/search';
import { SPACE_PRESETS } from '../../../src/core/space';
import { BASELINE_IDS } from '../../../src/core/baselines';
import { MERINO_OBJECTIVES } from '../../../src/core/budgets';
import { infeasibleBudgets } from '../../../src/state/preflight';
import {
  defaultSettings,
  formToBudgets,
  formToObjectives,
  formToSpace,
  paperSettings,
  inPanelWords,
  settingsToConfig,
  spaceToForm,
  type SpaceForm,
} from '../../../src/state/settings';

describe('settings', () => {
  it('defaults are exactly the default search: LTS GPT-2, 64M total params, decoder params vs decode latency', () => {
    expect(settingsToConfig(defaultSettings())).toEqual({ config: DEFAULT_SEARCH, errors: [] });
  });

  it.each(SPACE_PRESETS.map((p) => [p.label, p.space] as const))('preset %s survives form round-trip', (_, space) => {
    expect(formToSpace(spaceToForm(space))).toEqual({ space, errors: [] });
  });

  it('lets Llama and GPT-NeoX untie the head; GPT-2 and OPT always tie it', () => {
    const f = spaceToForm(SPACE_PRESETS[0].space);
    const tie = (family: 'gpt2' | 'opt' | 'llama' | 'neox') =>
      formToSpace({ ...f, family, kvHeads: f.heads, tieEmbeddings: false }).space!.tieEmbeddings;
    expect([tie('gpt2'), tie('opt'), tie('llama'), tie('neox')]).toEqual([true, true, false, false]);
  });

  it('reports range and list mistakes in words', () => {
    const f = spaceToForm(SPACE_PRESETS[0].space);
    expect(formToSpace({ ...f, layersMin: 20 }).errors).toEqual(['Layers: "from" 20 is larger than "to" 16']);
    expect(formToSpace({ ...f, dModelStep: 0 }).errors).toEqual(['Model width: "from", "to" and "step" must be positive integers']);
    expect(formToSpace({ ...f, heads: '2, four' }).errors[0]).toMatch(/^Heads: give positive integers/);
    expect(formToSpace({ ...f, dInnerStep: 1, dInnerMax: 100_000 }).errors[0]).toMatch(/more than 2,000; use a larger "step"/);
    expect(formToSpace({ ...f, heads: '3' }).errors).toEqual([
      'Heads: no choice divides Model width 128, 256, 320 and 6 more; add a head count that divides them (1 always does)',
    ]);
  });

  it('a range that is too long says which field to change (Layers has no step)', () => {
    const f = spaceToForm(SPACE_PRESETS[0].space);
    expect(formToSpace({ ...f, layersMin: 2, layersMax: 100_000 }).errors).toEqual([
      'Layers: from 2 to 100,000 gives 99,999 choices, more than 2,000; lower "to"',
    ]);
    expect(formToSpace({ ...f, layersMax: 1000 }).errors).toEqual(['Layers: "to" 1,000 is above the limit of 512; lower "to"']);
    expect(formToSpace({ ...f, dModelMin: 64, dModelMax: 100_000, dModelStep: 1 }).errors).toEqual([
      'Model width: from 64 to 100,000 in steps of 1 gives 99,937 choices, more than 2,000; use a larger "step" or a narrower range',
    ]);
  });

  it("bad forms: every refusal once, in the panel's words (no code names)", () => {
    const f = spaceToForm(SPACE_PRESETS[0].space);
    const base = defaultSettings();
    const bad: Partial<SpaceForm>[] = [
      { vocabSize: 2_000_000 },
      { vocabSize: NaN, contextLength: 1e7 },
      { layersMax: 1000 },
      { layersMax: 100_000 },
      { dModelMax: 100_000, dModelStep: 1000 },
      { dModelMin: 64, dModelMax: 2000, dModelStep: 1, heads: '7' },
      { heads: '7' },
      { heads: '2, 5000, 6000' },
      { dInnerMax: 1_000_000, dInnerStep: 1000 },
      { dInnerMin: 128, dInnerMax: 128, minFfnRatio: 8 },
      { minFfnRatio: -1 },
      { family: 'llama', kvHeads: 'x' },
      { family: 'llama', kvHeads: '2000' },
      { layersMin: 0, dModelStep: NaN, heads: '', dInnerMin: 9999, dInnerMax: 1 },
    ];
    for (const patch of bad) {
      const { errors } = settingsToConfig({ ...base, space: { ...f, ...patch } });
      expect(errors.length, JSON.stringify(patch)).toBeGreaterThan(0);
      expect(errors.length, JSON.stringify(patch)).toBeLessThanOrEqual(5);
      expect(new Set(errors).size, JSON.stringify(errors)).toBe(errors.length);
      for (const e of errors) expect(e).not.toMatch(/\b(vocabSize|contextLength|nLayer|dModel|dInner|nHead|nKvHead|minFfnRatio)\b/);
    }
  });

  it("core messages that reach the app are put in the panel's words", () => {
    expect(inPanelWords('dModel 128: no nHead choice divides it')).toBe('Model width 128: no Heads choice divides it');
    expect(inPanelWords('rules.minFfnRatio must be >= 0; vocabSize too large')).toBe('Min FFN ratio must be >= 0; Vocabulary too large');
  });

  it('budgets: display units to core units, empty means no limit, nonsense is reported', () => {
    expect(
      formToBudgets({ paramsM: 64, paramsKind: 'total', mflopsPerToken: null, memoryMB: 300, latencyMs: 12, minDecoderParamsM: null }),
    ).toEqual({
      budgets: { paramsTotal: 64e6, memoryBytes: 300e6, latencyMs: 12 },
      errors: [],
    });
    expect(
      formToBudgets({ paramsM: 30, paramsKind: 'decoder', mflopsPerToken: 50, memoryMB: null, latencyMs: null, minDecoderParamsM: null })
        .budgets,
    ).toEqual({
      paramsDecoder: 30e6,
      flopsPerToken: 50e6,
    });
    expect(
      formToBudgets({ paramsM: -1, paramsKind: 'total', mflopsPerToken: NaN, memoryMB: null, latencyMs: null, minDecoderParamsM: null })
        .errors,
    ).toEqual([
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

  it('min decoder params: M to a floor in the config, empty or 0 = none, nonsense and min > max reported', () => {
    const b = { paramsM: 100, paramsKind: 'decoder' as const, mflopsPerToken: null, memoryMB: null, latencyMs: null };
    expect(formToBudgets({ ...b, minDecoderParamsM: 6 })).toEqual({ budgets: { paramsDecoder: 100e6, paramsDecoderMin: 6e6 }, errors: [] });
    expect(formToBudgets({ ...b, minDecoderParamsM: null }).budgets).toEqual({ paramsDecoder: 100e6 });
    expect(formToBudgets({ ...b, minDecoderParamsM: 0 }).budgets).toEqual({ paramsDecoder: 100e6 });
    expect(formToBudgets({ ...b, minDecoderParamsM: NaN }).errors).toEqual([
      'Min decoder params must be a number >= 0 (or empty for no minimum)',
    ]);
    expect(formToBudgets({ ...b, minDecoderParamsM: 200 }).errors).toEqual([
      'Min decoder params (200 M) is above the params limit (100 M)',
    ]);
    const s = defaultSettings();
    expect(s.budgets.minDecoderParamsM).toBeNull();
    const { config } = settingsToConfig({ ...s, budgets: { ...s.budgets, paramsM: null, minDecoderParamsM: 6 } });
    expect(config!.budgets).toEqual({ paramsDecoderMin: 6e6 });
  });

  it('pre-flight: a minimum above the largest arch of the space is infeasible, one within it is not', () => {
    const s = defaultSettings();
    const at = (min: number) => settingsToConfig({ ...s, budgets: { ...s.budgets, paramsM: null, minDecoderParamsM: min } }).config!;
    expect(infeasibleBudgets(at(6))).toEqual([]);
    expect(infeasibleBudgets(at(500))).toEqual([
      'no feasible architecture: the largest arch in the space (16L d960 h8 ffn4032) has 183 M decoder params < minimum 500 M decoder params',
    ]);
  });

  it('baselines default to all, paper to none', () => {
    expect(defaultSettings().baselines).toEqual([...BASELINE_IDS]);
    expect(defaultSettings().paper).toBeNull();
  });

  it('a paper preset: its space, budgets, objectives, entropy and baselines; evaluations and seed kept', () => {
    const s = { ...defaultSettings(), evaluations: 500, seed: 3 };
    const lts = paperSettings(s, 'lts');
    expect(lts.presetId).toBe('lts-gpt2');
    expect(lts.budgets).toEqual({
      paramsM: 100,
      paramsKind: 'decoder',
      mflopsPerToken: null,
      memoryMB: null,
      latencyMs: null,
      minDecoderParamsM: 6,
    });
    expect(lts.objectives.merino).toBe(false);
    expect(lts.objectives.proxy).toBe('decoder-params');
    expect(lts.baselines).toEqual(['lts-gpt2-16l', 'gpt2', 'gpt2-medium', 'opt-350m']);
    expect(lts.paper).toBe('lts');
    expect(settingsToConfig(lts).config!.budgets).toEqual({ paramsDecoder: 100e6, paramsDecoderMin: 6e6 });
    expect(infeasibleBudgets(settingsToConfig(lts).config!)).toEqual([]);

    const merino = paperSettings(lts, 'merino');
    expect(merino.presetId).toBe('merino-opt');
    expect(merino.space.family).toBe('opt');
    expect(merino.budgets).toEqual({
      paramsM: 64,
      paramsKind: 'total',
      mflopsPerToken: null,
      memoryMB: null,
      latencyMs: null,
      minDecoderParamsM: null,
    });
    expect(merino.objectives.merino).toBe(true);
    expect(merino.objectives.entropy).toEqual(DEFAULT_ENTROPY);
    const config = settingsToConfig(merino).config!;
    expect(config.objectives).toEqual(MERINO_OBJECTIVES);
    expect(config.budgets).toEqual({ paramsTotal: 64e6 });
    expect([config.evaluations, config.seed]).toEqual([500, 3]);
    expect(merino.baselines).toEqual(['opt-350m', 'opt-125m']);

    const none = paperSettings(merino, null);
    expect(none).toEqual({ ...merino, paper: null });
  });
});
