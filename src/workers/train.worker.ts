// Thin comlink shell over src/measure/validate.ts for the explorer's "Validate proxies": select
// the tfjs backend asked for (explicitly, no fallback), load Moby-Dick when the user gave no text,
// train and score. Runs in a module Worker started by state/validationClient; Stop is the client
// terminating this worker. Unit tests call `api` in Node (directly or over a MessageChannel).
import type { CorpusInfo, CorpusSource, TrainedModel, ValidationProgress, ValidationReport, ValidationRequest } from '../core/validation';
import { selectBackend } from '../measure/backends';
import { runValidation } from '../measure/validate';
import { configureAppWasmPaths } from '../measure/wasmAssets';
import { exposeInWorker, releaseCallback } from './bridge';

configureAppWasmPaths();

/** A validation request without its text: the text crosses separately, and only when the user gave one. */
export type TrainRequest = Omit<ValidationRequest, 'corpus'>;
export type ProgressCallback = (p: ValidationProgress) => void;
/** Each model as soon as it is trained and scored, with the split it was scored on, so a stopped
 *  run keeps the models it finished (the worker is terminated: its report never comes). */
export type ModelCallback = (m: TrainedModel, corpus: CorpusInfo) => void;

/** Moby-Dick's 1.2 MB of text is its own chunk, fetched only by a run without a user's text. */
const defaultCorpus = async (): Promise<CorpusSource> => (await import('./corpusAssets')).mobyDick();

export const api = {
  /** `signal` only when called on the main thread or in tests (a worker is stopped by terminating it). */
  async validate(
    request: TrainRequest,
    corpus?: CorpusSource,
    onProgress?: ProgressCallback,
    onModel?: ModelCallback,
    signal?: AbortSignal,
  ): Promise<ValidationReport> {
    // Callbacks go out without waiting (training must not stall on the page); the last one is
    // awaited before the proxies are released so nothing is lost (one port keeps them in order).
    let last: unknown;
    try {
      await selectBackend(request.backend);
      const text = corpus ?? (await defaultCorpus());
      const report = await runValidation(
        { ...request, corpus: text },
        (p) => {
          last = onProgress?.(p);
        },
        signal,
        (m, info) => {
          last = onModel?.(m, info);
        },
      );
      await last;
      return report;
    } finally {
      releaseCallback(onProgress);
      releaseCallback(onModel);
    }
  },
};

export type TrainApi = typeof api;

exposeInWorker(api);
