import { describe, expect, it } from 'vitest';
import { archKey, parseArchKey } from '../../../src/core/arch';
import { BASELINE_IDS, BASELINES, comparableAcross, LTS_GPT2_16L } from '../../../src/core/baselines';
import { countParams } from '../../../src/core/params';
import { validateArch } from '../../../src/core/validate';

// Hugging Face's num_parameters() of each hub baseline, transcribed independently of presets.ts.
const HF: Record<string, number> = {
  gpt2: 124_439_808,
  'gpt2-medium': 354_823_168,
  'opt-125m': 125_239_296,
  'opt-350m': 331_196_416,
  'pythia-70m': 70_426_624,
  'pythia-160m': 162_322_944,
  'smollm-135m': 134_515_008,
  'tinyllama-1.1b': 1_100_048_384,
  'qwen2.5-0.5b': 494_032_768,
};

describe('baselines', () => {
  it('holds the models the issue names, each once', () => {
    expect([...BASELINE_IDS].sort()).toEqual([...Object.keys(HF), 'lts-gpt2-16l'].sort());
  });

  for (const b of BASELINES.filter((x) => x.id in HF)) {
    it(`${b.name}: total params equal Hugging Face's num_parameters()`, () => {
      expect(countParams(b.arch).total).toBe(HF[b.id]);
      expect(b.hfParams).toBe(HF[b.id]);
    });
  }

  it("LTS's 16-layer GPT-2 counts as GPT2LMHeadModel does (by hand: 12 d^2 + 13 d per layer)", () => {
    const d = 512;
    const decoder = 16 * (12 * d * d + 13 * d) + 2 * d;
    const embedding = 50257 * d + 1024 * d;
    const c = countParams(LTS_GPT2_16L);
    expect(c.decoder).toBe(decoder);
    expect(c.total).toBe(decoder + embedding);
  });

  it('every baseline is a valid arch whose key round-trips (the measure link and series key them)', () => {
    for (const b of BASELINES) {
      expect(validateArch(b.arch)).toEqual([]);
      expect(parseArchKey(archKey(b.arch))).toEqual(b.arch);
    }
  });

  it('entropy compares within a family only; the other axes always', () => {
    expect(comparableAcross('entropy', 'opt', 'gpt2')).toBe(false);
    expect(comparableAcross('entropy', 'gpt2', 'gpt2')).toBe(true);
    expect(comparableAcross('other', 'llama', 'gpt2')).toBe(true);
  });
});
