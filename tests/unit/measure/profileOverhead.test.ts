// The per-kernel overhead is timed after tfjs's dispatch code has warmed up. In a fresh backend
// (as the app's Calibrate, in a new worker) the first thousands of tiny ops run 10-15x slower;
// timed then, wasm read 44-84 us/kernel where warmed-up decode steps fit ~5 us (profile.ts).
// Its own file: a fresh module graph, so tfjs starts cold as it does in a new worker.
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../src/measure/backends';
import { measureDeviceProfile } from '../../../src/measure/profile';

beforeAll(async () => {
  await selectBackend('wasm');
});

describe('per-kernel overhead from a cold start', () => {
  it('on wasm, with the default warm-up, reads the warmed-up figure (under 25 us), not the cold one', async () => {
    const p = await measureDeviceProfile({ matmulSizes: [64], gemvDim: 128, gemvMatrices: 2, elementwiseSize: 1 << 14, minBatchMs: 5 });
    expect(p.details.overhead.ops).toBe(200);
    expect(p.overheadMsPerKernel).toBeGreaterThan(0);
    expect(p.overheadMsPerKernel * 1000).toBeLessThan(25);
  });
});
