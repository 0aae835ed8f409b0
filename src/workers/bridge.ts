// The one bridge between the page and its workers (squoosh's worker-bridge pattern over comlink).
// Page side: a WorkerHost starts its worker on first use and reuses it; a worker that fails to
// load, throws or dies rejects the call under way with a message instead of leaving it pending;
// `cancellable` makes a call that rejects at once on abort (`abortable`) and drops the worker, so
// the next call starts a fresh one. Worker side: `exposeInWorker` and `releaseCallback`.
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
   *  crashed" Error when the worker fails to load or dies before `work` settles. */
  run<T>(work: (api: Remote<Api>) => Promise<T>): Promise<T>;
  /** Terminates the worker (if any); the next run starts a fresh one. */
  drop(): void;
  /** Whether a worker is up (started and not dropped). */
  readonly started: boolean;
}

/** One worker, started on demand and reused until dropped. `name` goes into crash messages. */
export function createWorkerHost<Api>(createWorker: () => WorkerLike, name: string): WorkerHost<Api> {
  let worker: WorkerLike | undefined;
  let remote: Remote<Api> | undefined;
  /** Rejects when the current worker fails to load or crashes (else a call would wait forever). */
  let died: Promise<never> = new Promise<never>(() => {});

  const start = (): Remote<Api> => {
    const w = createWorker();
    worker = w;
    remote = wrap<Api>(w);
    died = new Promise<never>((_, reject) => {
      const onDeath = (ev: Event) => reject(new Error(workerErrorMessage(ev, name)));
      w.addEventListener('error', onDeath);
      w.addEventListener('messageerror', onDeath);
    });
    died.catch(() => {}); // observed through the races in run
    return remote;
  };

  return {
    run: (work) => Promise.race([work(remote ?? start()), died]),
    drop() {
      worker?.terminate();
      worker = undefined;
      remote = undefined;
    },
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

/** Exposes `api` to the page when this module runs in a worker; elsewhere (unit tests in Node, a
 *  main-thread fallback that imports the worker module) it does nothing. */
export function exposeInWorker(api: object): void {
  const scope = globalThis as unknown as { WorkerGlobalScope?: abstract new () => unknown };
  if (scope.WorkerGlobalScope && globalThis instanceof scope.WorkerGlobalScope) expose(api);
}

/** Releases a callback proxied from the page (comlink.proxy), so its port closes; a plain
 *  function (a main-thread caller, a unit test) is left alone. */
export function releaseCallback(callback: unknown): void {
  (callback as Partial<Remote<object>> | undefined)?.[releaseProxy]?.();
}
