// Quantities the frontier chart and the table can show, with honest labels: latency says it is
// analytic, perplexity says it is estimated and which fit it comes from.
import type { Workload } from '../core/latency';
import type { ProxyId } from '../core/proxies';
import { estimatePerplexity, type PowerLawFit } from '../core/referenceModels';
import { formatBytes, formatCount, formatFlops, formatMs, sig } from './format';
import type { PointRow } from './runView';
import { DEFAULT_EVAL, type EvalSettings } from '../core/evaluate';
import { predictorLabel } from '../core/predictor';

export type AxisMetric =
  | 'latency-decode'
  | 'latency-prefill'
  | 'memory'
  | 'decoder-params'
  | 'entropy'
  | 'flops-prefill'
  | 'est-ppl'
  | 'params-total'
  | 'measured-decode'
  | 'measured-prefill';

export const X_METRICS: readonly AxisMetric[] = ['latency-decode', 'latency-prefill', 'measured-decode', 'measured-prefill', 'memory'];

/** Axes of on-device timings: only measured candidates have a value there (see measuredView). */
export const isMeasuredAxis = (a: AxisMetric): a is 'measured-decode' | 'measured-prefill' =>
  a === 'measured-decode' || a === 'measured-prefill';
export const measuredWorkload = (a: 'measured-decode' | 'measured-prefill'): Workload => (a === 'measured-prefill' ? 'prefill' : 'decode');
export const Y_METRICS: readonly AxisMetric[] = ['decoder-params', 'entropy', 'flops-prefill', 'est-ppl', 'params-total'];

/** "est. ppl (LTS GPT-2, WikiText-103 fit)". */
export const estPplLabel = (fit: Pick<PowerLawFit, 'dataset'> | null): string =>
  `est. ppl (${fit?.dataset ?? 'LTS GPT-2, WikiText-103'} fit)`;

export const REFERENCE_DATASET = 'LTS GPT-2, WikiText-103';

/** Whose fit est. ppl is, in a few words: "LTS WT-103 fit", or the data set of the models the
 *  proxy validation lab trained here when the user took theirs. */
export const estPplSource = (fit: Pick<PowerLawFit, 'dataset'> | null): string =>
  !fit || fit.dataset === REFERENCE_DATASET ? 'LTS WT-103 fit' : `${fit.dataset} fit`;

/** What est. ppl's fit was fitted on, to end "a power-law fit on …". */
export const estPplBasis = (fit: Pick<PowerLawFit, 'dataset'> | null): string =>
  !fit || fit.dataset === REFERENCE_DATASET ? 'the LTS GPT-2 / WikiText-103 models' : `“${fit.dataset}”`;

export interface AxisDef {
  /** Short name for pickers and legends. */
  name: string;
  /** Axis title with its unit and source. */
  label: string;
  sense: 'min' | 'max';
  /** Tick label (short). */
  tick: (v: number) => string;
  /** Full value with unit (tooltips, table). */
  format: (v: number) => string;
  value: (r: PointRow, fit: PowerLawFit | null) => number;
}

export const AXES: Record<AxisMetric, AxisDef> = {
  'latency-decode': {
    name: 'Decode latency',
    label: 'Decode latency per token (ms, analytic)',
    sense: 'min',
    tick: (v) => sig(v),
    format: (v) => `${formatMs(v)} (analytic)`,
    value: (r) => r.latencyDecode,
  },
  'latency-prefill': {
    name: 'Prefill latency',
    label: 'Prefill latency, 128 tokens (ms, analytic)',
    sense: 'min',
    tick: (v) => sig(v),
    format: (v) => `${formatMs(v)} (analytic)`,
    value: (r) => r.latencyPrefill,
  },
  // Frontier rows carry no timing (NaN: not drawn); measured series supply their own x.
  'measured-decode': {
    name: 'Measured latency (decode)',
    label: 'Decode latency per token (ms, measured median, bars p10–p90)',
    sense: 'min',
    tick: (v) => sig(v),
    format: (v) => `${formatMs(v)} (measured)`,
    value: () => NaN,
  },
  'measured-prefill': {
    name: 'Measured latency (prefill)',
    label: 'Prefill latency, T tokens (ms, measured median, bars p10–p90)',
    sense: 'min',
    tick: (v) => sig(v),
    format: (v) => `${formatMs(v)} (measured)`,
    value: () => NaN,
  },
  memory: {
    name: 'Memory',
    label: 'Memory: fp32 weights + KV cache + activations (MB)',
    sense: 'min',
    tick: (v) => sig(v / 1e6),
    format: formatBytes,
    value: (r) => r.memory,
  },
  'decoder-params': {
    name: 'Decoder params',
    label: 'Decoder params (M, LTS proxy)',
    sense: 'max',
    tick: (v) => sig(v / 1e6),
    format: (v) => `${formatCount(v)} params`,
    value: (r) => r.paramsDecoder,
  },
  entropy: {
    name: 'Entropy',
    label: 'Entropy (MeRino-style, our reconstruction)',
    sense: 'max',
    tick: (v) => sig(v),
    format: (v) => sig(v),
    value: (r) => r.entropy,
  },
  'flops-prefill': {
    name: 'Prefill FLOPs',
    label: 'Prefill FLOPs, 128 tokens (GFLOPs, naive proxy)',
    sense: 'max',
    tick: (v) => sig(v / 1e9),
    format: formatFlops,
    value: (r) => r.flopsPrefill,
  },
  'est-ppl': {
    name: 'est. ppl',
    label: estPplLabel(null),
    sense: 'min',
    tick: (v) => sig(v),
    format: (v) => `${sig(v)} (est.)`,
    value: (r, fit) => (fit ? estimatePerplexity(fit, r.paramsDecoder) : NaN),
  },
  'params-total': {
    name: 'Total params',
    label: 'Total params (M)',
    sense: 'min',
    tick: (v) => sig(v / 1e6),
    format: (v) => `${formatCount(v)} params`,
    value: (r) => r.paramsTotal,
  },
};

export const proxyAxis = (p: ProxyId): AxisMetric => (p === 'flops' ? 'flops-prefill' : p);
export const latencyAxis = (w: Workload): AxisMetric => (w === 'prefill' ? 'latency-prefill' : 'latency-decode');

/**
 * Whether the frontier of a run is also the Pareto staircase of the plotted axes: x is the run's
 * latency objective and y its proxy (or est. ppl, a decreasing function of decoder params).
 */
export function axesMatchObjectives(x: AxisMetric, y: AxisMetric, proxy: ProxyId, workload: Workload): boolean {
  if (x !== latencyAxis(workload)) return false;
  return y === proxyAxis(proxy) || (y === 'est-ppl' && proxy === 'decoder-params');
}

/** Where a run's latency comes from, in words for labels: "analytic" (a roofline of a device
 *  profile) or "predicted" (a device's learned predictor), with the detail that names it. */
export function latencySource(evalSettings: Pick<EvalSettings, 'profile' | 'predictor' | 'workload'>): {
  word: 'analytic' | 'predicted';
  detail: string;
} {
  const p = evalSettings.predictor;
  return p
    ? { word: 'predicted', detail: predictorLabel(p, evalSettings.workload).replace(/^predicted, /, '') }
    : { word: 'analytic', detail: evalSettings.profile.label };
}

/** An axis label with the run's latency source in place of "analytic". */
export const sourcedLabel = (label: string, word: 'analytic' | 'predicted', tokens?: number): string => {
  const sourced = label.replace('analytic', word);
  // A predictor predicts at its series' T; the analytic labels are at the app's T.
  return tokens === undefined ? sourced : sourced.replace(`${DEFAULT_EVAL.tokens} tokens`, `${tokens} tokens`);
};
