// The measure client over the real measure worker API (comlink on a MessageChannel, tfjs cpu backend
// in Node): measures tiny archs, reports per-candidate failures without losing the others,
// aborts at once, restarts a stopped worker with the same backend, and falls back to the main
// thread only when the worker cannot start a backend that the main thread can.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { homogeneous } from '../../../src/core/arch';
import { createMeasureRunner } from '../../../src/state/measureClient';
import { api } from '../../../src/workers/measure.worker';
import { fakeWorker, type FakeWorker } from './fakeWorker';
import { isAbortError } from '../../../src/workers/bridge';
import { fakeLockRegistry } from '../workers/fakeLocks';

const tiny = (d: number) =>
  homogeneous({ family: 'gpt2', vocabSize: 64, contextLength: 32, dModel: d, tieEmbeddings: true }, 2, { nHead: 2, dInner: 4 * d });
const options = { tokens: 8, runs: 2, warmup: 1 };

function setup(mainApi = api, locks?: ReturnType<typeof fakeLockRegistry>) {
  const workers: FakeWorker[] = [];
  let mainLoads = 0;
  const runner = createMeasureRunner(
    () => {
      const w = fakeWorker(api, { locks });
      workers.push(w);
      return w;
    },
    async () => {
      mainLoads++;
      return mainApi;
    },
  );
  return { runner, workers, mainLoads: () => mainLoads };
}

describe('measure client', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('times candidates in the worker on the chosen backend; an oversized one fails alone', async () => {
    const { runner, mainLoads } = setup();
    const session = await runner.useBackend('cpu');
    expect(session).toMatchObject({ backend: 'cpu', thread: 'worker' });
    expect(session.device.backend).toBe('cpu');
    const progress: number[] = [];
    const huge = homogeneous({ family: 'gpt2', vocabSize: 50257, contextLength: 2048, dModel: 8192, tieEmbeddings: true }, 48, {
      nHead: 64,
      dInner: 32768,
    });
    const out = await runner.measure([tiny(16), huge, tiny(32)], { ...options, maxBytes: 64e6 }, (i) => progress.push(i)).result;
    expect(out.map((o) => o.ok)).toEqual([true, false, true]);
    if (out[1].ok || !out[0].ok || !out[2].ok) throw new Error('unreachable');
    expect(out[1].error).toMatch(/needs .* limit/);
    expect(out[0].result.backend).toBe('cpu');
    expect(out[0].result.leakedTensors).toBe(0);
    expect(out[2].result.params).toBeGreaterThan(out[0].result.params);
    expect(new Set(progress)).toEqual(new Set([0, 2]));
    expect(mainLoads()).toBe(0);
  });

  it('abort rejects at once, terminates the worker, and the next run starts a fresh one on the same backend', async () => {
    const { runner, workers } = setup();
    await runner.useBackend('cpu');
    const run = runner.measure([tiny(64), tiny(64)], { tokens: 16, runs: 50, warmup: 1 }, () => {});
    const t0 = performance.now();
    run.abort();
    await expect(run.result).rejects.toSatisfy(isAbortError);
    expect(performance.now() - t0).toBeLessThan(250);
    expect(workers[0].terminated).toBe(true);
    const again = await runner.measure([tiny(16)], options, () => {}).result;
    expect(again[0].ok).toBe(true);
    expect(workers).toHaveLength(2);
  });

  it('an unavailable backend is an error with its reason, never a silent fallback', async () => {
    const { runner } = setup();
    await expect(runner.useBackend('webgpu')).rejects.toThrow(/webgpu/);
  });

  it('falls back to the main thread when only the worker cannot start the backend, and says so', async () => {
    const calls: string[] = [];
    const mainApi = {
      ...api,
      useBackend: async (name: 'cpu') => {
        calls.push(name);
        return api.useBackend('cpu');
      },
    };
    const { runner } = setup(mainApi as typeof api);
    // webgl cannot start in Node's "worker"; the stand-in main thread starts cpu for it.
    const session = await runner.useBackend('webgl');
    expect(session.thread).toBe('main');
    expect(session.note).toMatch(/could not start in a worker.*main thread/);
    expect(calls).toEqual(['webgl']);
    const out = await runner.measure([tiny(16)], options, () => {}).result;
    expect(out[0].ok).toBe(true);
  });

  it('a measure worker that crashes mid-run rejects with a message instead of hanging', async () => {
    const { runner, workers } = setup();
    await runner.useBackend('cpu');
    const run = runner.measure([tiny(64), tiny(64)], { tokens: 16, runs: 50, warmup: 1 }, () => {});
    workers[0].crash('out of memory');
    await expect(run.result).rejects.toThrow('measure worker crashed: out of memory');
    const again = await runner.measure([tiny(16)], options, () => {}).result;
    expect(again[0].ok).toBe(true);
    expect(workers).toHaveLength(2);
  });

  it('a measure worker that ends without an event mid-run (self.close()) rejects, and the next run re-selects the backend in a fresh worker', async () => {
    const locks = fakeLockRegistry();
    vi.stubGlobal('navigator', { locks: locks.agent().locks }); // the page's navigator.locks
    const { runner, workers } = setup(api, locks);
    await runner.useBackend('cpu');
    const run = runner.measure([tiny(64), tiny(64)], { tokens: 16, runs: 50, warmup: 1 }, () => {});
    workers[0].close();
    await expect(run.result).rejects.toThrow('measure worker stopped (closed or killed by the browser)');
    const again = await runner.measure([tiny(16)], options, () => {}).result;
    expect(again[0].ok).toBe(true);
    if (again[0].ok) expect(again[0].result.backend).toBe('cpu');
    expect(workers).toHaveLength(2);
  });
});
