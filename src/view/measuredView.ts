// Measured series as the chart and the table read them. Measurements are stored by arch key
// (state/measurements), so a measured candidate is drawn even when the run on screen does not
// hold it (after a reload, another search): its proxy values come from core's evaluate of the
// arch parsed back from its key. Pure functions, tested in Node.
import { archKey, parseArchKey } from '../core/arch';
import { evaluate, type EvalSettings } from '../core/evaluate';
import type { Workload } from '../core/latency';
import { archBase, unpackArch, type PackedSnapshot } from '../core/packed';
import type { PowerLawFit } from '../core/referenceModels';
import type { SearchConfig } from '../core/search';
import { AXES, isMeasuredAxis, measuredWorkload, type AxisMetric } from './axes';
import { formatMs, sig } from './format';
import type { MeasuredSeries, Measurement, MeasurementStore, TimingSummary } from '../core/measurements';
import type { PointRow } from './runView';

/** Series colours (Okabe-Ito, after the blue/orange/vermillion the chart already uses). */
export const SERIES_COLORS = ['#009e73', '#cc79a7', '#56b4e9', '#8c6d1f', '#7b3294', '#4d4d4d'];
export const seriesColor = (index: number): string => SERIES_COLORS[index % SERIES_COLORS.length];

const rowCache = new WeakMap<EvalSettings, Map<string, PointRow | null>>();

/** A chart/table row for an arch key, evaluated with `settings` (cached); null if unparsable. */
export function archRow(key: string, settings: EvalSettings, id = -1): PointRow | null {
  let cache = rowCache.get(settings);
  if (!cache) rowCache.set(settings, (cache = new Map()));
  if (!cache.has(key)) {
    const arch = parseArchKey(key);
    const e = arch ? evaluate(arch, settings) : null;
    cache.set(
      key,
      arch && e
        ? {
            id,
            status: 'frontier',
            set: 'frontier',
            index: -1,
            nLayer: arch.layers.length,
            dModel: arch.dModel,
            headsMin: Math.min(...arch.layers.map((l) => l.nHead)),
            headsMax: Math.max(...arch.layers.map((l) => l.nHead)),
            innerMin: Math.min(...arch.layers.map((l) => l.dInner)),
            innerMax: Math.max(...arch.layers.map((l) => l.dInner)),
            paramsTotal: e.params.total,
            paramsDecoder: e.params.decoder,
            paramsEmbedding: e.params.embedding,
            entropy: e.scores.entropy,
            flopsPrefill: e.flops.prefill,
            flopsDecode: e.flops.decodeStep,
            memory: e.memory.total,
            latencyPrefill: e.latency.prefillMs,
            latencyDecode: e.latency.decodeMs,
            violation: 0,
          }
        : null,
    );
  }
  return cache.get(key) ?? null;
}

const keyCache = new WeakMap<PackedSnapshot, Map<string, number>>();

/** Arch key -> candidate id for every arch of a snapshot (frontier first), cached per snapshot. */
export function runKeyIndex(snapshot: PackedSnapshot, config: SearchConfig): Map<string, number> {
  const hit = keyCache.get(snapshot);
  if (hit) return hit;
  const base = archBase(config);
  const out = new Map<string, number>();
  for (const set of [snapshot.frontier, snapshot.sample]) {
    for (let i = 0; i < set.count; i++) {
      const key = archKey(unpackArch(set, i, base));
      if (!out.has(key)) out.set(key, set.ids[i]);
    }
  }
  keyCache.set(snapshot, out);
  return out;
}

export const timingOf = (m: Measurement, w: Workload): TimingSummary => (w === 'prefill' ? m.prefill : m.decode);

/** Half the p10–p90 range: the "±" shown after a median. */
export const spreadMs = (t: TimingSummary): number => (t.p90Ms - t.p10Ms) / 2;

/** "1.23 ± 0.05" (ms in the header). */
export const formatMedianSpread = (t: TimingSummary): string => `${sig(t.medianMs)} ± ${sig(spreadMs(t), 2)}`;

/** "3.38 s ± 121 ms": median and spread, each with its unit. */
export const formatMsSpread = (t: TimingSummary): string => `${formatMs(t.medianMs)} ± ${formatMs(spreadMs(t))}`;

/** The same with the number of timed runs behind it, where it is known. */
export const formatMsSpreadRuns = (t: TimingSummary): string =>
  t.runs === undefined ? formatMsSpread(t) : `${formatMsSpread(t)} (${t.runs} run${t.runs === 1 ? '' : 's'})`;

/** One line per measurement: what ran, on what (the series label names T), and the health
 *  checks (leaked tensors). */
export function describeMeasurement(m: Measurement, series: Pick<MeasuredSeries, 'label' | 'thread'>): string {
  const t = formatMsSpreadRuns;
  return (
    `measured (${series.label}${series.thread === 'main' ? ', main thread' : ''}): decode ${t(m.decode)}, ` +
    `prefill ${t(m.prefill)}` +
    (m.slices ? `, runs from ${m.slices} round-robin slices` : '') +
    `; first run ${formatMs(m.firstRunMs)}; ` +
    `${m.leakedTensors} tensor${m.leakedTensors === 1 ? '' : 's'} leaked`
  );
}

export interface MeasuredPoint {
  x: number;
  y: number;
  /** The candidate's id in the run on screen, or null when the run does not hold it. */
  id: number | null;
  key: string;
  /** p10 / p90 on a measured x axis (error bar), else absent. */
  lo?: number;
  hi?: number;
}

export interface MeasuredChartSeries {
  id: string;
  label: string;
  color: string;
  points: MeasuredPoint[];
  /** On a measured-latency x axis: the series' own Pareto frontier (lowest latency for the best
   *  y), sorted by x, for a step line; empty on other axes (the points sit at analytic values). */
  frontier: { x: number; y: number }[];
}

/** The points no other point beats on both lower x and better y (`ySense`), sorted by x. */
export function paretoFrontier(points: readonly { x: number; y: number }[], ySense: 'min' | 'max'): { x: number; y: number }[] {
  const better = (a: number, b: number) => (ySense === 'max' ? a > b : a < b);
  const sorted = [...points].sort((a, b) => a.x - b.x || (better(a.y, b.y) ? -1 : better(b.y, a.y) ? 1 : 0));
  const out: { x: number; y: number }[] = [];
  for (const p of sorted) if (out.length === 0 || better(p.y, out[out.length - 1].y)) out.push({ x: p.x, y: p.y });
  return out;
}

export interface MeasuredChartOptions {
  x: AxisMetric;
  y: AxisMetric;
  logX: boolean;
  logY: boolean;
  fit: PowerLawFit | null;
  /** Evaluation settings for analytic values (the run on screen, so points match its axes). */
  settings: EvalSettings;
  keyIndex: Map<string, number> | null;
}

/**
 * Every series' points on the chosen axes: on a measured x axis the median with its p10–p90 bar,
 * on any other axis the candidate's value there (marking which candidates were measured).
 */
export function measuredChartSeries(store: MeasurementStore, o: MeasuredChartOptions): MeasuredChartSeries[] {
  const measuredX = isMeasuredAxis(o.x) ? measuredWorkload(o.x) : null;
  return store.series.map((s, i) => {
    const points: MeasuredPoint[] = [];
    for (const m of Object.values(s.byArch)) {
      const row = archRow(m.archKey, o.settings);
      if (!row) continue;
      const t = measuredX ? timingOf(m, measuredX) : null;
      const x = t ? t.medianMs : AXES[o.x].value(row, o.fit);
      const y = AXES[o.y].value(row, o.fit);
      if (!Number.isFinite(x) || !Number.isFinite(y) || (o.logX && x <= 0) || (o.logY && y <= 0)) continue;
      points.push({ x, y, id: o.keyIndex?.get(m.archKey) ?? null, key: m.archKey, ...(t ? { lo: t.p10Ms, hi: t.p90Ms } : {}) });
    }
    const frontier = measuredX ? paretoFrontier(points, AXES[o.y].sense) : [];
    return { id: s.id, label: s.label, color: seriesColor(i), points, frontier };
  });
}

export interface MeasuredCell {
  timing: TimingSummary;
  measurement: Measurement;
  series: MeasuredSeries;
}

/** Candidate id -> its measurement in `series` for `workload` (the table's "Measured" column). */
export type MeasuredLookup = (id: number) => MeasuredCell | undefined;

export function measuredLookup(
  series: MeasuredSeries | null,
  keyIndex: Map<string, number> | null,
  workload: Workload,
): MeasuredLookup | null {
  if (!series || !keyIndex) return null;
  const byId = new Map<number, MeasuredCell>();
  for (const m of Object.values(series.byArch)) {
    const id = keyIndex.get(m.archKey);
    if (id !== undefined) byId.set(id, { timing: timingOf(m, workload), measurement: m, series });
  }
  return (id) => byId.get(id);
}

/** The table's lookup: the shown series over the run on screen (null when nothing applies). */
export function shownMeasuredLookup(
  store: MeasurementStore,
  shownSeriesId: string | null,
  results: { snapshot: PackedSnapshot; config: SearchConfig } | null,
): MeasuredLookup | null {
  const series = store.series.find((s) => s.id === shownSeriesId) ?? null;
  if (!series || !results || Object.keys(series.byArch).length === 0) return null;
  return measuredLookup(series, runKeyIndex(results.snapshot, results.config), results.config.eval.workload);
}
