// The worker bridge on its own, over a MessageChannel-backed fake worker: a host starts its worker
// once and reuses it, a crash rejects the call under way with the worker's words, and a
// cancellable call rejects at once on abort and drops the worker, but never after it settled.
import { describe, expect, it } from 'vitest';
import { abortable, cancellable, createWorkerHost, isAbortError, workerErrorMessage } from '../../../src/workers/bridge';
import { fakeWorker, type FakeWorker } from '../state/fakeWorker';

const api = {
  echo: async (x: number) => x,
  never: () => new Promise<never>(() => {}),
};

function host() {
  const workers: FakeWorker[] = [];
  const h = createWorkerHost<typeof api>(() => {
    const w = fakeWorker(api);
    workers.push(w);
    return w;
  }, 'test');
  return { host: h, workers };
}

/** Whether `p` settles before a macrotask queued now (an abort must not wait on the worker). */
const settlesAtOnce = (p: Promise<unknown>) =>
  Promise.race([
    p.then(
      () => 'settled',
      () => 'settled',
    ),
    new Promise((r) => setTimeout(() => r('pending'), 0)),
  ]);

describe('abortable', () => {
  it('rejects with an AbortError as soon as the signal aborts, and at once if it already has', async () => {
    const c = new AbortController();
    const p = abortable(c.signal, new Promise<number>(() => {}));
    c.abort();
    await expect(p).rejects.toSatisfy(isAbortError);
    await expect(abortable(c.signal, Promise.resolve(1))).rejects.toSatisfy(isAbortError);
    await expect(abortable(new AbortController().signal, Promise.resolve(1))).resolves.toBe(1);
  });
});

describe('workerErrorMessage', () => {
  it("names the worker and gives the event's own words when it has any", () => {
    expect(workerErrorMessage(Object.assign(new Event('error'), { message: 'out of memory' }), 'search')).toBe(
      'search worker crashed: out of memory',
    );
    expect(workerErrorMessage(Object.assign(new Event('error'), { error: new Error('boom') }), 'measure')).toBe(
      'measure worker crashed: boom',
    );
    expect(workerErrorMessage(new Event('error'), 'measure')).toBe('measure worker crashed or failed to load');
  });
});

describe('createWorkerHost', () => {
  it('starts the worker on first use and reuses it until dropped', async () => {
    const { host: h, workers } = host();
    expect(h.started).toBe(false);
    expect(workers).toHaveLength(0);
    expect(await h.run((w) => w.echo(1))).toBe(1);
    expect(await h.run((w) => w.echo(2))).toBe(2);
    expect(workers).toHaveLength(1);
    h.drop();
    expect(workers[0].terminated).toBe(true);
    expect(h.started).toBe(false);
    expect(await h.run((w) => w.echo(3))).toBe(3);
    expect(workers).toHaveLength(2);
  });

  it('a worker that crashes rejects the call under way with its message', async () => {
    const { host: h, workers } = host();
    const call = h.run((w) => w.never());
    await h.run((w) => w.echo(0)); // the worker is up
    workers[0].crash('out of memory');
    await expect(call).rejects.toThrow('test worker crashed: out of memory');
  });
});

describe('cancellable', () => {
  it('abort rejects before the worker could answer and calls onStop once', async () => {
    let stops = 0;
    const run = cancellable(
      () => new Promise<number>(() => {}),
      () => stops++,
    );
    run.abort();
    expect(await settlesAtOnce(run.result)).toBe('settled');
    await expect(run.result).rejects.toSatisfy(isAbortError);
    run.abort();
    expect(stops).toBe(1);
  });

  it('a failure calls onStop and comes out as an Error', async () => {
    let stops = 0;
    const run = cancellable(
      () => Promise.reject('plain string'),
      () => stops++,
    );
    await expect(run.result).rejects.toThrow(new Error('plain string'));
    expect(stops).toBe(1);
  });

  it('aborting a call that already settled does not call onStop (its worker serves the next call)', async () => {
    let stops = 0;
    const run = cancellable(
      async () => 5,
      () => stops++,
    );
    expect(await run.result).toBe(5);
    run.abort();
    expect(stops).toBe(0);
  });
});
