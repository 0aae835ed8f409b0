// Everything the search, the table and the CLI know about one arch, in one plain record.
import { archKey, type Arch } from './arch';
import { decodeStepFlops, prefillFlops } from './flops';
import { analyticLatency, DEFAULT_PROFILE, type DeviceProfile, type Workload } from './latency';
import { memory, type Dtype, type Memory } from './memory';
import { countParams, type ParamCounts } from './params';
import { predictLatency, type LatencyPredictor } from './predictor';
import { computeProxies, DEFAULT_ENTROPY, type EntropyParams, type ProxyId } from './proxies';

export interface EvalSettings {
  /** Prefill length T; a decode step is measured with T tokens in the cache. */
  tokens: number;
  profile: DeviceProfile;
  entropy: EntropyParams;
  weightDtype: Dtype;
  /** Which workload 'latency' means in objectives and budgets. */
  workload: Workload;
  /** When set, latency is this device's predicted latency (core/predictor), not the analytic
   *  roofline of `profile`; every figure is then labelled predicted, with its device and fit. */
  predictor?: LatencyPredictor;
}

export const DEFAULT_EVAL: EvalSettings = {
  tokens: 128,
  profile: DEFAULT_PROFILE,
  entropy: DEFAULT_ENTROPY,
  weightDtype: 'fp32',
  workload: 'decode',
};

export type LatencySource = 'analytic' | 'predicted' | 'measured';

export interface Evaluation {
  key: string;
  arch: Arch;
  params: ParamCounts;
  flops: { prefill: number; decodeStep: number };
  memory: Memory;
  scores: Record<ProxyId, number>;
  latency: { prefillMs: number; decodeMs: number; source: LatencySource };
}

export function evaluate(arch: Arch, settings: EvalSettings = DEFAULT_EVAL): Evaluation {
  const params = countParams(arch);
  const prefill = prefillFlops(arch, settings.tokens).total;
  const decodeStep = decodeStepFlops(arch, settings.tokens).total;
  return {
    key: archKey(arch),
    arch,
    params,
    flops: { prefill, decodeStep },
    memory: memory(arch, { weightDtype: settings.weightDtype, prefillTokens: settings.tokens }, params.total),
    scores: computeProxies(arch, { decoderParams: params.decoder, prefillFlops: prefill }, settings.entropy),
    latency: settings.predictor
      ? { ...predictLatency(settings.predictor, arch), source: 'predicted' }
      : { ...analyticLatency(arch, settings.profile, settings.tokens), source: 'analytic' },
  };
}

/** Metrics that objectives and budgets refer to. */
export type MetricId = ProxyId | 'latency' | 'memory' | 'params-total' | 'flops-per-token';

export const METRIC_LABELS: Record<MetricId, string> = {
  'decoder-params': 'Decoder params',
  entropy: 'Entropy',
  flops: 'Prefill FLOPs',
  latency: 'Latency (ms)',
  memory: 'Memory (bytes)',
  'params-total': 'Total params',
  'flops-per-token': 'FLOPs per token (decode)',
};

export function metric(e: Evaluation, id: MetricId, workload: Workload): number {
  switch (id) {
    case 'latency':
      return workload === 'prefill' ? e.latency.prefillMs : e.latency.decodeMs;
    case 'memory':
      return e.memory.total;
    case 'params-total':
      return e.params.total;
    case 'flops-per-token':
      return e.flops.decodeStep;
    default:
      return e.scores[id];
  }
}
