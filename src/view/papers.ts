// "What this run shows" for each claim of a paper preset (core/papers): the run's frontier
// against the claim's baseline, evaluated with the run's own settings (view/baselines). Quality is
// the LTS proxy, decoder params (est. ppl falls as they grow), comparable across families. Every
// latency figure names its source: the run's ("analytic" / "predicted") until both the candidate
// and the baseline are measured in the shown series, then "measured (series label)". Memory is
// always our analytic estimate; parameter counts are exact. Pure, tested in Node.
import type { Workload } from '../core/latency';
import type { PaperClaim, PaperPreset } from '../core/papers';
import type { BaselineRow } from './baselines';
import { formatCount, sig } from './format';
import type { PointRow } from './runView';

/** The shown measured series, for figures that both ends of have been timed. */
export interface MeasuredInput {
  label: string;
  /** Measured latency (ms, median, the run's workload) of an arch by its key. */
  latencyMs(key: string): number | undefined;
  /** The arch key of a frontier row of the run. */
  keyOf(r: PointRow): string | undefined;
}

export interface PaperRunInput {
  frontier: readonly PointRow[];
  baselines: readonly BaselineRow[];
  workload: Workload;
  sourceWord: 'analytic' | 'predicted';
  measured?: MeasuredInput | null;
}

export interface ClaimFigure {
  claim: PaperClaim;
  /** Some frontier candidate reaches the baseline's quality (decoder params >= the baseline's). */
  reached: boolean;
  candidate: PointRow | null;
  baseline: BaselineRow | null;
  /** Baseline latency / candidate latency (above 1: the candidate is faster). */
  speedup: number;
  /** Baseline memory / candidate memory (analytic estimate; above 1: the candidate needs less). */
  memoryRatio: number;
  /** Baseline total params / candidate total params (above 1: the candidate is smaller). */
  sizeRatio: number;
  /** Candidate decoder params / baseline decoder params. */
  paramsRatio: number;
  /** Where the latency figure comes from: "analytic", "predicted" or "measured (label)". */
  source: string;
  /** The figure in one sentence. */
  text: string;
}

const latencyOf = (r: PointRow, w: Workload) => (w === 'prefill' ? r.latencyPrefill : r.latencyDecode);
const x = (v: number) => `${sig(v, 2)}x`;
const faster = (speedup: number, w: Workload) => (speedup >= 1 ? `${x(speedup)} faster ${w}` : `${x(1 / speedup)} slower ${w}`);
const lowerMemory = (r: number) => (r >= 1 ? `${x(r)} lower peak memory` : `${x(1 / r)} higher peak memory`);
const smaller = (r: number) => (r >= 1 ? `${x(r)} smaller` : `${x(1 / r)} larger`);

/** Fastest candidate at or above `min` decoder params; else the one with the most (fastest on ties). */
function pick(frontier: readonly PointRow[], min: number, w: Workload): { row: PointRow; reached: boolean } | null {
  let best: PointRow | null = null;
  for (const r of frontier) {
    if (r.paramsDecoder >= min && (!best || latencyOf(r, w) < latencyOf(best, w))) best = r;
  }
  if (best) return { row: best, reached: true };
  for (const r of frontier) {
    if (!best || r.paramsDecoder > best.paramsDecoder || (r.paramsDecoder === best.paramsDecoder && latencyOf(r, w) < latencyOf(best, w))) {
      best = r;
    }
  }
  return best ? { row: best, reached: false } : null;
}

/** The latency ratio and its source: measured when both ends are in the shown series. */
function speedupOf(c: PointRow, b: BaselineRow, input: PaperRunInput): { speedup: number; source: string } {
  const m = input.measured;
  const ck = m?.keyOf(c);
  const cm = ck === undefined ? undefined : m?.latencyMs(ck);
  const bm = m?.latencyMs(b.key);
  if (m && cm !== undefined && bm !== undefined && cm > 0) return { speedup: bm / cm, source: `measured (${m.label})` };
  return { speedup: latencyOf(b, input.workload) / latencyOf(c, input.workload), source: input.sourceWord };
}

export function claimFigure(claim: PaperClaim, input: PaperRunInput): ClaimFigure {
  const { computation } = claim;
  const base = input.baselines.find((b) => b.baseline.id === computation.baseline) ?? null;
  const empty = {
    claim,
    reached: false,
    candidate: null,
    baseline: base,
    speedup: NaN,
    memoryRatio: NaN,
    sizeRatio: NaN,
    paramsRatio: NaN,
  };
  if (!base) return { ...empty, source: input.sourceWord, text: `baseline ${computation.baseline} is not available` };
  const picked = pick(input.frontier, base.paramsDecoder, input.workload);
  if (!picked) return { ...empty, source: input.sourceWord, text: 'no frontier yet: run the search' };
  const c = picked.row;
  const { speedup, source } = speedupOf(c, base, input);
  const memoryRatio = base.memory / c.memory;
  const sizeRatio = base.paramsTotal / c.paramsTotal;
  const paramsRatio = c.paramsDecoder / base.paramsDecoder;
  const name = base.baseline.name;
  const w = input.workload;
  let text: string;
  if (computation.kind === 'speedup-at-quality') {
    const figures = `${faster(speedup, w)} (${source}), ${lowerMemory(memoryRatio)} (analytic)`;
    text = picked.reached
      ? `Fastest frontier candidate with at least ${name}'s decoder params (${formatCount(c.paramsDecoder)} vs ` +
        `${formatCount(base.paramsDecoder)}): ${figures}`
      : `No frontier candidate reaches ${name}'s decoder params (${formatCount(base.paramsDecoder)}); the nearest below ` +
        `(${formatCount(c.paramsDecoder)}, ${x(paramsRatio)}): ${figures}`;
  } else {
    const figures = `${faster(speedup, w)} (${source}), ${smaller(sizeRatio)} (total params), at ${x(paramsRatio)} its decoder params`;
    text = picked.reached
      ? `Fastest frontier candidate at ${name}'s estimated quality (decoder params ${formatCount(c.paramsDecoder)} ≥ ` +
        `${formatCount(base.paramsDecoder)}): ${figures}`
      : `No frontier candidate reaches ${name}'s estimated quality (decoder params ≥ ${formatCount(base.paramsDecoder)}, i.e. ` +
        `est. ppl at most its; the most here is ${formatCount(c.paramsDecoder)}). The highest-quality candidate: ${figures}`;
  }
  return { claim, reached: picked.reached, candidate: c, baseline: base, speedup, memoryRatio, sizeRatio, paramsRatio, source, text };
}

/** One figure per claim of the paper, in its order. */
export const paperFigures = (paper: PaperPreset, input: PaperRunInput): ClaimFigure[] => paper.claims.map((c) => claimFigure(c, input));
