// The validation lab's statistics (core/validationStats.ts): K distinct scaled archs, proxies as
// the search computes them, rank correlations with -ppl and their seeded bootstrap intervals.
import { describe, expect, it } from 'vitest';
import { archKey } from '../../../src/core/arch';
import { prefillFlops } from '../../../src/core/flops';
import { countParams } from '../../../src/core/params';
import { entropyScore, PROXY_IDS, type ProxyId } from '../../../src/core/proxies';
import { scaleBasis, scaleDown } from '../../../src/core/scaleDown';
import { DEFAULT_SPACE, spacePreset, type SearchSpace } from '../../../src/core/space';
import { DEFAULT_TRAIN } from '../../../src/core/validation';
import {
  checkTrainSettings,
  proxyValidation,
  sampleScaledArchs,
  SEED_STREAMS,
  subSeed,
  trainedProxies,
} from '../../../src/core/validationStats';
import { makeRng, randInt } from '../../../src/core/random';
import { naiveKendallB, naiveSpearman } from './_helpers';

describe('sampleScaledArchs', () => {
  it('draws K archs whose scaled versions are distinct, each the rule applied to its source; same seed, same draw', () => {
    const { samples, warning } = sampleScaledArchs(DEFAULT_SPACE, 12, 1, 64);
    expect(warning).toBeUndefined();
    expect(samples).toHaveLength(12);
    expect(new Set(samples.map((s) => archKey(s.arch))).size).toBe(12);
    for (const s of samples) expect(s.arch).toEqual(scaleDown(s.source, scaleBasis(DEFAULT_SPACE), 64));
    expect(sampleScaledArchs(DEFAULT_SPACE, 12, 1, 64)).toEqual({ samples });
    expect(sampleScaledArchs(DEFAULT_SPACE, 12, 2, 64).samples.map((s) => archKey(s.arch))).not.toEqual(
      samples.map((s) => archKey(s.arch)),
    );
  });

  it('a space with fewer distinct scaled archs than K gives what it has and says so', () => {
    // 3 depths x 2 FFN widths (one width, one head count), but 2 and 3 layers both scale to 1
    // layer (the largest nLayer, 12, maps to 4): 4 distinct scaled archs.
    const space: SearchSpace = {
      ...spacePreset('lts-gpt2'),
      nLayer: [2, 3, 12],
      dModel: [256],
      nHead: [4],
      dInner: [512, 1024],
      heterogeneous: false,
    };
    const { samples, warning } = sampleScaledArchs(space, 8, 1, 64);
    const keys = new Set(samples.map((s) => archKey(s.arch)));
    expect(keys.size).toBe(samples.length);
    expect(samples).toHaveLength(4); // {1, 4 layers} x {2 FFN widths}
    expect(warning).toMatch(/only 4 distinct models once scaled down \(8 asked/);
  });
});

describe('trainedProxies', () => {
  it('are the search’s proxies of the trained arch at a prefill of seqLen tokens', () => {
    const arch = sampleScaledArchs(spacePreset('llama'), 1, 3, 32).samples[0].arch;
    const p = trainedProxies(arch, 32);
    expect(p['decoder-params']).toBe(countParams(arch).decoder);
    expect(p.entropy).toBe(entropyScore(arch));
    expect(p.flops).toBe(prefillFlops(arch, 32).total);
    expect(Object.keys(p).sort()).toEqual([...PROXY_IDS].sort());
  });
});

describe('proxyValidation', () => {
  const model = (proxy: number, ppl: number) => ({
    proxies: { 'decoder-params': proxy, entropy: -proxy, flops: 7 } as Record<ProxyId, number>,
    ppl,
  });

  it('is +1 when a higher proxy always meant a lower perplexity, -1 when the reverse, NaN for a constant proxy', () => {
    const models = [model(1, 30), model(2, 20), model(3, 15), model(4, 9), model(5, 8)];
    const [params, entropy, flops] = proxyValidation(models, 1);
    expect(params).toMatchObject({ proxy: 'decoder-params', spearman: 1, kendall: 1, n: 5, spearmanCi: [1, 1], kendallCi: [1, 1] });
    expect(entropy).toMatchObject({ proxy: 'entropy', spearman: -1, kendall: -1, spearmanCi: [-1, -1] });
    expect(flops.spearman).toBeNaN();
    expect(flops.spearmanCi).toEqual([NaN, NaN]);
    expect(params.label).toBe('Decoder params');
  });

  it('matches naive Spearman and Kendall tau-b, with a 95 % bootstrap interval around it; seeded', () => {
    const ppl = [31, 12, 25, 9, 18, 14, 40, 11, 22, 16, 13, 27];
    const proxy = [3, 9, 2, 8, 6, 4, 1, 12, 5, 7, 10, 11];
    const models = proxy.map((x, i) => model(x, ppl[i]));
    const [v] = proxyValidation(models, 5);
    const neg = ppl.map((p) => -p);
    expect(v.spearman).toBeCloseTo(naiveSpearman(proxy, neg), 12);
    expect(v.kendall).toBeCloseTo(naiveKendallB(proxy, neg), 12);
    expect(v.spearmanCi[0]).toBeLessThan(v.spearman);
    expect(v.spearmanCi[1]).toBeGreaterThan(v.spearman);
    expect(v.spearmanCi[1]).toBeLessThanOrEqual(1);
    expect(v.kendallCi[0]).toBeLessThan(v.kendall);
    expect(v.kendallCi[1]).toBeGreaterThan(v.kendall);
    expect(proxyValidation(models, 5)).toEqual(proxyValidation(models, 5));
    expect(proxyValidation(models, 6)[0].spearmanCi).not.toEqual(v.spearmanCi);
  });

  it('the interval is the 2.5th and 97.5th percentiles of the resampled correlations, redone by hand', () => {
    const ppl = [10, 12, 9, 14, 11, 13, 8, 15];
    const proxy = [6, 2, 5, 1, 3, 4, 8, 7];
    const models = proxy.map((x, i) => model(x, ppl[i]));
    const [v] = proxyValidation(models, 9, 40);
    // The same resamples: the bootstrap stream of seed 9, n indices per resample.
    const rng = makeRng(subSeed(9, SEED_STREAMS.bootstrap));
    const rhos: number[] = [];
    for (let r = 0; r < 40; r++) {
      const idx = proxy.map(() => randInt(rng, proxy.length));
      const rho = naiveSpearman(
        idx.map((i) => proxy[i]),
        idx.map((i) => -ppl[i]),
      );
      if (Number.isFinite(rho)) rhos.push(rho);
    }
    rhos.sort((a, b) => a - b);
    const pct = (q: number) => {
      const pos = (rhos.length - 1) * q;
      const lo = Math.floor(pos);
      return rhos[lo] + (rhos[Math.ceil(pos)] - rhos[lo]) * (pos - lo);
    };
    expect(v.spearmanCi[0]).toBeCloseTo(pct(0.025), 12);
    expect(v.spearmanCi[1]).toBeCloseTo(pct(0.975), 12);
  });
});

describe('checkTrainSettings and subSeed', () => {
  it('accept the defaults and name each bad field', () => {
    expect(checkTrainSettings(DEFAULT_TRAIN)).toEqual([]);
    const errors = checkTrainSettings({ ...DEFAULT_TRAIN, k: 2, steps: 0.5, learningRate: 0, evalTokens: 10, seqLen: 32 });
    expect(errors).toHaveLength(4);
    expect(errors.join(' ')).toMatch(/k must be an integer in 3\.\.100, got 2/);
    expect(errors.join(' ')).toMatch(/steps must be an integer/);
    expect(errors.join(' ')).toMatch(/learningRate must be in \(0, 1\]/);
    expect(errors.join(' ')).toMatch(/evalTokens 10 is less than one window of seqLen 32/);
  });

  it('gives independent streams: different for each stream and seed, stable for the same', () => {
    const seeds = new Set<number>();
    for (let seed = 0; seed < 20; seed++) for (let stream = 0; stream < 20; stream++) seeds.add(subSeed(seed, stream));
    expect(seeds.size).toBe(400);
    expect(subSeed(1, 2)).toBe(subSeed(1, 2));
  });
});
