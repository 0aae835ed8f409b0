// Proxy validation lab: the contract between the trainer (src/measure/validate.ts), the CLI's
// `validate-train`, the train worker and the explorer's "Validate proxies" panel. Types and
// defaults only live here; the stats and the scale-down rule sit beside them in core, the tfjs
// training in src/measure.
import type { Arch } from './arch';
import type { BackendName } from './backendNames';
import type { ProxyId } from './proxies';
import type { SearchSpace } from './space';

/** What one validation run does. Every field is stated in the report so a figure can be redone. */
export interface TrainSettings {
  /** Models to sample, scale down and train. */
  k: number;
  /** Adam steps per model. */
  steps: number;
  /** Seeds the arch sample, the weights, the batch order and the bootstrap. */
  seed: number;
  /** Sequences per step. */
  batchSize: number;
  /** Tokens per training sequence: the scaled-down context length. */
  seqLen: number;
  learningRate: number;
  /** Held-out tokens scored for perplexity (taken evenly from the held-out split). */
  evalTokens: number;
}

/** Sized so that K = 12 x 300 steps runs in Node's wasm on 2 cores within 10 minutes
 *  (bench/validateTrain.ts): at 8 x 64 tokens a step of the scaled models took about 250 ms on
 *  average there, at 8 x 32 about 90 ms (4 x 64 cost the same as 8 x 32; 8 shorter windows give a
 *  less noisy gradient than 4 longer ones, and 32 bytes of context is more than 300 steps learn to use). */
export const DEFAULT_TRAIN: TrainSettings = {
  k: 12,
  steps: 300,
  seed: 1,
  batchSize: 8,
  seqLen: 32,
  learningRate: 3e-3,
  evalTokens: 8192,
};

/** A training text as the user gave it: named, in document order (chapters, or one file). */
export interface CorpusSource {
  name: string;
  documents: string[];
}

/** What was trained on and what was held out, as the report states it. */
export interface CorpusInfo {
  name: string;
  /** e.g. "byte-level (UTF-8 bytes, vocabulary 256)". */
  tokenizer: string;
  vocabSize: number;
  trainTokens: number;
  heldOutTokens: number;
  /** e.g. "the last 10 % of documents (14 of 138: chapter 122 to the epilogue)". */
  split: string;
}

export interface TrainedModel {
  /** 0-based position in the sample. */
  index: number;
  /** The arch as sampled from the search space. */
  source: Arch;
  /** The scaled-down arch actually trained (see core/scaleDown.ts for the rule). */
  arch: Arch;
  /** Parameters of `arch`, total (allocated by the builder). */
  params: number;
  /** Each proxy of `arch` (the model trained), as the search computes it. */
  proxies: Record<ProxyId, number>;
  /** Training loss per step, nats per token. */
  losses: number[];
  /** Mean held-out cross-entropy, nats per token. */
  heldOutLoss: number;
  /** exp(heldOutLoss): perplexity per token of the corpus's tokenizer. */
  ppl: number;
  /** Wall time of building, training and scoring this model. */
  ms: number;
}

/** One proxy's rank agreement with -ppl (1 = ranks perfectly), with percentile bootstrap
 *  intervals over models resampled with replacement (seeded). */
export interface ProxyValidation {
  proxy: ProxyId;
  label: string;
  spearman: number;
  kendall: number;
  /** 95 % percentile bootstrap interval [lo, hi]. */
  spearmanCi: [number, number];
  kendallCi: [number, number];
  n: number;
}

export interface ValidationRequest {
  space: SearchSpace;
  settings: TrainSettings;
  corpus: CorpusSource;
  /** Stated in the report; the caller selects the backend before running. */
  backend: BackendName;
}

/** Progress of a run: model i (0-based) of k, its step (0 while building, steps while scoring). */
export interface ValidationProgress {
  model: number;
  k: number;
  step: number;
  steps: number;
  /** Latest training loss (NaN before the first step). */
  loss: number;
  phase: 'build' | 'train' | 'score';
}

export interface ValidationReport {
  version: 1;
  settings: TrainSettings;
  corpus: CorpusInfo;
  backend: BackendName;
  /** The rule that turned each sampled arch into the trained one, in words. */
  scaleRule: string;
  models: TrainedModel[];
  proxies: ProxyValidation[];
  /** Set when the space gave fewer than k distinct models once scaled down: a sentence to show. */
  warning?: string;
  /** ISO time the run finished. */
  finishedAt: string;
}
