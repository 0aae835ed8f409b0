// Checks made before a search starts, so that an impossible request gets a sentence instead of an
// empty chart: the smallest arch of the space (every choice at its first index, repaired to obey
// the rules) bounds every cost from below, so if it breaks a budget, nothing in the space can meet it.
// A floor (min decoder params) is checked against the largest arch (every choice at its last index).
import { archSummary } from '../core/arch';
import { BUDGET_KEYS, isMinBudget, type BudgetKey } from '../core/budgets';
import { evaluate, type Evaluation } from '../core/evaluate';
import { compileSpace, repair, toArch } from '../core/genome';
import type { SearchConfig } from '../core/search';
import { formatBytes, formatCount, formatFlops, formatMs } from '../view/format';

function smallestEvaluation(config: SearchConfig): Evaluation {
  const cs = compileSpace(config.space);
  const genome = { l: 0, d: 0, layers: Array.from({ length: cs.layerGenes }, () => ({ h: 0, f: 0, kv: 0 })) };
  return evaluate(toArch(cs, repair(cs, genome)), config.eval);
}

function largestEvaluation(config: SearchConfig): Evaluation {
  const cs = compileSpace(config.space);
  const s = config.space;
  const last = (xs: readonly unknown[] | undefined) => Math.max(0, (xs?.length ?? 1) - 1);
  const gene = () => ({ h: last(s.nHead), f: last(s.dInner), kv: cs.llama ? last(s.nKvHead) : 0 });
  const genome = { l: last(s.nLayer), d: last(s.dModel), layers: Array.from({ length: cs.layerGenes }, gene) };
  return evaluate(toArch(cs, repair(cs, genome)), config.eval);
}

const BUDGET_TEXT: Record<BudgetKey, { value: (e: Evaluation, c: SearchConfig) => number; fmt: (v: number) => string }> = {
  paramsTotal: { value: (e) => e.params.total, fmt: (v) => `${formatCount(v)} total params` },
  paramsDecoder: { value: (e) => e.params.decoder, fmt: (v) => `${formatCount(v)} decoder params` },
  paramsDecoderMin: { value: (e) => e.params.decoder, fmt: (v) => `${formatCount(v)} decoder params` },
  flopsPerToken: { value: (e) => e.flops.decodeStep, fmt: (v) => `${formatFlops(v)} per token` },
  memoryBytes: { value: (e) => e.memory.total, fmt: (v) => formatBytes(v) },
  latencyMs: {
    value: (e, c) => (c.eval.workload === 'prefill' ? e.latency.prefillMs : e.latency.decodeMs),
    fmt: (v) => `${formatMs(v)} (analytic)`,
  },
};

/** Sentences explaining why no arch of the space can meet the budgets; empty when some might. */
export function infeasibleBudgets(config: SearchConfig): string[] {
  const e = smallestEvaluation(config);
  let large: Evaluation | null = null;
  const out: string[] = [];
  for (const key of BUDGET_KEYS) {
    const limit = config.budgets[key];
    if (limit === undefined) continue;
    const t = BUDGET_TEXT[key];
    if (isMinBudget(key)) {
      large ??= largestEvaluation(config);
      const v = t.value(large, config);
      if (v < limit) {
        out.push(
          `no feasible architecture: the largest arch in the space (${archSummary(large.arch)}) has ${t.fmt(v)} < minimum ${t.fmt(limit)}`,
        );
      }
      continue;
    }
    const v = t.value(e, config);
    if (v > limit) {
      out.push(
        `no feasible architecture: the smallest arch in the space (${archSummary(e.arch)}) has ${t.fmt(v)} > budget ${t.fmt(limit)}`,
      );
    }
  }
  return out;
}
