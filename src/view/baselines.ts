// Baselines (core/baselines) as the chart and the table read them: rows evaluated with the run's
// own settings (same cost, proxy and latency source as its candidates), which of them fall inside
// the chart's axes (the others are listed as off-chart with the reason, never silently dropped),
// and each candidate's nearest baseline with the ratios LTS reports ("1.9x faster decode than
// OPT-350M at 1.1x its decoder params"). Pure, tested in Node.
import { archKey, type Family } from '../core/arch';
import { BASELINES, comparableAcross, type Baseline, type BaselineId } from '../core/baselines';
import type { EvalSettings } from '../core/evaluate';
import type { Workload } from '../core/latency';
import type { PowerLawFit } from '../core/referenceModels';
import { AXES, isMeasuredAxis, type AxisMetric } from './axes';
import { sig } from './format';
import { archRow } from './measuredView';
import type { PointRow } from './runView';

export interface BaselineRow extends PointRow {
  baseline: Baseline;
  key: string;
}

/** Baseline ids are negative, so they never collide with a run's candidate ids (0 and up). */
export const baselineRowId = (index: number): number => -1 - index;

export function baselineRows(settings: EvalSettings, ids: readonly BaselineId[] = BASELINES.map((b) => b.id)): BaselineRow[] {
  const out: BaselineRow[] = [];
  BASELINES.forEach((b, i) => {
    if (!ids.includes(b.id)) return;
    const key = archKey(b.arch);
    const row = archRow(key, settings, baselineRowId(i));
    if (row) out.push({ ...row, id: baselineRowId(i), baseline: b, key });
  });
  return out;
}

export interface PlacedBaseline {
  row: BaselineRow;
  x: number;
  y: number;
  /** The y axis is the entropy proxy and the baseline's family is not the search's. */
  warning: string | null;
}

export interface OffChartBaseline {
  row: BaselineRow;
  reason: string;
}

export interface BaselinePlacement {
  on: PlacedBaseline[];
  off: OffChartBaseline[];
}

export interface PlacementAxes {
  x: AxisMetric;
  y: AxisMetric;
  xDomain: readonly [number, number];
  yDomain: readonly [number, number];
  fit: PowerLawFit | null;
  searchFamily: Family;
  /** Measured latency of a baseline on the shown series (measured x axes), by arch key. */
  measuredX?: (key: string) => number | undefined;
}

const within = (v: number, [lo, hi]: readonly [number, number]) => v >= lo && v <= hi;

/** Which baselines the chart draws, and why the others are not drawn. */
export function placeBaselines(rows: readonly BaselineRow[], a: PlacementAxes): BaselinePlacement {
  const on: PlacedBaseline[] = [];
  const off: OffChartBaseline[] = [];
  const ax = AXES[a.x];
  const ay = AXES[a.y];
  for (const row of rows) {
    const x = isMeasuredAxis(a.x) ? (a.measuredX?.(row.key) ?? NaN) : ax.value(row, a.fit);
    const y = ay.value(row, a.fit);
    const warning =
      a.y === 'entropy' && !comparableAcross('entropy', row.baseline.arch.family, a.searchFamily)
        ? `entropy of a ${row.baseline.arch.family} model is not comparable with ${a.searchFamily} candidates`
        : null;
    if (!Number.isFinite(x)) {
      off.push({ row, reason: isMeasuredAxis(a.x) ? 'not measured on this device yet' : `no ${ax.name.toLowerCase()} value` });
    } else if (!Number.isFinite(y)) {
      off.push({ row, reason: `no ${ay.name} value yet` });
    } else if (!within(x, a.xDomain) || !within(y, a.yDomain)) {
      const parts: string[] = [];
      // "decoder params 85.1 M", not "decoder params 85.1 M params".
      const value = (d: typeof ax, v: number) =>
        `${d.name === 'est. ppl' ? d.name : d.name.toLowerCase()} ${d.format(v).replace(/ params$/, '')}`;
      if (!within(x, a.xDomain)) parts.push(value(ax, x));
      if (!within(y, a.yDomain)) parts.push(value(ay, y));
      off.push({ row, reason: `${parts.join(', ')}: outside the axes` });
    } else {
      on.push({ row, x, y, warning });
    }
  }
  return { on, off };
}

export interface BaselineComparison {
  baseline: BaselineRow;
  /** Baseline latency / candidate latency: above 1 the candidate is faster. */
  speedup: number;
  /** Candidate decoder params / baseline decoder params. */
  paramsRatio: number;
}

const latencyOf = (r: PointRow, w: Workload) => (w === 'prefill' ? r.latencyPrefill : r.latencyDecode);

/**
 * The baseline nearest to a candidate in decoder parameters (the LTS proxy, comparable across
 * families; nearest in log ratio), with the latency ratio on the run's workload and source.
 */
export function nearestBaseline(r: PointRow, baselines: readonly BaselineRow[], workload: Workload): BaselineComparison | null {
  let best: BaselineRow | null = null;
  let bestD = Infinity;
  for (const b of baselines) {
    const d = Math.abs(Math.log(r.paramsDecoder / b.paramsDecoder));
    if (d < bestD) {
      bestD = d;
      best = b;
    }
  }
  if (!best) return null;
  const speedup = latencyOf(best, workload) / latencyOf(r, workload);
  if (!Number.isFinite(speedup)) return null;
  return { baseline: best, speedup, paramsRatio: r.paramsDecoder / best.paramsDecoder };
}

/** "1.9x faster decode than OPT-350M at 1.1x its decoder params (analytic)". */
export function describeComparison(c: BaselineComparison, workload: Workload, source: string): string {
  const x = (v: number) => `${sig(v, 2)}x`;
  const speed = c.speedup >= 1 ? `${x(c.speedup)} faster` : `${x(1 / c.speedup)} slower`;
  return `${speed} ${workload} than ${c.baseline.baseline.name} at ${x(c.paramsRatio)} its decoder params (${source})`;
}

/** Candidate id -> its comparison, for the table's column (memoised by the caller). */
export type BaselineLookup = (r: PointRow) => BaselineComparison | null;

export function baselineLookup(baselines: readonly BaselineRow[], workload: Workload): BaselineLookup | null {
  if (baselines.length === 0) return null;
  const cache = new Map<number, BaselineComparison | null>();
  return (r) => {
    if (!cache.has(r.id)) cache.set(r.id, nearestBaseline(r, baselines, workload));
    return cache.get(r.id) ?? null;
  };
}
