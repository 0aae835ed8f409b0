// The worker bridge on its own, over a MessageChannel-backed fake worker: a host starts its worker
// once and reuses it, a crash rejects the call under way with the worker's words, a worker that
// ends without an event (self.close(), killed) is seen through its life lock (fake navigator.locks),
// and a cancellable call rejects at once on abort and drops the worker, but never after it settled;
// a settled call's result is not kept.
import v8 from 'node:v8';
import vm from 'node:vm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { abortable, cancellable, createWorkerHost, isAbortError, workerErrorMessage } from '../../../src/workers/bridge';
import { fakeWorker, type FakeWorker } from '../state/fakeWorker';
import { fakeLockRegistry } from './fakeLocks';

const api = {
  echo: async (x: number) => x,
  never: () => new Promise<never>(() => {}),
};

function host(locks?: ReturnType<typeof fakeLockRegistry>) {
  const workers: FakeWorker[] = [];
  const h = createWorkerHost<typeof api>(() => {
    const w = fakeWorker(api, { locks });
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
  it('keeps no call’s result once it has settled (a long-lived worker must not hold every result)', async () => {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    const h = createWorkerHost<{ big: () => Promise<Float64Array> }>(
      () => fakeWorker({ big: async () => new Float64Array(1 << 16) }),
      'test',
    );
    const refs: WeakRef<Float64Array>[] = [];
    for (let i = 0; i < 5; i++) refs.push(new WeakRef(await h.run((w) => w.big())));
    for (let i = 0; i < 3; i++) {
      await new Promise((r) => setTimeout(r, 0));
      gc();
    }
    expect(refs.filter((r) => r.deref() !== undefined)).toHaveLength(0);
    expect(h.started).toBe(true); // the worker itself lives on
    h.drop();
  });

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

/** Lets messages cross the fake's MessagePort and lock grants run. */
const settle = () => new Promise((r) => setTimeout(r, 20));

/** A page with navigator.locks (the fake's), and workers that hold their life locks in it. */
function withLocks() {
  const locks = fakeLockRegistry();
  vi.stubGlobal('navigator', { locks: locks.agent().locks });
  return host(locks);
}

describe('createWorkerHost: a worker that ends without an event', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('closed mid-call: the call rejects with "stopped", and the next call starts a fresh worker', async () => {
    const { host: h, workers } = withLocks();
    await h.run((w) => w.echo(0)); // up, its life lock held and announced
    const call = h.run((w) => w.never());
    workers[0].close();
    await expect(call).rejects.toThrow('test worker stopped (closed or killed by the browser)');
    expect(h.started).toBe(false);
    expect(await h.run((w) => w.echo(1))).toBe(1);
    expect(workers).toHaveLength(2);
  });

  it('closed while idle: dropped, so the next call runs in a fresh worker instead of failing', async () => {
    const { host: h, workers } = withLocks();
    await h.run((w) => w.echo(0));
    workers[0].close();
    await settle();
    expect(h.started).toBe(false);
    expect(await h.run((w) => w.echo(2))).toBe(2);
    expect(workers).toHaveLength(2);
  });

  it('a worker the host terminated itself is not a death: the next worker is left alone', async () => {
    const { host: h, workers } = withLocks();
    await h.run((w) => w.echo(0));
    h.drop(); // releases the first worker's life lock, as terminate() does in a browser
    expect(await h.run((w) => w.echo(3))).toBe(3);
    await settle();
    expect(workers[1].terminated).toBe(false);
    expect(h.started).toBe(true);
    expect(await h.run((w) => w.echo(4))).toBe(4);
    expect(workers).toHaveLength(2);
  });

  it('without navigator.locks only events are watched (a closed worker leaves its call pending)', async () => {
    const { host: h, workers } = host();
    await h.run((w) => w.echo(0));
    const call = h.run((w) => w.never());
    workers[0].close();
    await settle();
    expect(await settlesAtOnce(call)).toBe('pending');
    expect(h.started).toBe(true);
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
