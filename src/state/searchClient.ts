// Main-thread side of the search worker (squoosh's worker-bridge pattern): one worker, reused
// between runs; abort = terminate the worker + reject the pending call at once (abortable); a
// worker that throws or dies is dropped, so the next run starts a fresh one.
import { proxy, wrap, type Endpoint, type Remote } from 'comlink';
import type { PackedSnapshot } from '../core/packed';
import type { SearchConfig } from '../core/search';
import type { SearchApi } from '../workers/search.worker';

/** The parts of a Worker the client uses (a MessagePort-backed fake in unit tests). */
export interface WorkerLike extends Endpoint {
  terminate(): void;
}

export interface SearchRun {
  /** Resolves with the final snapshot; rejects with an AbortError on abort, an Error on failure. */
  result: Promise<PackedSnapshot>;
  abort(): void;
}

export interface SearchRunner {
  start(config: SearchConfig, onProgress: (p: PackedSnapshot) => void): SearchRun;
}

export const isAbortError = (e: unknown): boolean => e instanceof Error && e.name === 'AbortError';

const abortError = () => Object.assign(new Error('search stopped'), { name: 'AbortError' });

/** Reject as soon as `signal` aborts, whatever `promise` does (squoosh's abortable). */
export function abortable<T>(signal: AbortSignal, promise: Promise<T>): Promise<T> {
  if (signal.aborted) return Promise.reject(abortError());
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => signal.addEventListener('abort', () => reject(abortError()), { once: true })),
  ]);
}

export function workerErrorMessage(ev: Event, worker = 'search'): string {
  const e = ev as Event & { message?: string; error?: unknown };
  const detail = e.message || (e.error instanceof Error ? e.error.message : '');
  return detail ? `${worker} worker crashed: ${detail}` : `${worker} worker crashed or failed to load`;
}

export function createSearchRunner(createWorker: () => WorkerLike): SearchRunner {
  let worker: WorkerLike | undefined;
  let api: Remote<SearchApi> | undefined;
  let current: SearchRun | undefined;

  const drop = (w: WorkerLike) => {
    w.terminate();
    if (worker === w) {
      worker = undefined;
      api = undefined;
    }
  };

  return {
    start(config, onProgress) {
      current?.abort(); // one run at a time
      if (!worker || !api) {
        worker = createWorker();
        api = wrap<SearchApi>(worker);
      }
      const w = worker;
      const controller = new AbortController();
      let onDeath: (ev: Event) => void = () => {};
      const died = new Promise<never>((_, reject) => {
        onDeath = (ev) => reject(new Error(workerErrorMessage(ev)));
      });
      w.addEventListener('error', onDeath);
      w.addEventListener('messageerror', onDeath);
      controller.signal.addEventListener('abort', () => drop(w), { once: true });
      const call = api.search(config, proxy(onProgress));
      const result = abortable(controller.signal, Promise.race([call, died]))
        .catch((e: unknown) => {
          // A worker whose run failed may be in any state: never reuse it.
          drop(w);
          throw e instanceof Error ? e : new Error(String(e));
        })
        .finally(() => {
          w.removeEventListener('error', onDeath);
          w.removeEventListener('messageerror', onDeath);
          if (current === run) current = undefined;
        });
      const run: SearchRun = { result, abort: () => controller.abort() };
      current = run;
      return run;
    },
  };
}
