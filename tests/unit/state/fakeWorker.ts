// A stand-in for the search worker in Node: the real worker API (src/workers/search.worker.ts)
// exposed with comlink on a MessageChannel, plus hooks to make it throw or "crash", and (given a
// fake lock registry) the worker side of the bridge's life lock, with `close` for self.close().
import * as Comlink from 'comlink';
import { createSearchRunner } from '../../../src/state/searchClient';
import { api } from '../../../src/workers/search.worker';
import { holdLifeLock, type WorkerLike } from '../../../src/workers/bridge';
import type { fakeLockRegistry } from '../workers/fakeLocks';

export interface FakeWorker extends WorkerLike {
  terminated: boolean;
  /** Fire an 'error' event as a crashed worker does. */
  crash(message: string): void;
  /** End without an event, as self.close() or the browser killing the worker does: no more
   *  answers, and (with a lock registry) its life lock is released. */
  close(): void;
}

type Listener = Parameters<EventTarget['addEventListener']>[1];

export function fakeWorker(exposed: object = api, options: { locks?: ReturnType<typeof fakeLockRegistry> } = {}): FakeWorker {
  const { port1, port2 } = new MessageChannel();
  Comlink.expose(exposed, port2 as unknown as Comlink.Endpoint);
  const context = options.locks?.agent();
  if (context) holdLifeLock((message) => port2.postMessage(message), context.locks);
  const events = new EventTarget();
  const w: FakeWorker = {
    terminated: false,
    postMessage: (message: unknown, transfer?: unknown[]) => port1.postMessage(message, transfer as never),
    addEventListener: (type: string, listener: Listener) =>
      type === 'message' ? port1.addEventListener('message', listener as never) : events.addEventListener(type, listener),
    removeEventListener: (type: string, listener: Listener) =>
      type === 'message' ? port1.removeEventListener('message', listener as never) : events.removeEventListener(type, listener),
    start: () => port1.start(),
    terminate() {
      w.terminated = true;
      port1.close();
      port2.close();
      context?.end();
    },
    crash(message: string) {
      events.dispatchEvent(Object.assign(new Event('error'), { message }));
    },
    close() {
      port2.close();
      context?.end();
    },
  } as FakeWorker;
  return w;
}

/** A runner over fake workers; `workers` lists every worker it created, oldest first. */
export function fakeRunner(make: () => FakeWorker = () => fakeWorker()) {
  const workers: FakeWorker[] = [];
  const runner = createSearchRunner(() => {
    const w = make();
    workers.push(w);
    return w;
  });
  return { runner, workers };
}
