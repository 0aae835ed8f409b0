// "What is this" texts: for every proxy, latency source, estimate and budget, a plain paragraph,
// the formula and where it comes from (a paper, or our own reconstruction where the code says
// so). Pure data, shown by ui/Help.tsx; the formulas follow src/core (proxies, flops, memory,
// latency, predictor, referenceModels, budgets), and the proxies' formulas are core's own strings.
import type { BudgetKey } from '../core/budgets';
import { DEFAULT_EVAL } from '../core/evaluate';
import { DEFAULT_PROFILE } from '../core/latency';
import { MIN_SAMPLES } from '../core/predictor';
import { DEFAULT_ENTROPY, PROXIES, type ProxyId } from '../core/proxies';
import type { AxisMetric } from './axes';

export type GlossaryId =
  ProxyId | BudgetKey | 'latency-analytic' | 'latency-predicted' | 'latency-measured' | 'est-ppl' | 'memory' | 'params-total';

export interface GlossaryEntry {
  /** Short name: the popover's heading and the button's "What is <title>?". */
  title: string;
  /** One plain paragraph. */
  body: string;
  formula: string;
  /** Paper (authors, venue) or "our reconstruction" / "our own model". */
  source: string;
  /** Further paragraphs (the measuring protocol's figures). */
  notes?: readonly string[];
}

/** References, as the About view and the entries cite them. */
export const REFERENCES = {
  lts: 'LiteTransformerSearch (LTS): Javaheripi et al., NeurIPS 2022, arXiv 2203.02094',
  merino: 'MeRino: Zhao et al., AAAI 2025, arXiv 2403.07921',
  deepmad: 'DeepMAD: Shen et al., CVPR 2023, arXiv 2303.02165',
  kaplan: 'Scaling laws for neural language models: Kaplan et al., 2020, arXiv 2001.08361',
} as const;

const T = DEFAULT_EVAL.tokens;
const P = DEFAULT_PROFILE;
const rho0 = DEFAULT_ENTROPY.rho0;
const rho0Text = Number.isInteger(1 / rho0) ? `1/${1 / rho0}` : String(rho0);

/** The Measure panel's protocol figures, shown in the measured-latency entry. */
export interface MeasureFigures {
  /** Most frontier candidates one "Measure" times (state/measureForm MAX_FRONTIER_MEASURE). */
  maxFrontier: number;
  /** Warm-up runs before the timed ones (state/measureForm MEASURE_WARMUP). */
  warmup: number;
  /** The form's "Timed runs" (NaN while the field does not parse). */
  runs: number;
}

export const GLOSSARY: Record<GlossaryId, GlossaryEntry> = {
  'decoder-params': {
    title: 'Decoder params',
    body:
      'The number of weights inside the transformer blocks (attention, feed-forward network and norms), leaving out the token and ' +
      'position embeddings and the output head. LiteTransformerSearch observed that, among decoder-only transformers, this one count ' +
      'ranks the perplexity the models reach after training almost as well as training them does, whatever their mix of depth, width ' +
      'and heads; so a candidate is scored in microseconds, without training. Higher is better.',
    formula: PROXIES['decoder-params'].formula,
    source: `${REFERENCES.lts}; the count is what Kaplan et al. (2020, arXiv 2001.08361) call non-embedding parameters`,
  },
  entropy: {
    title: 'Entropy (MeRino-style)',
    body:
      'A training-free score of how much information the network can carry: every linear map adds the logarithm of its input width, ' +
      'summed over the blocks and weighted for attention (a_att) and the feed-forward network (a_ffn). A model that is too deep for its ' +
      'width trains badly, so when its depth/width ratio ρ exceeds ρ0 the score is scaled down by ρ0/ρ. Higher is better. MeRino ' +
      'published no code: this is our reconstruction of its idea, after DeepMAD.',
    formula: `${PROXIES.entropy.formula}; defaults a_att = ${DEFAULT_ENTROPY.aAtt}, a_ffn = ${DEFAULT_ENTROPY.aFfn}, ρ0 = ${rho0Text}`,
    source: `Our reconstruction of ${REFERENCES.merino}; entropy of a deep network after ${REFERENCES.deepmad}`,
  },
  flops: {
    title: 'Prefill FLOPs',
    body:
      `The floating-point operations of reading a prompt of T = ${T} tokens: two per multiply-add of every matrix product ` +
      '(projections, feed-forward network, the attention scores and their weighted sum over the causal pairs, and the output head for ' +
      'the last position only). Offered as a naive baseline to judge the other proxies by: more compute is not always a better model.',
    formula: `${PROXIES.flops.formula}: Σ_l [2T·d·(2d + 2·d_kv) + 4·d·T(T+1)/2 + 2T·d·d_inner,l·m] + 2·V·e (+ OPT’s projections), m = 3 (SwiGLU) or 2, e = embedding width, T = ${T}`,
    source: 'Closed form, our own counting (src/core/flops.ts); a baseline for comparison, not from a paper',
  },
  'params-total': {
    title: 'Total params',
    body:
      'Every parameter of the model: token and position embeddings, the transformer blocks, the final norm, and the output head when it ' +
      'is not tied to the token embedding. It sets the download size and, times the bytes per weight, the memory of the weights. ' +
      'Counted exactly, equal to Hugging Face’s num_parameters().',
    formula: 'N_total = token table + position table + untied output head (+ OPT’s embedding projections) + N_decoder',
    source: 'Exact count (src/core/params.ts), checked against Hugging Face models and archai’s counts for the LTS models',
  },
  memory: {
    title: 'Memory',
    body:
      'What running the model needs at batch 1: its weights, the key/value cache for the full context, and the peak of the intermediate ' +
      `tensors while reading a prompt of T = ${T} tokens. Weights and cache are exact; the activation peak is our estimate for a ` +
      'straightforward implementation such as the TensorFlow.js builder.',
    formula:
      'bytes = 4 · N_total (fp32 weights) + 4 · 2 · Σ_l d_kv,l · context (KV cache) + 4 · (2·T·d + max(max_l(attention_l, FFN_l), V)) (activation peak)',
    source: 'Weights and KV cache exact; the activation peak is our reconstruction, not from a paper (src/core/memory.ts)',
  },
  'latency-analytic': {
    title: 'Analytic latency',
    body:
      'An estimate of the time a forward pass takes, computed without running it: each kernel the builder dispatches takes the longer ' +
      'of its arithmetic at the device’s peak rate and its memory traffic at the device’s bandwidth (a roofline), plus a fixed launch ' +
      `overhead. Decode is one new token with T = ${T} in the cache; prefill reads T tokens. Until you calibrate, the rates are a stated ` +
      `default (${P.gflops} GFLOP/s, ${P.gbps} GB/s, ${P.overheadMsPerKernel * 1000} µs per kernel); every figure names the profile it used.`,
    formula: 'ms = Σ_kernels max(FLOPs / (GFLOP/s · 10⁹), bytes / (GB/s · 10⁹)) · 1000 + kernels · overhead per kernel',
    source: 'Our own model, not from a paper (src/core/latency.ts); Calibrate measures the three rates on this device',
  },
  'latency-predicted': {
    title: 'Predicted latency',
    body:
      'A latency model learned from whole-model measurements on one device. Each of four small linear models (the roofline with its ' +
      'rates learned, plain sums of FLOPs and bytes, the same sums with the bytes split at a cache size C learned from 1 to 512 MiB, ' +
      'or the analytic latency scaled) is fitted by non-negative least squares on ' +
      'relative error, and the one with the lowest leave-one-out error is kept. Every predicted figure names the device series, the ' +
      `number of measurements and that error. It needs at least ${MIN_SAMPLES} measured candidates.`,
    formula:
      'ms = Σ_j c_j · x_j, c_j ≥ 0; x = (compute-bound GFLOP, memory-bound G values, kernels/1000, 1) | (GFLOP, G values, kernels/1000, 1) | ' +
      '(GFLOP, G values within the first C bytes, G values beyond, kernels/1000, 1) | (analytic ms, 1)',
    source: 'Our reconstruction in the spirit of the per-device predictors of HAT and nn-Meter (src/core/predictor.ts)',
  },
  'latency-measured': {
    title: 'Measured latency',
    body:
      'The time this browser takes to run a candidate, built in TensorFlow.js with random weights (the timing does not depend on the ' +
      'weights’ values): a prefill of T tokens and one decode step with T cached, at batch 1 in fp32. After a first run and a warm-up, ' +
      'the timed runs are repeated and their median is the figure, with p10–p90 as its spread; each series names its backend, device ' +
      'and T.',
    formula: 'median of the timed runs’ wall-clock ms (each run ends when its output is read back); spread p10–p90',
    source: 'Measured here with the app’s builder and timing protocol (docs/architecture.md, “Measuring”)',
  },
  'est-ppl': {
    title: 'est. ppl',
    body:
      'An estimate of the perplexity a candidate would reach after training, read from its decoder parameter count through a power ' +
      'law fitted to the 200 GPT-2 models LiteTransformerSearch trained on WikiText-103 and released. It is a fit, never a measurement, ' +
      'and outside that family and data set an extrapolation: it is always labelled “est.” with its fit (the Proxy check tab shows a, b ' +
      'and the error). “Validate proxies” in that tab can replace it with the same fit on small models trained in this browser; the ' +
      'axis and table then name that fit, whose perplexity is per byte of the text trained on, not per word of WikiText-103.',
    formula: 'ln ppl = a + b · ln N_decoder (least squares in log-log space), i.e. est. ppl = e^a · N_decoder^b',
    source: `Fitted in this browser on the released LTS data (microsoft/archai, MIT) of ${REFERENCES.lts}`,
  },
  paramsTotal: {
    title: 'Total-parameter limit',
    body:
      'The most parameters a candidate may have, embeddings and output head included. Candidates over any limit are left out of the ' +
      'frontier (the chart shows them on demand). The default, 64 M, is the budget MeRino designs for.',
    formula: 'N_total ≤ limit (in M = 10⁶ parameters)',
    source: `Exact count (src/core/params.ts); the 64 M default after ${REFERENCES.merino}`,
  },
  paramsDecoder: {
    title: 'Decoder-parameter limit',
    body:
      'The most parameters the transformer blocks may have, embeddings and output head not counted: the same count as the decoder-params ' +
      'proxy, so a candidate at the limit is the best that proxy can score.',
    formula: 'N_decoder = Σ_l (attention_l + FFN_l + norms_l) + final norm ≤ limit (in M = 10⁶ parameters)',
    source: `Exact count (src/core/params.ts); the decoder count of ${REFERENCES.lts}`,
  },
  paramsDecoderMin: {
    title: 'Decoder-parameter minimum',
    body:
      'The fewest parameters the transformer blocks must have, embeddings and output head not counted: a floor, so the search leaves ' +
      'out candidates too small to matter. LiteTransformerSearch searches GPT-2 decoders between 6 M and 100 M decoder parameters.',
    formula: 'N_decoder ≥ minimum (in M = 10⁶ parameters); a candidate below it is over budget by minimum / N_decoder − 1',
    source: `Exact count (src/core/params.ts); the 6 M to 100 M range of ${REFERENCES.lts} (archai's --param_constraint_lower / _upper)`,
  },
  flopsPerToken: {
    title: 'FLOPs-per-token limit',
    body:
      `The most floating-point operations one generated token may cost: a decode step with T = ${T} tokens in the cache, counting ` +
      'every matrix product (two FLOPs per multiply-add) and the output head for that one token.',
    formula: `FLOPs = Σ_l [2·d·(2d + 2·d_kv) + 4·d·(T + 1) + 2·d·d_inner,l·m] + 2·V·e (+ OPT’s projections) ≤ limit, m = 3 (SwiGLU) or 2, T = ${T}`,
    source: 'Closed form, our own counting (src/core/flops.ts)',
  },
  memoryBytes: {
    title: 'Memory limit',
    body:
      'The most memory running the candidate may need: fp32 weights, the key/value cache for the full context and the estimated ' +
      'activation peak of a prefill (see Memory). Decimal units: 1 MB = 10⁶ bytes.',
    formula: 'N_total · 4 + 2 · Σ_l d_kv,l · context · 4 + activation peak ≤ limit',
    source: 'Weights and KV cache exact; the activation peak is our reconstruction (src/core/memory.ts)',
  },
  latencyMs: {
    title: 'Latency limit',
    body:
      'The longest the chosen workload (a decode step or a prefill, as the Objectives panel says) may take, by the next search’s ' +
      'latency source: the analytic roofline of the current profile, or a device’s predicted latency once a predictor is in use. ' +
      'Measured timings never enter the search.',
    formula: 'latency(workload) ≤ limit (ms), analytic or predicted',
    source: 'Our own latency models (src/core/latency.ts, src/core/predictor.ts)',
  },
};

/** The measured-latency entry with the Measure panel's figures: what one "Measure" does. */
export function measuredLatencyEntry(f: MeasureFigures): GlossaryEntry {
  const runs = Number.isFinite(f.runs) ? String(f.runs) : '?';
  return {
    ...GLOSSARY['latency-measured'],
    notes: [
      `Frontier: at most ${f.maxFrontier} candidates spread evenly along it. Each one: prefill of T tokens and one decode step with T ` +
        `cached, ${f.warmup} warm-up + at least ${runs} timed runs, more until they add up to the min time (a short decode gets more ` +
        'samples), random weights. Several candidates are timed in round-robin rounds, each round a share of the runs and time, so a ' +
        'slowdown of the device (heat, another tab) lands on every candidate alike and keeps their order. Larger models than the ' +
        'memory limit are refused, not tried.',
    ],
  };
}

/** The entry for a chart axis: which "?" the axis picker shows beside each metric. */
export function glossaryIdForAxis(metric: AxisMetric, latencyWord: 'analytic' | 'predicted' = 'analytic'): GlossaryId {
  switch (metric) {
    case 'latency-decode':
    case 'latency-prefill':
      return latencyWord === 'predicted' ? 'latency-predicted' : 'latency-analytic';
    case 'measured-decode':
    case 'measured-prefill':
      return 'latency-measured';
    case 'flops-prefill':
      return 'flops';
    default:
      return metric;
  }
}
