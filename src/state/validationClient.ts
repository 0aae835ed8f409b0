// Page side of the train worker, over the worker bridge: one worker, started on the first
// "Validate proxies" (tfjs and, without a user's text, Moby-Dick load with it) and reused; Stop
// terminates it (training cannot be interrupted from outside, and a terminated worker frees its
// memory at once), so the run's promise rejects with an AbortError at once; a worker that throws
// or dies is dropped, and the next run starts a fresh one.
import { proxy } from 'comlink';
import type { CorpusSource, ValidationReport } from '../core/validation';
import { cancellable, createWorkerHost, type AbortableRun, type WorkerLike } from '../workers/bridge';
import type { ModelCallback, ProgressCallback, TrainApi, TrainRequest } from '../workers/train.worker';

export type ValidationRun = AbortableRun<ValidationReport>;

export interface ValidationRunner {
  /** `corpus` undefined: Moby-Dick, loaded in the worker. A new run stops the one under way. */
  validate(request: TrainRequest, corpus: CorpusSource | undefined, onProgress: ProgressCallback, onModel: ModelCallback): ValidationRun;
}

export function createValidationRunner(createWorker: () => WorkerLike): ValidationRunner {
  const host = createWorkerHost<TrainApi>(createWorker, 'train');
  let current: ValidationRun | undefined;
  return {
    validate(request, corpus, onProgress, onModel) {
      current?.abort(); // one run at a time: two trainings would share the backend and the cores
      const run = cancellable(() => host.run((api) => api.validate(request, corpus, proxy(onProgress), proxy(onModel))), host.drop);
      current = run;
      return run;
    },
  };
}

/** The real train worker, for the app (unit tests give the store a MessagePort-backed one). */
export const createAppValidationRunner = (): ValidationRunner =>
  createValidationRunner(() => new Worker(new URL('../workers/train.worker.ts', import.meta.url), { type: 'module', name: 'train' }));
