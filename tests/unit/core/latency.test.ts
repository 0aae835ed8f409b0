import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { homogeneous, type Arch } from '../../../src/core/arch';
import {
  profileBackend,
  analyticLatency,
  analyticLatencyMs,
  DEFAULT_PROFILE,
  kernelsOutsideLayers,
  kernelsPerLayer,
  type DeviceProfile,
  type KernelSet,
} from '../../../src/core/latency';
import { findPreset } from '../../../src/core/presets';
import { archArb } from './_helpers';

const workloads: [string, number, number][] = [
  ['prefill 16', 16, 0],
  ['decode at 64', 1, 64],
];

describe('analytic latency', () => {
  it('grows with every added layer (both workloads)', () => {
    fc.assert(
      fc.property(archArb({ maxLayers: 6 }), fc.integer({ min: 0, max: 5 }), (arch, i) => {
        const deeper: Arch = { ...arch, layers: [...arch.layers, arch.layers[i % arch.layers.length]] };
        for (const [, T, c] of workloads) {
          expect(analyticLatencyMs(deeper, DEFAULT_PROFILE, T, c)).toBeGreaterThan(analyticLatencyMs(arch, DEFAULT_PROFILE, T, c));
        }
      }),
    );
  });

  it('grows with width (dModel, same heads) and with dInner', () => {
    fc.assert(
      fc.property(archArb({ families: ['gpt2', 'llama'], dModels: [16, 32, 64] }), (arch) => {
        const wider: Arch = { ...arch, dModel: arch.dModel * 2 };
        const fatter: Arch = { ...arch, layers: arch.layers.map((l) => ({ ...l, dInner: l.dInner + 64 })) };
        for (const [, T, c] of workloads) {
          const base = analyticLatencyMs(arch, DEFAULT_PROFILE, T, c);
          expect(analyticLatencyMs(wider, DEFAULT_PROFILE, T, c)).toBeGreaterThan(base);
          expect(analyticLatencyMs(fatter, DEFAULT_PROFILE, T, c)).toBeGreaterThan(base);
        }
      }),
    );
  });

  it('grows with the prefill length and with the cached context', () => {
    const gpt2 = findPreset('gpt2')!.arch;
    let prev = 0;
    for (const T of [1, 2, 8, 32, 128, 512]) {
      const ms = analyticLatencyMs(gpt2, DEFAULT_PROFILE, T, 0);
      expect(ms).toBeGreaterThan(prev);
      prev = ms;
    }
    expect(analyticLatencyMs(gpt2, DEFAULT_PROFILE, 1, 1000)).toBeGreaterThan(analyticLatencyMs(gpt2, DEFAULT_PROFILE, 1, 10));
  });

  it('with near-infinite compute and bandwidth it tends to kernels x overhead, independent of width', () => {
    const fast: DeviceProfile = { gflops: 1e15, gbps: 1e15, overheadMsPerKernel: 1, label: 'ideal' };
    fc.assert(
      fc.property(archArb({ maxLayers: 8 }), (arch) => {
        const ms = analyticLatencyMs(arch, fast, 8, 8);
        const kernels = Math.round(ms);
        expect(Math.abs(ms - kernels)).toBeLessThan(1e-3); // only the overhead is left
        expect(kernels).toBe(arch.layers.reduce((n, l) => n + kernelsPerLayer(arch, l), kernelsOutsideLayers(arch)));
        const wide = { ...arch, dModel: arch.dModel * 4, vocabSize: arch.vocabSize * 10, embedDim: arch.embedDim && arch.embedDim * 4 };
        expect(analyticLatencyMs(wide, fast, 8, 8)).toBeCloseTo(ms, 3);
      }),
    );
    // adding a layer adds exactly kernelsPerLayer kernels
    const g = findPreset('gpt2')!.arch;
    const g13 = { ...g, layers: [...g.layers, g.layers[0]] };
    expect(analyticLatencyMs(g13, fast, 1, 0) - analyticLatencyMs(g, fast, 1, 0)).toBeCloseTo(kernelsPerLayer(g), 6);
  });

  it("counts the kernels of the profile's backend: the ops on webgl and webgpu, ours on wasm and cpu (and with none named)", () => {
    const fast: DeviceProfile = { gflops: 1e15, gbps: 1e15, overheadMsPerKernel: 1, label: 'ideal' };
    for (const name of ['gpt2', 'tinyllama-1.1b', 'pythia-70m']) {
      const a = findPreset(name)!.arch;
      const count = (set: KernelSet) => a.layers.reduce((n, l) => n + kernelsPerLayer(a, l, set), kernelsOutsideLayers(a, set));
      expect(count('ops')).toBeGreaterThan(count('fused'));
      for (const backend of ['webgl', 'webgpu'] as const)
        expect(analyticLatencyMs(a, { ...fast, backend }, 1, 8)).toBeCloseTo(count('ops'), 3);
      for (const backend of ['wasm', 'cpu', undefined] as const)
        expect(analyticLatencyMs(a, { ...fast, backend }, 1, 8)).toBeCloseTo(count('fused'), 3);
      // A calibration saved or shared before profiles named their backend: its label names it.
      expect(analyticLatencyMs(a, { ...fast, label: 'measured on webgpu (SwiftShader): 2 GFLOP/s' }, 1, 8)).toBeCloseTo(count('ops'), 3);
      expect(analyticLatencyMs(a, { ...fast, label: 'measured on wasm (SIMD, 1 thread): 30 GFLOP/s' }, 1, 8)).toBeCloseTo(
        count('fused'),
        3,
      );
      expect(analyticLatencyMs(a, { ...fast, backend: 'wasm', label: 'measured on webgl: 1 GFLOP/s' }, 1, 8)).toBeCloseTo(
        count('fused'),
        3,
      );
    }
    expect(profileBackend({ ...fast, label: 'measured on metal: 1 GFLOP/s' })).toBeUndefined();
  });

  it('decode of a large model with no overhead is about weight bytes / bandwidth', () => {
    const profile: DeviceProfile = { gflops: 30, gbps: 10, overheadMsPerKernel: 0, label: 'no overhead' };
    for (const name of ['gpt2-medium', 'tinyllama-1.1b']) {
      const a = findPreset(name)!.arch;
      const d = a.dModel;
      // matrices read once per decode step: attention, FFN, and the logits head (vocab x d)
      let weights = a.vocabSize * d;
      for (const l of a.layers) {
        const kv = a.family === 'llama' ? (d / l.nHead) * (l.nKvHead ?? l.nHead) : d;
        weights += 2 * d * d + 2 * d * kv + (a.family === 'llama' ? 3 : 2) * d * l.dInner;
      }
      const expectedMs = ((4 * weights) / (profile.gbps * 1e9)) * 1000;
      const ms = analyticLatencyMs(a, profile, 1, 1);
      expect(Math.abs(ms - expectedMs) / expectedMs).toBeLessThan(0.03);
      expect(ms).toBeGreaterThanOrEqual(expectedMs); // other traffic only adds
    }
  });

  it('a compute-bound prefill is about FLOPs / throughput', () => {
    const profile: DeviceProfile = { gflops: 10, gbps: 1e6, overheadMsPerKernel: 0, label: 'compute bound' };
    const a = homogeneous({ family: 'gpt2', vocabSize: 1000, contextLength: 512, dModel: 512, tieEmbeddings: true }, 4, {
      nHead: 8,
      dInner: 2048,
    });
    const T = 256;
    const d = 512;
    const pairs = (T * (T + 1)) / 2;
    const flops = 4 * (2 * T * (4 * d * d + 2 * d * 2048) + 4 * pairs * d) + 2 * 1000 * d;
    const ms = analyticLatencyMs(a, profile, T, 0);
    expect(Math.abs(ms - (flops / 1e10) * 1000) / ms).toBeLessThan(0.01);
  });

  it('analyticLatency returns prefill of T and decode with T cached', () => {
    const a = findPreset('smollm-135m')!.arch;
    const r = analyticLatency(a, DEFAULT_PROFILE, 100);
    expect(r.prefillMs).toBe(analyticLatencyMs(a, DEFAULT_PROFILE, 100, 0));
    expect(r.decodeMs).toBe(analyticLatencyMs(a, DEFAULT_PROFILE, 1, 100));
    expect(r.prefillMs).toBeGreaterThan(r.decodeMs);
  });
});
