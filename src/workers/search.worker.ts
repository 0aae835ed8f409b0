// Thin comlink shell over core's search: runs the generator, sends at most one packed snapshot per
// `intervalMs` through the run's progress callback (transferred, not cloned: see core/packed),
// and returns the final snapshot. Cancellation is the client terminating this worker.
import * as Comlink from 'comlink';
import { exposeInWorker, releaseCallback } from './bridge';
import { packedBuffers, packSnapshot, type PackedSnapshot } from '../core/packed';
import { runSearch, type SearchConfig } from '../core/search';

export type ProgressCallback = (snapshot: PackedSnapshot) => void;

/** Exported for unit tests, which expose it on a MessageChannel in Node. */
export const api = {
  async search(config: SearchConfig, onProgress: ProgressCallback & Comlink.ProxyMarked, intervalMs = 100): Promise<PackedSnapshot> {
    const k = config.objectives.length;
    const send = (p: PackedSnapshot) => Comlink.transfer(p, packedBuffers(p));
    try {
      const it = runSearch(config);
      let last = -Infinity;
      for (;;) {
        const r = it.next();
        if (r.done) return send(packSnapshot(r.value, k));
        const now = performance.now();
        if (now - last >= intervalMs) {
          last = now;
          // Awaiting the main thread's ack is the back-pressure: a busy page gets fewer updates.
          await onProgress(send(packSnapshot(r.value, k)));
        }
      }
    } finally {
      releaseCallback(onProgress);
    }
  },
};

export type SearchApi = typeof api;

exposeInWorker(api);
