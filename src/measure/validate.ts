// The proxy validation lab's run: sample K archs from the space, scale each down, train it with
// Adam on the training bytes, score it on the held-out bytes, and rank the proxies against the
// perplexities. Runs on whichever tfjs backend the caller selected (the train worker, the CLI).
import * as tf from '@tensorflow/tfjs';
import { archKey } from '../core/arch';
import { evalWindows, splitCorpus } from '../core/corpus';
import { SCALE_RULE } from '../core/scaleDown';
import type { CorpusInfo, TrainedModel, ValidationProgress, ValidationReport, ValidationRequest } from '../core/validation';
import {
  checkTrainSettings,
  fewModels,
  MIN_MODELS,
  proxyValidation,
  sampleScaledArchs,
  SEED_STREAMS,
  subSeed,
  trainedProxies,
} from '../core/validationStats';
import { heldOutLoss, throwIfAborted, train, TrainableDecoder } from './train';

/** Share of the corpus held out for perplexity (core/corpus.ts states how it is cut). */
export const HELD_OUT_FRACTION = 0.1;
/** At most one progress call per this many ms during training (phase changes always report). */
const PROGRESS_INTERVAL_MS = 100;

const nextTask = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/**
 * Trains and scores request.settings.k models and returns the report. Progress goes to
 * `onProgress` at most about ten times a second, plus every phase change; `onModel` gets each
 * model as soon as it is scored, with the corpus split (so a stopped run can report the models it
 * finished). `signal` is honoured between steps: an aborted run rejects with the signal's reason
 * (an AbortError by default) and frees every tensor it made.
 */
export async function runValidation(
  request: ValidationRequest,
  onProgress?: (p: ValidationProgress) => void,
  signal?: AbortSignal,
  onModel?: (m: TrainedModel, corpus: CorpusInfo) => void,
): Promise<ValidationReport> {
  const { space, settings, corpus, backend } = request;
  const errors = checkTrainSettings(settings);
  if (errors.length) throw new Error(errors.join('; '));
  // The report names the backend: it must be the one running.
  if (tf.getBackend() !== backend)
    throw new Error(`the ${backend} backend is not the one running (tfjs runs '${tf.getBackend()}'); select it first`);
  throwIfAborted(signal);
  const split = splitCorpus(corpus, HELD_OUT_FRACTION, settings.seqLen);
  const windows = evalWindows(split.heldOut, settings.seqLen, settings.evalTokens);
  const { samples, warning } = sampleScaledArchs(space, settings.k, settings.seed, settings.seqLen);
  const k = samples.length;
  if (k < MIN_MODELS) throw new Error(fewModels(k));
  let last = -Infinity;
  // Reports, and yields to the event loop at the same pace so a page or worker stays responsive
  // and an abort from a click gets through between steps.
  const report = async (p: ValidationProgress, force: boolean): Promise<void> => {
    const now = performance.now();
    if (!force && now - last < PROGRESS_INTERVAL_MS) return;
    last = now;
    onProgress?.(p);
    await nextTask();
    throwIfAborted(signal);
  };
  const models: TrainedModel[] = [];
  for (let i = 0; i < k; i++) {
    const { source, arch } = samples[i];
    const start = performance.now();
    await report({ model: i, k, step: 0, steps: settings.steps, loss: NaN, phase: 'build' }, true);
    const model = new TrainableDecoder(arch, { seed: subSeed(settings.seed, SEED_STREAMS.weights + i), seqLen: settings.seqLen });
    try {
      const losses = await train(model, split.train, {
        steps: settings.steps,
        batchSize: settings.batchSize,
        learningRate: settings.learningRate,
        // The same batches for every model: differences in perplexity come from the archs.
        batchSeed: subSeed(settings.seed, SEED_STREAMS.batches),
        signal,
        onStep: (step, loss) =>
          report({ model: i, k, step: step + 1, steps: settings.steps, loss, phase: 'train' }, step + 1 === settings.steps),
      });
      await report({ model: i, k, step: settings.steps, steps: settings.steps, loss: losses.at(-1) ?? NaN, phase: 'score' }, true);
      const heldOut = await heldOutLoss(model, windows, signal);
      const trained: TrainedModel = {
        index: i,
        source,
        arch,
        params: model.paramCount(),
        proxies: trainedProxies(arch, settings.seqLen),
        losses,
        heldOutLoss: heldOut,
        ppl: Math.exp(heldOut),
        ms: performance.now() - start,
      };
      models.push(trained);
      onModel?.(trained, split.info);
    } catch (err) {
      throw err instanceof Error && !(err instanceof DOMException)
        ? new Error(`model ${i + 1} (${archKey(arch)}): ${err.message}`, { cause: err })
        : err;
    } finally {
      model.dispose();
    }
  }
  return {
    version: 1,
    settings: { ...settings },
    corpus: split.info,
    backend,
    scaleRule: SCALE_RULE,
    models,
    proxies: proxyValidation(models, settings.seed),
    ...(warning ? { warning } : {}),
    finishedAt: new Date().toISOString(),
  };
}
