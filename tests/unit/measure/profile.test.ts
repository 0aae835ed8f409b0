// Device-profile micro-benchmarks produce a usable, labelled DeviceProfile.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { measureDeviceProfile } from '../../../src/measure/profile';
import { analyticLatency } from '../../../src/core/latency';
import { TINY, useCpu } from './fixtures';

beforeAll(useCpu);

describe('measureDeviceProfile', () => {
  it('measures matmul GFLOP/s, bandwidth and per-kernel overhead on cpu quickly', async () => {
    const before = tf.memory().numTensors;
    const p = await measureDeviceProfile({ matmulSizes: [32, 96], gemvDim: 96, elementwiseSize: 1 << 14, tinyOps: 40, minBatchMs: 5 });
    expect(tf.memory().numTensors).toBe(before);
    for (const x of [p.gflops, p.gbps]) {
      expect(Number.isFinite(x)).toBe(true);
      expect(x).toBeGreaterThan(0);
    }
    expect(p.overheadMsPerKernel).toBeGreaterThanOrEqual(0);
    expect(p.overheadMsPerKernel).toBeLessThan(5);
    // gflops is the best of the matmul sizes, each computed as 2 n^3 / time.
    expect(p.details.matmul.map((m) => m.n)).toEqual([32, 96]);
    for (const m of p.details.matmul) expect(m.gflops).toBeCloseTo((2 * m.n ** 3) / (m.ms * 1e6), 6);
    expect(p.gflops).toBe(Math.max(...p.details.matmul.map((m) => m.gflops)));
    expect(p.details.elementwise.gbps).toBeGreaterThan(0);
    expect(p.label).toMatch(/^measured on cpu: .* GFLOP\/s .* GB\/s .* µs\/kernel$/);
    expect(p.details.totalMs).toBeLessThan(20_000);
    // Usable by core's analytic model as is.
    const est = analyticLatency(TINY.gpt2, p, 16);
    expect(est.prefillMs).toBeGreaterThan(est.decodeMs);
    expect(Number.isFinite(est.prefillMs)).toBe(true);
  });
});
