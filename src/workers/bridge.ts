// The one bridge between the page and its workers (squoosh's worker-bridge pattern over comlink).
// Page side: a WorkerHost starts its worker on first use and reuses it; a worker that fails to
// load, throws or dies rejects the call under way with a message instead of leaving it pending;
// `cancellable` makes a call that rejects at once on abort (`abortable`) and drops the worker, so
// the next call starts a fresh one. Worker side: `exposeInWorker` (with its life lock) and
// `releaseCallback`.
// Workers are thin shells over an `api` object, which unit tests call in Node through a
// MessageChannel (tests/unit/state/fakeWorker.ts) or directly.
import { expose, releaseProxy, wrap, type Endpoint, type Remote } from 'comlink';

/** The parts of a Worker the bridge uses (a MessagePort-backed fake in unit tests). */
export interface WorkerLike extends Endpoint {
  terminate(): void;
}

/** A call that can be stopped: `result` rejects with an AbortError at once on abort. */
export interface AbortableRun<T> {
  result: Promise<T>;
  abort(): void;
}

export const isAbortError = (e: unknown): boolean => e instanceof Error && e.name === 'AbortError';

const abortError = () => Object.assign(new Error('stopped'), { name: 'AbortError' });

/** Reject as soon as `signal` aborts, whatever `promise` does (squoosh's abortable). */
export function abortable<T>(signal: AbortSignal, promise: Promise<T>): Promise<T> {
  if (signal.aborted) return Promise.reject(abortError());
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => signal.addEventListener('abort', () => reject(abortError()), { once: true })),
  ]);
}

/** "search worker crashed: out of memory": the error event's own words when it has any. */
export function workerErrorMessage(ev: Event, worker: string): string {
  const e = ev as Event & { message?: string; error?: unknown };
  const detail = e.message || (e.error instanceof Error ? e.error.message : '');
  return detail ? `${worker} worker crashed: ${detail}` : `${worker} worker crashed or failed to load`;
}

export interface WorkerHost<Api> {
  /** Runs `work` against the worker, starting it first if needed; rejects with a "<name> worker
   *  crashed" or "<name> worker stopped" Error when the worker fails to load or dies before `work`
   *  settles. */
  run<T>(work: (api: Remote<Api>) => Promise<T>): Promise<T>;
  /** Terminates the worker (if any); the next run starts a fresh one. */
  drop(): void;
  /** Whether a worker is up (started and not dropped). */
  readonly started: boolean;
}

// Death detection. A worker that throws or fails to load fires `error` on its Worker object, but
// one that ends without an event (it calls self.close(), or the browser kills it) would leave the
// call under way pending forever, and a ping cannot tell it from a worker busy in a long
// synchronous tfjs build. So each worker holds a Web Lock under a fresh name for as long as it
// lives (holdLifeLock) and posts the name; the page requests the same lock, which the browser
// grants only once the worker's context is gone (closed, killed or terminated). Checked in
// Chromium: granted ~20 ms after self.close() or terminate(), and not while the worker runs a
// synchronous loop. Without navigator.locks (Node, old browsers) only the events are watched.

/** The part of navigator.locks the bridge uses (a fake in unit tests). */
export interface LockManagerLike {
  request(name: string, callback: () => unknown): Promise<unknown>;
}

const platformLocks = (): LockManagerLike | undefined =>
  (globalThis as { navigator?: { locks?: LockManagerLike } }).navigator?.locks ?? undefined;

/** The key of the message a worker posts once it holds its life lock: `{ [LIFE_LOCK]: name }`
 *  (comlink ignores messages without its `id`). */
const LIFE_LOCK = 'lmFrontierLifeLock';

const lifeLockName = (data: unknown): string | undefined => {
  const name = (data as Record<string, unknown> | null)?.[LIFE_LOCK];
  return typeof name === 'string' ? name : undefined;
};

const uniqueId = (): string => {
  const c = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto;
  return typeof c?.randomUUID === 'function' ? c.randomUUID() : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
};

/**
 * Worker side of death detection: holds a lock under a fresh name until this context ends, then
 * posts the name with `post` (the page requests it only after that, so it cannot be granted early).
 * Does nothing without `locks`.
 */
export function holdLifeLock(post: (message: unknown) => void, locks: LockManagerLike | undefined = platformLocks()): void {
  if (!locks) return;
  const name = `lm-frontier-worker-${uniqueId()}`;
  locks
    .request(name, () => {
      post({ [LIFE_LOCK]: name });
      return new Promise<never>(() => {}); // held until the context ends
    })
    .catch(() => {}); // a refused request leaves the events as the only watch
}

/** "search worker stopped (...)": a worker that ended without an error event. */
export const workerStoppedMessage = (worker: string): string => `${worker} worker stopped (closed or killed by the browser)`;

/** One worker, started on demand and reused until dropped. `name` goes into crash messages. */
export function createWorkerHost<Api>(createWorker: () => WorkerLike, name: string): WorkerHost<Api> {
  let worker: WorkerLike | undefined;
  let remote: Remote<Api> | undefined;
  /** The calls under way on the current worker, each rejected if it fails to load or dies (else
   *  a call would wait forever). A call leaves the set when it settles. Not a race against one
   *  "died" promise: a promise that never settles keeps every race's reaction, and so every
   *  call's result, for the worker's life (the page held each search's final snapshot, about
   *  1.4 MB a search, until this was found by the soak test). */
  let pending = new Set<(error: Error) => void>();

  const drop = () => {
    const w = worker;
    worker = undefined; // first: the life lock granted by this terminate must not count as a death
    remote = undefined;
    w?.terminate();
  };

  const start = (): Remote<Api> => {
    const w = createWorker();
    worker = w;
    remote = wrap<Api>(w);
    const calls = new Set<(error: Error) => void>();
    pending = calls;
    const die = (error: Error) => {
      if (worker !== w) return; // dropped by this host (abort, a failed call): not a death to report
      for (const reject of calls) reject(error);
      calls.clear();
      drop(); // a dead or broken worker is not reused, even if no call was under way
    };
    const onError = (ev: Event) => die(new Error(workerErrorMessage(ev, name)));
    w.addEventListener('error', onError);
    w.addEventListener('messageerror', onError);
    const locks = platformLocks();
    if (locks) {
      w.addEventListener('message', (ev: Event) => {
        const lock = lifeLockName((ev as MessageEvent).data);
        if (lock) locks.request(lock, () => die(new Error(workerStoppedMessage(name)))).catch(() => {});
      });
    }
    return remote;
  };

  return {
    run: <T>(work: (api: Remote<Api>) => Promise<T>) => {
      const api = remote ?? start();
      const calls = pending;
      return new Promise<T>((resolve, reject) => {
        calls.add(reject);
        const leave = () => calls.delete(reject);
        try {
          work(api).then(
            (value) => (leave(), resolve(value)),
            (e: unknown) => (leave(), reject(e)),
          );
        } catch (e) {
          leave();
          reject(e);
        }
      });
    },
    drop,
    get started() {
      return remote !== undefined;
    },
  };
}

/**
 * Starts `work` as an AbortableRun. Abort rejects `result` at once and calls `onStop` (unless the
 * call already settled); a failure calls it too, since a worker whose call failed may be in any
 * state and must not be reused. Failures that are not Errors become Errors.
 */
export function cancellable<T>(work: (signal: AbortSignal) => Promise<T>, onStop: () => void): AbortableRun<T> {
  const controller = new AbortController();
  let settled = false; // aborting a finished call must not drop the worker the next call reuses
  controller.signal.addEventListener('abort', () => settled || onStop(), { once: true });
  const result = abortable(controller.signal, work(controller.signal)).then(
    (value) => {
      settled = true;
      return value;
    },
    (e: unknown) => {
      if (!controller.signal.aborted) onStop();
      settled = true;
      throw e instanceof Error ? e : new Error(String(e));
    },
  );
  return { result, abort: () => controller.abort() };
}

/** Exposes `api` to the page when this module runs in a worker, and holds the worker's life lock
 *  (createWorkerHost); elsewhere (unit tests in Node, a main-thread fallback that imports the
 *  worker module) it does nothing. */
export function exposeInWorker(api: object): void {
  const scope = globalThis as unknown as { WorkerGlobalScope?: abstract new () => unknown; postMessage(message: unknown): void };
  if (!(scope.WorkerGlobalScope && globalThis instanceof scope.WorkerGlobalScope)) return;
  expose(api);
  holdLifeLock((message) => scope.postMessage(message)); // lets the page see this worker end
}

/** Releases a callback proxied from the page (comlink.proxy), so its port closes; a plain
 *  function (a main-thread caller, a unit test) is left alone. */
export function releaseCallback(callback: unknown): void {
  (callback as Partial<Remote<object>> | undefined)?.[releaseProxy]?.();
}
