// The latency predictor: NNLS recovers known coefficients, leave-one-out equals a brute-force
// refit, a fit on synthetic devices with noise predicts unseen archs, and too few measurements
// are refused with a message.
import { describe, expect, it } from 'vitest';
import { compileSpace, toArch } from '../../../src/core/genome';
import { analyticLatencyMs, DEFAULT_PROFILE } from '../../../src/core/latency';
import { sampleGenome } from '../../../src/core/operators';
import {
  features,
  fitLinear,
  fitPredictor,
  fitWorkload,
  leaveOneOut,
  MIN_SAMPLES,
  nnls,
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

describe('leave-one-out', () => {
  it('equals refitting by brute force without each sample', () => {
    const samples = device(PHONE, 0.05, 5, 12);
    for (const model of ['roofline', 'sums', 'scaled'] as const) {
      const x = samples.map((s) => features(model, s.arch, 'decode', 128, DEFAULT_PROFILE));
      const t = samples.map((s) => s.decodeMs);
      const loo = leaveOneOut(x, t);
      for (let i = 0; i < samples.length; i++) {
        const c = fitLinear(
          x.filter((_, j) => j !== i),
          t.filter((_, j) => j !== i),
        );
        expect(loo[i]).toBeCloseTo(
          x[i].reduce((s, v, j) => s + v * c[j], 0),
          9,
        );
        expect(Math.abs(loo[i] - t[i]) / t[i]).toBeLessThan(0.5); // and it predicts, roughly
      }
    }
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
      expect(Object.keys(fit.tried).sort()).toEqual(['roofline', 'scaled', 'sums']);
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
