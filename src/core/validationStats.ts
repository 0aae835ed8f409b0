// The proxy validation lab's statistics: which archs to train (K distinct after scaling down),
// each trained arch's proxies as the search computes them, and each proxy's rank agreement with
// measured perplexity, with a seeded percentile bootstrap.
import { archKey, type Arch } from './arch';
import { DEFAULT_EVAL, evaluate } from './evaluate';
import { compileSpace, toArch } from './genome';
import { sampleGenome } from './operators';
import { PROXIES, PROXY_IDS, type ProxyId } from './proxies';
import { makeRng, randInt } from './random';
import { scaleBasis, scaleDown } from './scaleDown';
import type { SearchSpace } from './space';
import { kendall, quantile, spearman } from './stats';
import type { ProxyValidation, TrainSettings } from './validation';

/** Bounds of each training setting: generous, but a typo cannot ask for a day of training. */
export const TRAIN_LIMITS = {
  k: { min: 3, max: 100 }, // MIN_MODELS
  steps: { min: 1, max: 100_000 },
  batchSize: { min: 1, max: 256 },
  seqLen: { min: 2, max: 1024 },
  evalTokens: { min: 2, max: 10_000_000 },
} as const;

/** Every problem with the settings, one sentence each (empty when they can run). Three models at
 *  least: fewer cannot rank anything. */
export function checkTrainSettings(s: TrainSettings): string[] {
  const errors: string[] = [];
  for (const key of ['k', 'steps', 'batchSize', 'seqLen', 'evalTokens'] as const) {
    const { min, max } = TRAIN_LIMITS[key];
    const v = s[key];
    if (!Number.isInteger(v) || v < min || v > max)
      errors.push(`${key} must be an integer in ${min}..${max.toLocaleString('en-US')}, got ${v}`);
  }
  if (!(s.learningRate > 0 && s.learningRate <= 1)) errors.push(`learningRate must be in (0, 1], got ${s.learningRate}`);
  if (!Number.isInteger(s.seed) || s.seed < 0 || s.seed > 2 ** 32 - 1)
    errors.push(`seed must be an integer in 0..${2 ** 32 - 1}, got ${s.seed}`);
  if (Number.isInteger(s.evalTokens) && Number.isInteger(s.seqLen) && s.evalTokens < s.seqLen) {
    errors.push(`evalTokens ${s.evalTokens} is less than one window of seqLen ${s.seqLen}`);
  }
  return errors;
}

/** Independent streams from one user seed (sampling, weights, batches, bootstrap), so changing
 *  how many draws one of them takes never shifts another. splitmix32-style mixing. */
export function subSeed(seed: number, stream: number): number {
  let z = (seed + Math.imul(stream + 1, 0x9e3779b9)) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return (z ^ (z >>> 16)) >>> 0;
}

export const SEED_STREAMS = { sample: 1, bootstrap: 2, batches: 3, weights: 100 } as const;

export interface ScaledSample {
  /** The arch as sampled from the space. */
  source: Arch;
  /** Its scaled-down version (core/scaleDown.ts), the one trained. */
  arch: Arch;
}

export interface ArchSample {
  samples: ScaledSample[];
  /** Set when the space gave fewer than K distinct scaled archs: a sentence for the user. */
  warning?: string;
}

/** Fewest distinct models a run ranks proxies on (two always give a Spearman of +1 or -1). */
export const MIN_MODELS = 3;

export const fewModels = (n: number): string =>
  `this search space gives only ${n} distinct model${n === 1 ? '' : 's'} once scaled down; at least ${MIN_MODELS} are needed to rank the proxies`;

/** Draws per requested arch before giving up on finding K distinct scaled archs. */
const DRAWS_PER_ARCH = 200;

/**
 * K archs drawn uniformly over the space's genes (as the search's random sampling does), each
 * scaled down; an arch whose scaled version equals one already drawn is skipped, so the K
 * trained models are distinct. A small space may not have K distinct scaled archs: then fewer
 * come back, with a warning.
 */
export function sampleScaledArchs(space: SearchSpace, k: number, seed: number, seqLen: number): ArchSample {
  const cs = compileSpace(space);
  const basis = scaleBasis(space);
  const rng = makeRng(subSeed(seed, SEED_STREAMS.sample));
  const seen = new Set<string>();
  const samples: ScaledSample[] = [];
  const draws = DRAWS_PER_ARCH * k;
  for (let i = 0; i < draws && samples.length < k; i++) {
    const source = toArch(cs, sampleGenome(cs, rng));
    const arch = scaleDown(source, basis, seqLen);
    const key = archKey(arch);
    if (seen.has(key)) continue;
    seen.add(key);
    samples.push({ source, arch });
  }
  if (samples.length === k) return { samples };
  return {
    samples,
    warning:
      `this search space gives only ${samples.length} distinct model${samples.length === 1 ? '' : 's'} once scaled down ` +
      `(${k} asked, ${draws.toLocaleString('en-US')} draws): the ranks below rest on ${samples.length}`,
  };
}

/** Each proxy of a trained arch as the search computes it (core/evaluate with its defaults), at a
 *  prefill of seqLen tokens: the trained model's context, so the FLOPs proxy is that of its use. */
export function trainedProxies(arch: Arch, seqLen: number): Record<ProxyId, number> {
  return evaluate(arch, { ...DEFAULT_EVAL, tokens: seqLen }).scores;
}

export const BOOTSTRAP = { resamples: 1000, level: 0.95 } as const;

/** The [lo, hi] percentile interval of the finite values (NaN, NaN when fewer than two). */
function percentileInterval(values: number[], level: number): [number, number] {
  const finite = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (finite.length < 2) return [NaN, NaN];
  const tail = (1 - level) / 2;
  return [quantile(finite, tail), quantile(finite, 1 - tail)];
}

/**
 * Spearman and Kendall of each proxy with -ppl (as validateProxies in referenceModels.ts: 1 means
 * a higher proxy always had a lower perplexity), with 95 % percentile bootstrap intervals: the
 * models are resampled with replacement 1000 times (seeded; the same resamples for every proxy),
 * and a resample where a proxy or the perplexities are all tied (the correlation is undefined) is
 * left out of that proxy's interval. A proxy equal on every model gets NaN.
 */
export function proxyValidation(
  models: readonly { proxies: Record<ProxyId, number>; ppl: number }[],
  seed: number,
  resamples: number = BOOTSTRAP.resamples,
): ProxyValidation[] {
  const n = models.length;
  const negPpl = models.map((m) => -m.ppl);
  const rng = makeRng(subSeed(seed, SEED_STREAMS.bootstrap));
  const draws = Array.from({ length: resamples }, () => Array.from({ length: n }, () => randInt(rng, n)));
  return PROXY_IDS.map((id) => {
    const xs = models.map((m) => m.proxies[id]);
    const boot = draws.map((idx) => {
      const bx = idx.map((i) => xs[i]);
      const by = idx.map((i) => negPpl[i]);
      return { s: spearman(bx, by), k: kendall(bx, by) };
    });
    return {
      proxy: id,
      label: PROXIES[id].label,
      spearman: n >= 2 ? spearman(xs, negPpl) : NaN,
      kendall: n >= 2 ? kendall(xs, negPpl) : NaN,
      spearmanCi: percentileInterval(
        boot.map((b) => b.s),
        BOOTSTRAP.level,
      ),
      kendallCi: percentileInterval(
        boot.map((b) => b.k),
        BOOTSTRAP.level,
      ),
      n,
    };
  });
}
