// The worker client on its own: abort rejects at once and terminates the worker; a finished run
// leaves the worker for the next one; progress arrives through the one callback.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_SEARCH } from '../../../src/core/search';
import { fakeRunner, fakeWorker } from './fakeWorker';
import { fakeLockRegistry } from '../workers/fakeLocks';
import { abortable, isAbortError } from '../../../src/workers/bridge';

describe('search client', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('abortable rejects as soon as the signal aborts', async () => {
    const c = new AbortController();
    const never = new Promise<number>(() => {});
    const p = abortable(c.signal, never);
    c.abort();
    await expect(p).rejects.toSatisfy(isAbortError);
    await expect(abortable(c.signal, Promise.resolve(1))).rejects.toSatisfy(isAbortError);
  });

  it('streams progress, resolves with the final snapshot and keeps the worker', async () => {
    const { runner, workers } = fakeRunner();
    const seen: number[] = [];
    const run = runner.start({ ...DEFAULT_SEARCH, evaluations: 2000 }, (p) => seen.push(p.evaluated));
    const final = await run.result;
    expect(final.done).toBe(true);
    expect(final.evaluated).toBe(2000);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(workers[0].terminated).toBe(false);
    await runner.start({ ...DEFAULT_SEARCH, evaluations: 500 }, () => {}).result;
    expect(workers).toHaveLength(1);
  });

  it('abort rejects the pending call at once, without waiting on the worker, and terminates it', async () => {
    const { runner, workers } = fakeRunner();
    const run = runner.start({ ...DEFAULT_SEARCH, evaluations: 1_000_000 }, () => {});
    await new Promise((r) => setTimeout(r, 50));
    run.abort();
    // Settled within this task's microtasks: before a timer queued now could fire.
    const settled = await Promise.race([
      run.result.then(
        () => 'resolved',
        (e: unknown) => (isAbortError(e) ? 'aborted' : 'failed'),
      ),
      new Promise((r) => setTimeout(() => r('pending'), 0)),
    ]);
    expect(settled).toBe('aborted');
    expect(workers[0].terminated).toBe(true);
  });

  it('a new run stops the one under way; a finished run leaves its worker to the next', async () => {
    const { runner, workers } = fakeRunner();
    const first = runner.start({ ...DEFAULT_SEARCH, evaluations: 1_000_000 }, () => {});
    const second = runner.start({ ...DEFAULT_SEARCH, evaluations: 500 }, () => {});
    await expect(first.result).rejects.toSatisfy(isAbortError);
    expect(workers[0].terminated).toBe(true);
    await second.result;
    await runner.start({ ...DEFAULT_SEARCH, evaluations: 500 }, () => {}).result;
    expect(workers).toHaveLength(2);
    expect(workers[1].terminated).toBe(false);
  });

  it('a worker that ends without an event mid-run (self.close()) rejects the run; the next run starts a fresh worker', async () => {
    const locks = fakeLockRegistry();
    vi.stubGlobal('navigator', { locks: locks.agent().locks }); // the page's navigator.locks
    const { runner, workers } = fakeRunner(() => fakeWorker(undefined, { locks }));
    const progress: number[] = [];
    const run = runner.start({ ...DEFAULT_SEARCH, evaluations: 1_000_000 }, (p) => {
      progress.push(p.evaluated);
      if (progress.length === 1) workers[0].close();
    });
    await expect(run.result).rejects.toThrow('search worker stopped (closed or killed by the browser)');
    expect(progress.length).toBeGreaterThan(0);
    const next = await runner.start({ ...DEFAULT_SEARCH, evaluations: 500 }, () => {}).result;
    expect(next.done).toBe(true);
    expect(workers).toHaveLength(2);
  });
});
