// The latency predictor: NNLS recovers known coefficients, each model's leave-one-out error
// equals a brute-force refit, a fit on synthetic devices with noise predicts unseen archs (one of
// them with a cache the plain sums cannot fit), fits read back from JSON are checked, and too few
// measurements are refused with a message.
import { describe, expect, it } from 'vitest';
import { compileSpace, toArch } from '../../../src/core/genome';
import { analyticLatencyMs, DEFAULT_PROFILE, visitKernels } from '../../../src/core/latency';
import { sampleGenome } from '../../../src/core/operators';
import {
  CACHE_GRID_BYTES,
  features,
  fitLinear,
  fitPredictor,
  fitWorkload,
  MIN_SAMPLES,
  nnls,
  parsePredictor,
  PREDICTOR_MODELS,
  predictionErrors,
  predictLatency,
  predictorLabel,
  type LatencySample,
} from '../../../src/core/predictor';
import { makeRng } from '../../../src/core/random';
import { DEFAULT_SPACE } from '../../../src/core/space';

const archs = (n: number, seed: number) => {
  const cs = compileSpace(DEFAULT_SPACE);
  const rng = makeRng(seed);
  return Array.from({ length: n }, () => toArch(cs, sampleGenome(cs, rng)));
};

/** A device whose latency is the analytic roofline of `profile`, with multiplicative noise. */
function device(profile: typeof DEFAULT_PROFILE, noise: number, seed: number, n: number): LatencySample[] {
  const rng = makeRng(seed);
  const jitter = () => 1 + noise * (2 * rng() - 1);
  return archs(n, seed).map((arch) => ({
    arch,
    prefillMs: analyticLatencyMs(arch, profile, 128, 0) * jitter(),
    decodeMs: analyticLatencyMs(arch, profile, 1, 128) * jitter(),
  }));
}

const PHONE = { gflops: 8, gbps: 3, overheadMsPerKernel: 0.03, label: 'a phone' };

describe('nnls', () => {
  it('recovers non-negative coefficients exactly, and clamps what would go negative to 0', () => {
    const rng = makeRng(3);
    const a = Array.from({ length: 30 }, () => [rng(), rng(), rng(), 1]);
    const truth = [2, 0.5, 0, 3];
    const b = a.map((r) => r.reduce((s, v, j) => s + v * truth[j], 0));
    nnls(a, b).forEach((x, j) => expect(x).toBeCloseTo(truth[j], 9));
    // b = 1 - 2 a0: the unconstrained fit wants a negative slope; NNLS keeps the constant alone.
    const c = a.map((r) => 1 - 2 * r[0]);
    const x = nnls(a, c);
    expect(x.every((v) => v >= 0)).toBe(true);
    expect(x[0]).toBe(0);
  });
});

const dot = (r: readonly number[], c: readonly number[]) => r.reduce((sum, v, j) => sum + v * c[j], 0);
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** A brute-force fit of one model (the 'cache' model: every C, the least relative error kept). */
function bruteFit(model: (typeof PREDICTOR_MODELS)[number], arches: LatencySample[], t: number[]) {
  const sizes = model === 'cache' ? CACHE_GRID_BYTES : [0];
  let best: { c: number[]; size: number; sse: number } | null = null;
  for (const size of sizes) {
    const x = arches.map((s) => features(model, s.arch, 'decode', 128, DEFAULT_PROFILE, size));
    const c = fitLinear(x, t);
    const sse = x.reduce((sum, r, i) => sum + ((dot(r, c) - t[i]) / t[i]) ** 2, 0);
    if (!best || sse < best.sse) best = { c, size, sse };
  }
  return best!;
}

/** A device with a cache of `cacheBytes`: the values a decode step moves within it cost
 *  nothing beyond 1 / `fastGbps`, those beyond it 1 / `slowGbps`; plus a fixed cost per kernel. */
function cachedDevice(cacheBytes: number, n: number, seed: number, noise: number): LatencySample[] {
  const rng = makeRng(seed * 7 + 1);
  return archs(n, seed).map((arch) => {
    let bytes = 0;
    const kernels = visitKernels(arch, 1, 128, (_f, v, times) => (bytes += 4 * v * times));
    const ms = (Math.min(bytes, cacheBytes) / 60e9 + Math.max(bytes - cacheBytes, 0) / 8e9) * 1000 + kernels * 0.01;
    const prefill = analyticLatencyMs(arch, PHONE, 128, 0);
    return { arch, prefillMs: prefill, decodeMs: ms * (1 + noise * (2 * rng() - 1)) };
  });
}

describe('leave-one-out', () => {
  it("each model's error equals refitting by brute force without each sample ('cache' picks its C again each time)", () => {
    const samples = device(PHONE, 0.05, 5, 12);
    const t = samples.map((s) => s.decodeMs);
    const fit = fitWorkload(samples, 'decode', 128, DEFAULT_PROFILE);
    expect(Object.keys(fit.tried).sort()).toEqual([...PREDICTOR_MODELS].sort());
    for (const model of PREDICTOR_MODELS) {
      const ape = samples.map((s, i) => {
        const without = <T>(xs: T[]) => xs.filter((_, j) => j !== i);
        const b = bruteFit(model, without(samples), without(t));
        const predicted = dot(features(model, s.arch, 'decode', 128, DEFAULT_PROFILE, b.size), b.c);
        expect(Math.abs(predicted - t[i]) / t[i]).toBeLessThan(0.5); // and it predicts, roughly
        return Math.abs(predicted - t[i]) / t[i];
      });
      expect(fit.tried[model]).toBeCloseTo(median(ape), 9);
    }
    // The model kept is the one with the lowest of those errors, fitted on every sample.
    const kept = PREDICTOR_MODELS.reduce((a, m) => (fit.tried[m]! < fit.tried[a]! ? m : a));
    expect(fit.model).toBe(kept);
    const b = bruteFit(kept, samples, t);
    fit.coefficients.forEach((c, j) => expect(c).toBeCloseTo(b.c[j], 9));
    expect(fit.cacheBytes).toBe(kept === 'cache' ? b.size : undefined);
  });
});

describe('the cache model', () => {
  it('learns a device whose cache holds 32 MiB: picks C = 32 MiB and predicts unseen archs where the plain sums cannot', () => {
    const C = 32 * 2 ** 20;
    const fit = fitWorkload(cachedDevice(C, 20, 31, 0.02), 'decode', 128, DEFAULT_PROFILE);
    expect(fit.model).toBe('cache');
    expect(fit.cacheBytes).toBe(C);
    expect(fit.tried.cache!).toBeLessThan(0.03);
    expect(fit.tried.sums!).toBeGreaterThan(2 * fit.tried.cache!);
    const p = fitPredictor(cachedDevice(C, 20, 31, 0.02), 128, DEFAULT_PROFILE, 'x');
    const test = cachedDevice(C, 40, 32, 0);
    const e = predictionErrors(
      test.map((s) => predictLatency(p, s.arch).decodeMs),
      test.map((s) => s.decodeMs),
    );
    expect(e.medianApe).toBeLessThan(0.03);
    expect(e.within10).toBeGreaterThan(0.9);
  });

  it('reads back from JSON only with a C of its grid, and other models only without one', () => {
    const p = fitPredictor(cachedDevice(32 * 2 ** 20, 12, 33, 0), 128, DEFAULT_PROFILE, 'x');
    expect(p.decode.model).toBe('cache');
    const json = JSON.parse(JSON.stringify(p));
    expect(parsePredictor(json)).toEqual(p);
    expect(parsePredictor({ ...json, decode: { ...json.decode, cacheBytes: 3e7 } })).toBeNull();
    expect(parsePredictor({ ...json, decode: { ...json.decode, cacheBytes: undefined } })).toBeNull();
    expect(parsePredictor({ ...json, decode: { ...json.decode, coefficients: [1, 2, 3, 4] } })).toBeNull();
    expect(parsePredictor({ ...json, decode: { ...json.decode, model: 'sums', coefficients: [1, 2, 3, 4] } })).toBeNull();
    expect(
      parsePredictor({ ...json, decode: { ...json.decode, model: 'sums', coefficients: [1, 2, 3, 4], cacheBytes: undefined } }),
    ).not.toBeNull();
  });
});

describe('fitPredictor', () => {
  it('learns a device that is a roofline of another profile: unseen archs within a few % (noise 4 %)', () => {
    const train = device(PHONE, 0.04, 11, 20);
    const p = fitPredictor(train, 128, DEFAULT_PROFILE, 'Pixel · wasm · T = 128');
    const test = device(PHONE, 0, 12, 40);
    for (const w of ['prefill', 'decode'] as const) {
      const predicted = test.map((s) => predictLatency(p, s.arch)[w === 'prefill' ? 'prefillMs' : 'decodeMs']);
      const measured = test.map((s) => (w === 'prefill' ? s.prefillMs : s.decodeMs));
      const e = predictionErrors(predicted, measured);
      expect(e.medianApe).toBeLessThan(0.05);
      expect(e.spearman).toBeGreaterThan(0.97);
      // The analytic latency under the wrong (default) profile is far off on this device.
      const analytic = test.map((s) =>
        analyticLatencyMs(s.arch, DEFAULT_PROFILE, ...((w === 'prefill' ? [128, 0] : [1, 128]) as [number, number])),
      );
      expect(predictionErrors(analytic, measured).medianApe).toBeGreaterThan(0.5);
      const fit = p[w];
      expect(fit.n).toBe(20);
      expect(fit.looMedianApe).toBeLessThan(0.06);
      expect(fit.looWithin10).toBeGreaterThan(0.8);
      expect(Object.keys(fit.tried).sort()).toEqual(['cache', 'roofline', 'scaled', 'sums']);
      expect(fit.coefficients.every((c) => c >= 0)).toBe(true);
    }
    expect(predictorLabel(p, 'decode')).toMatch(/^predicted, Pixel · wasm · T = 128, n = 20, LOO \d+(\.\d)? %$/);
  });

  it('is deterministic: the same samples give the same coefficients', () => {
    const train = device(PHONE, 0.04, 21, 15);
    expect(fitPredictor(train, 128, DEFAULT_PROFILE, 'x')).toEqual(fitPredictor(train, 128, DEFAULT_PROFILE, 'x'));
  });

  it('refuses fewer than the minimum of measurements, and latencies that are not positive', () => {
    const few = device(PHONE, 0, 1, MIN_SAMPLES - 1);
    expect(() => fitPredictor(few, 128, DEFAULT_PROFILE, 'x')).toThrow(
      `a latency predictor needs at least ${MIN_SAMPLES} measured candidates; this series has ${MIN_SAMPLES - 1}`,
    );
    const bad = device(PHONE, 0, 1, MIN_SAMPLES).map((s, i) => (i === 0 ? { ...s, decodeMs: 0 } : s));
    expect(() => fitWorkload(bad, 'decode', 128, DEFAULT_PROFILE)).toThrow(/positive number/);
  });
});
