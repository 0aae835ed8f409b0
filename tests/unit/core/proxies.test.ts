import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { homogeneous, type Arch } from '../../../src/core/arch';
import { DEFAULT_EVAL } from '../../../src/core/evaluate';
import { computeProxies, DEFAULT_ENTROPY, entropyScore, PROXIES, PROXY_IDS } from '../../../src/core/proxies';
import {
  estimatePerplexity,
  fitPowerLaw,
  fitReference,
  parseReferenceFile,
  referenceArch,
  validateProxies,
} from '../../../src/core/referenceModels';
import { archArb, loadLtsGpt2, naiveKendallB, naiveSpearman } from './_helpers';

const LN2 = Math.log(2);
const gpt2Base = { family: 'gpt2' as const, vocabSize: 100, contextLength: 16, tieEmbeddings: true };

const tiny = (dInners: number[], dModel = 64, family: Arch['family'] = 'gpt2'): Arch => ({
  ...gpt2Base,
  family,
  dModel,
  layers: dInners.map((dInner) => ({ nHead: 4, dInner })),
});

describe('entropyScore (MeRino-style reconstruction)', () => {
  it('no rho factor: d=64, 2 layers, dInner 128 and 256 -> 51 ln 2', () => {
    // per layer: QKV ln 64 + out ln 64 + up ln 64 + down ln dInner = 3*6 ln2 + log2(dInner) ln2
    // (6*3 + 7) + (6*3 + 8) = 51; rho = 2/64 = 1/32 <= 1/16
    expect(entropyScore(tiny([128, 256]))).toBeCloseTo(51 * LN2, 12);
  });

  it('rho factor: d=64, 8 layers (rho 1/8 > 1/16) halves the score', () => {
    // 8 x (3*6 + 6) = 192 (ln 2), times rho0/rho = (1/16)/(1/8) = 1/2
    expect(entropyScore(tiny(Array(8).fill(64)))).toBeCloseTo(96 * LN2, 12);
    // without the factor (rho0 huge) the full sum
    expect(entropyScore(tiny(Array(8).fill(64)), { ...DEFAULT_ENTROPY, rho0: 1e9 })).toBeCloseTo(192 * LN2, 12);
  });

  it('rho exactly at rho0 (4 layers of d=64) is not penalised', () => {
    expect(entropyScore(tiny(Array(4).fill(64)))).toBeCloseTo(4 * 24 * LN2, 12);
  });

  it('custom rho0 and weights', () => {
    // rho0 = 1/64, rho = 1/32: factor 1/2
    expect(entropyScore(tiny([128, 256]), { aAtt: 1, aFfn: 1, rho0: 1 / 64 })).toBeCloseTo(25.5 * LN2, 12);
    // aAtt 2, aFfn 0.5: (2*12 + 0.5*(6+7)) + (2*12 + 0.5*(6+8)) = 61.5
    expect(entropyScore(tiny([128, 256]), { aAtt: 2, aFfn: 0.5, rho0: 1 / 16 })).toBeCloseTo(61.5 * LN2, 12);
  });

  it('SwiGLU adds its gate: llama d=64, 2 layers of dInner 128 -> 62 ln 2', () => {
    // per layer 2*6 (attention) + 6 (up) + 7 (down) + 6 (gate) = 31
    const llama: Arch = { ...tiny([128, 128], 64, 'llama'), tieEmbeddings: false };
    expect(entropyScore(llama)).toBeCloseTo(62 * LN2, 12);
    expect(entropyScore(llama) - entropyScore(tiny([128, 128]))).toBeCloseTo(2 * 6 * LN2, 12);
  });

  it('closed form on random archs', () => {
    fc.assert(
      fc.property(
        archArb(),
        fc.double({ min: 0, max: 3, noNaN: true }),
        fc.double({ min: 0, max: 3, noNaN: true }),
        fc.double({ min: 1e-3, max: 1, noNaN: true }),
        (arch, aAtt, aFfn, rho0) => {
          const d = arch.dModel;
          const gate = arch.family === 'llama' ? 1 : 0;
          const raw = arch.layers.reduce((s, l) => s + aAtt * 2 * Math.log(d) + aFfn * ((1 + gate) * Math.log(d) + Math.log(l.dInner)), 0);
          const rho = arch.layers.length / d;
          const expected = raw * Math.min(1, rho0 / rho);
          expect(entropyScore(arch, { aAtt, aFfn, rho0 })).toBeCloseTo(expected, 9);
        },
      ),
    );
  });
});

describe('proxy registry', () => {
  it('entropy defaults: a_att = a_ffn = 1, rho0 = 1/16', () => {
    expect(DEFAULT_ENTROPY).toEqual({ aAtt: 1, aFfn: 1, rho0: 1 / 16 });
  });

  it('has the three proxies, all higher-is-better, computing what they say', () => {
    expect([...PROXY_IDS].sort()).toEqual(['decoder-params', 'entropy', 'flops']);
    const arch = homogeneous({ ...gpt2Base, dModel: 64 }, 3, { nHead: 4, dInner: 200 });
    const inputs = { decoderParams: 12345, prefillFlops: 67890 };
    for (const id of PROXY_IDS) {
      expect(PROXIES[id].id).toBe(id);
      expect(PROXIES[id].higherIsBetter).toBe(true);
      expect(PROXIES[id].formula.length).toBeGreaterThan(0);
    }
    expect(PROXIES['decoder-params'].compute(arch, inputs, DEFAULT_ENTROPY)).toBe(12345);
    expect(PROXIES.flops.compute(arch, inputs, DEFAULT_ENTROPY)).toBe(67890);
    expect(PROXIES.entropy.compute(arch, inputs, DEFAULT_ENTROPY)).toBe(entropyScore(arch));
    expect(computeProxies(arch, inputs, DEFAULT_ENTROPY)).toEqual({
      'decoder-params': 12345,
      entropy: entropyScore(arch),
      flops: 67890,
    });
  });
});

describe('validateProxies on LTS GPT-2 / WikiText-103 (200 models)', () => {
  const ref = loadLtsGpt2();
  const negPpl = ref.models.map((m) => -m.valid_ppl);
  const byId = (rs: ReturnType<typeof validateProxies>, id: string) => rs.find((r) => r.proxy === id)!;
  const results = validateProxies(ref);

  it('decoder params: Spearman 0.967 (as LTS reports), equal to an independent computation', () => {
    const r = byId(results, 'decoder-params');
    expect(r.n).toBe(200);
    expect(Math.abs(r.spearman - 0.967)).toBeLessThan(0.0005);
    const nonembedding = ref.models.map((m) => m.params.nonembedding);
    expect(r.spearman).toBeCloseTo(naiveSpearman(nonembedding, negPpl), 12);
    expect(r.kendall).toBeCloseTo(naiveKendallB(nonembedding, negPpl), 12);
  });

  it('entropy: Spearman about 0.86, equal to an independent computation', () => {
    const r = byId(results, 'entropy');
    expect(Math.abs(r.spearman - 0.86)).toBeLessThan(0.01);
    const hand = ref.models.map((m) => {
      const d = m.config.d_model;
      const inner = m.config.d_inner as number[];
      const raw = inner.reduce((s, f) => s + 3 * Math.log(d) + Math.log(f), 0);
      const rho = m.config.n_layer / d;
      return raw * Math.min(1, 1 / 16 / rho);
    });
    expect(r.spearman).toBeCloseTo(naiveSpearman(hand, negPpl), 12);
  });

  it('entropy without the rho factor: Spearman about 0.64', () => {
    const noRho = validateProxies(ref, { ...DEFAULT_EVAL, entropy: { ...DEFAULT_ENTROPY, rho0: 1e9 } });
    expect(Math.abs(byId(noRho, 'entropy').spearman - 0.64)).toBeLessThan(0.01);
    // the other proxies do not depend on the entropy settings
    expect(byId(noRho, 'decoder-params').spearman).toBe(byId(results, 'decoder-params').spearman);
  });

  it('flops proxy matches an independent Spearman of prefill FLOPs', () => {
    const T = DEFAULT_EVAL.tokens;
    const flops = ref.models.map((m) => {
      const a = referenceArch(m);
      const d = a.dModel;
      const pairs = (T * (T + 1)) / 2;
      return a.layers.reduce((s, l) => s + 2 * T * (4 * d * d + 2 * d * l.dInner) + 4 * pairs * d, 0) + 2 * a.vocabSize * d;
    });
    expect(byId(results, 'flops').spearman).toBeCloseTo(naiveSpearman(flops, negPpl), 12);
  });
});

describe('power-law perplexity fit', () => {
  it('recovers a and b exactly from ppl = exp(a) N^b', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -5, max: 10, noNaN: true }),
        fc.double({ min: -1, max: 1, noNaN: true }),
        // Sizes at least 1 % apart: the slope's rounding error is about 1e-15 / (spread of ln N),
        // so two sizes 22 apart near 1e9 (a case fast-check found) leave only ~7 exact digits.
        fc
          .uniqueArray(fc.integer({ min: 1_000, max: 1_000_000_000 }), { minLength: 2, maxLength: 40 })
          .filter((ns) => Math.max(...ns) >= 1.01 * Math.min(...ns)),
        (a, b, ns) => {
          const pts = ns.map((n) => ({ n, ppl: Math.exp(a) * n ** b }));
          const fit = fitPowerLaw(pts, 'synthetic');
          expect(fit.a).toBeCloseTo(a, 6);
          expect(fit.b).toBeCloseTo(b, 8);
          expect(fit.rmseLog).toBeLessThan(1e-8);
          expect(fit.n).toBe(ns.length);
          expect(fit.dataset).toBe('synthetic');
          for (const n of ns) expect(estimatePerplexity(fit, n) / (Math.exp(a) * n ** b)).toBeCloseTo(1, 8);
        },
      ),
    );
  });

  it('three points by hand: ln N = 0,1,2, ln ppl = 1,2,4 -> b = 1.5, a = 5/6, rmseLog = sqrt(1/18)', () => {
    const fit = fitPowerLaw(
      [
        { n: 1, ppl: Math.E },
        { n: Math.E, ppl: Math.E ** 2 },
        { n: Math.E ** 2, ppl: Math.E ** 4 },
      ],
      'hand',
    );
    expect(fit.b).toBeCloseTo(1.5, 12);
    expect(fit.a).toBeCloseTo(5 / 6, 12);
    expect(fit.rmseLog).toBeCloseTo(Math.sqrt(1 / 18), 12);
    const est = [5 / 6, 7 / 3, 23 / 6].map(Math.exp);
    const ppl = [1, 2, 4].map(Math.exp);
    expect(fit.rmse).toBeCloseTo(Math.sqrt(est.reduce((s, e, i) => s + (e - ppl[i]) ** 2, 0) / 3), 10);
  });

  it('on the LTS data: perplexity falls with size and the estimate ranks like decoder params', () => {
    const ref = loadLtsGpt2();
    const fit = fitReference(ref, 'LTS GPT-2, WikiText-103');
    expect(fit.b).toBeLessThan(0);
    expect(fit.n).toBe(200);
    expect(Math.abs(fit.spearman - 0.967)).toBeLessThan(0.0005);
  });

  it('parseReferenceFile rejects bad files with a reason', () => {
    expect(() => parseReferenceFile({ models: [] })).toThrow(/at least 3 models/);
    expect(() => parseReferenceFile(null)).toThrow(/models/);
    const ref = loadLtsGpt2();
    const bad = { models: [ref.models[0], ref.models[1], { ...ref.models[2], valid_ppl: -1 }] };
    expect(() => parseReferenceFile(bad)).toThrow(/models\[2\]/);
    expect(parseReferenceFile(ref).models).toHaveLength(200);
  });
});
