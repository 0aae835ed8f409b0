// Page side of the search worker, over the worker bridge: one worker, reused between runs; a new
// run stops the one under way; abort terminates the worker and rejects the run at once; a worker
// that throws or dies is dropped, so the next run starts a fresh one.
import { proxy } from 'comlink';
import type { PackedSnapshot } from '../core/packed';
import type { SearchConfig } from '../core/search';
import { cancellable, createWorkerHost, type AbortableRun, type WorkerLike } from '../workers/bridge';
import type { SearchApi } from '../workers/search.worker';

/** Resolves with the final snapshot; rejects with an AbortError on abort, an Error on failure. */
export type SearchRun = AbortableRun<PackedSnapshot>;

export interface SearchRunner {
  start(config: SearchConfig, onProgress: (p: PackedSnapshot) => void): SearchRun;
}

export function createSearchRunner(createWorker: () => WorkerLike): SearchRunner {
  const host = createWorkerHost<SearchApi>(createWorker, 'search');
  let current: SearchRun | undefined;
  return {
    start(config, onProgress) {
      current?.abort(); // one run at a time
      const run = cancellable(() => host.run((api) => api.search(config, proxy(onProgress))), host.drop);
      current = run;
      return run;
    },
  };
}

/** The real search worker, for the app (unit tests give the store a MessagePort-backed fake). */
export const createAppSearchRunner = (): SearchRunner =>
  createSearchRunner(() => new Worker(new URL('../workers/search.worker.ts', import.meta.url), { type: 'module', name: 'search' }));
