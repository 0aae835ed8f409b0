// Budgets (constraints) and objectives over an Evaluation.
import { metric, type Evaluation, type MetricId } from './evaluate';
import type { Workload } from './latency';
import type { Sense } from './pareto';

export interface Budgets {
  /** Max total parameters (MeRino's budget: 64M). */
  paramsTotal?: number;
  /** Max decoder (non-embedding) parameters. */
  paramsDecoder?: number;
  /** Max FLOPs of one decode step. */
  flopsPerToken?: number;
  /** Max bytes: weights at the chosen dtype + KV cache + peak activations. */
  memoryBytes?: number;
  /** Max latency (ms) of the chosen workload and source. */
  latencyMs?: number;
  /** Min decoder (non-embedding) parameters: a floor, not a cap (LTS searches 6M to 100M). */
  paramsDecoderMin?: number;
}

export const BUDGET_KEYS = ['paramsTotal', 'paramsDecoder', 'flopsPerToken', 'memoryBytes', 'latencyMs', 'paramsDecoderMin'] as const;
export type BudgetKey = (typeof BUDGET_KEYS)[number];

/** Budgets that are floors (the value must reach them); every other budget is a cap. */
export const isMinBudget = (key: BudgetKey): boolean => key === 'paramsDecoderMin';
/** MeRino-like default: at most 64M total parameters. */
export const DEFAULT_BUDGETS: Budgets = { paramsTotal: 64e6 };

export interface Objective {
  metric: MetricId;
  sense: Sense;
}

export const DEFAULT_OBJECTIVES: Objective[] = [
  { metric: 'decoder-params', sense: 'max' },
  { metric: 'latency', sense: 'min' },
];

/** MeRino mode: maximise entropy, minimise latency, under the budgets. */
export const MERINO_OBJECTIVES: Objective[] = [
  { metric: 'entropy', sense: 'max' },
  { metric: 'latency', sense: 'min' },
];

/** The metric each budget caps (decoder params are the decoder-params proxy's value). */
const BUDGET_METRIC: Record<BudgetKey, MetricId> = {
  paramsTotal: 'params-total',
  paramsDecoder: 'decoder-params',
  flopsPerToken: 'flops-per-token',
  memoryBytes: 'memory',
  latencyMs: 'latency',
  paramsDecoderMin: 'decoder-params',
};

/** Total relative excess over the budgets: 0 when feasible, else the sum of (value / limit - 1)
 *  over the caps broken and of (limit / value - 1) over the floors not reached. */
export function violation(e: Evaluation, budgets: Budgets, workload: Workload): number {
  let v = 0;
  for (const key of BUDGET_KEYS) {
    const limit = budgets[key];
    if (limit === undefined) continue;
    const value = metric(e, BUDGET_METRIC[key], workload);
    if (isMinBudget(key)) {
      if (value < limit) v += limit / Math.max(value, 1) - 1;
    } else if (value > limit) v += value / limit - 1;
  }
  return v;
}

export const objectiveValues = (e: Evaluation, objectives: readonly Objective[], workload: Workload): number[] =>
  objectives.map((o) => metric(e, o.metric, workload));
