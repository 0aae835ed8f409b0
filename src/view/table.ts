// The candidates table: its columns, sorting and paging over the frontier rows.
import { DEFAULT_EVAL } from '../core/evaluate';
import type { PowerLawFit } from '../core/referenceModels';
import { AXES } from './axes';
import { formatRange, sig } from './format';
import type { MeasurementStore } from '../core/measurements';
import type { PackedSnapshot } from '../core/packed';
import type { SearchConfig } from '../core/search';
import { formatMedianSpread, measuredLookup, runKeyIndex, type MeasuredLookup } from './measuredView';
import type { PointRow } from './runView';
import { BASELINE_IDS, type BaselineId } from '../core/baselines';
import { baselineLookup, baselineRows, type BaselineLookup } from './baselines';

export type ColumnKey =
  | 'layers'
  | 'dModel'
  | 'heads'
  | 'dInner'
  | 'paramsDecoder'
  | 'paramsTotal'
  | 'flopsDecode'
  | 'flopsPrefill'
  | 'memory'
  | 'entropy'
  | 'estPpl'
  | 'latencyDecode'
  | 'latencyPrefill'
  | 'measured'
  | 'baseline';

export interface Column {
  key: ColumnKey;
  group: string;
  header: string;
  /** Second header line: unit, source or "proxy". */
  sub: string;
  /** NaN: no value (sorted last either way). `m` looks up the shown measured series, `b` the
   *  candidate's nearest baseline. */
  value: (r: PointRow, fit: PowerLawFit | null, m?: MeasuredLookup | null, b?: BaselineLookup | null) => number;
  cell: (r: PointRow, fit: PowerLawFit | null, m?: MeasuredLookup | null, b?: BaselineLookup | null) => string;
}

/** Numbers in a unit given by the header: "14.6" under "M", like a table in a paper. */
const inUnit = (scale: number) => (v: number) => sig(v / scale);

// Shape, then what a frontier trades (latency, quality), then the costs. `group` heads a
// spanning header cell; units live in the headers so cells hold plain numbers, as in a paper.
export const COLUMNS: readonly Column[] = [
  { key: 'layers', group: 'Architecture', header: 'Layers', sub: '', value: (r) => r.nLayer, cell: (r) => String(r.nLayer) },
  { key: 'dModel', group: 'Architecture', header: 'dModel', sub: '', value: (r) => r.dModel, cell: (r) => String(r.dModel) },
  {
    key: 'heads',
    group: 'Architecture',
    header: 'Heads',
    sub: 'min–max',
    value: (r) => r.headsMax,
    cell: (r) => formatRange(r.headsMin, r.headsMax),
  },
  {
    key: 'dInner',
    group: 'Architecture',
    header: 'dInner',
    sub: 'min–max',
    value: (r) => r.innerMax,
    cell: (r) => formatRange(r.innerMin, r.innerMax),
  },
  {
    key: 'latencyDecode',
    group: 'Latency, ms (analytic)',
    header: 'Decode',
    sub: 'per token',
    value: (r) => r.latencyDecode,
    cell: (r) => sig(r.latencyDecode),
  },
  {
    key: 'latencyPrefill',
    group: 'Latency, ms (analytic)',
    header: 'Prefill',
    sub: `${DEFAULT_EVAL.tokens} tokens`,
    value: (r) => r.latencyPrefill,
    cell: (r) => sig(r.latencyPrefill),
  },
  {
    key: 'measured',
    group: 'Measured, ms',
    header: 'Measured',
    sub: 'median ± spread',
    value: (r, _fit, m) => m?.(r.id)?.timing.medianMs ?? NaN,
    cell: (r, _fit, m) => {
      const c = m?.(r.id);
      if (!c) return '–';
      // The analytic columns are at the app's T: a measurement taken at another T says so.
      const t = c.measurement.tokens;
      return t === DEFAULT_EVAL.tokens ? formatMedianSpread(c.timing) : `${formatMedianSpread(c.timing)} (T = ${t})`;
    },
  },
  {
    // LTS's way of reporting: speed at matched quality. Sorting puts the largest speed-up first
    // when descending; the cell names the baseline and both ratios.
    key: 'baseline',
    group: 'vs nearest baseline (analytic)',
    header: 'Speed-up',
    sub: 'at decoder params',
    value: (r, _fit, _m, b) => b?.(r)?.speedup ?? NaN,
    cell: (r, _fit, _m, b) => {
      const c = b?.(r);
      return c ? `${sig(c.speedup, 2)}x vs ${c.baseline.baseline.name} (${sig(c.paramsRatio, 2)}x params)` : '–';
    },
  },
  {
    key: 'paramsDecoder',
    group: 'Params, M',
    header: 'Decoder',
    sub: 'proxy',
    value: (r) => r.paramsDecoder,
    cell: (r) => inUnit(1e6)(r.paramsDecoder),
  },
  {
    key: 'paramsTotal',
    group: 'Params, M',
    header: 'Total',
    sub: '',
    value: (r) => r.paramsTotal,
    cell: (r) => inUnit(1e6)(r.paramsTotal),
  },
  {
    key: 'estPpl',
    group: 'Quality',
    header: 'est. ppl',
    sub: 'WT-103 fit',
    // Before the fit is loaded, sort by -decoder params: the fit's exponent is negative, same order.
    value: (r, fit) => (fit ? AXES['est-ppl'].value(r, fit) : -r.paramsDecoder),
    cell: (r, fit) => (fit ? sig(AXES['est-ppl'].value(r, fit)) : '…'),
  },
  { key: 'entropy', group: 'Quality', header: 'Entropy', sub: 'proxy', value: (r) => r.entropy, cell: (r) => sig(r.entropy) },
  {
    key: 'flopsPrefill',
    group: 'FLOPs',
    header: 'Prefill',
    sub: 'G · proxy',
    value: (r) => r.flopsPrefill,
    cell: (r) => inUnit(1e9)(r.flopsPrefill),
  },
  {
    key: 'flopsDecode',
    group: 'FLOPs',
    header: 'Decode',
    sub: 'M / token',
    value: (r) => r.flopsDecode,
    cell: (r) => inUnit(1e6)(r.flopsDecode),
  },
  { key: 'memory', group: 'Memory', header: 'MB', sub: 'fp32 + KV', value: (r) => r.memory, cell: (r) => inUnit(1e6)(r.memory) },
];

/** Consecutive columns sharing a group, for the spanning header row. */
export const COLUMN_GROUPS: { label: string; span: number }[] = COLUMNS.reduce<{ label: string; span: number }[]>((acc, c) => {
  const last = acc[acc.length - 1];
  if (last && last.label === c.group) last.span++;
  else acc.push({ label: c.group, span: 1 });
  return acc;
}, []);

export const COLUMN_BY_KEY = Object.fromEntries(COLUMNS.map((c) => [c.key, c])) as Record<ColumnKey, Column>;

export interface SortState {
  key: ColumnKey;
  dir: 'asc' | 'desc';
}

export const PAGE_SIZE = 12;

/** Rows sorted by a column, ties broken by id so the order is stable between progress updates. */
export function sortRows(
  rows: readonly PointRow[],
  sort: SortState,
  fit: PowerLawFit | null,
  m: MeasuredLookup | null = null,
  b: BaselineLookup | null = null,
): PointRow[] {
  const col = COLUMN_BY_KEY[sort.key];
  const sign = sort.dir === 'asc' ? 1 : -1;
  const keyed = rows.map((r) => ({ r, v: col.value(r, fit, m, b) }));
  const missing = (v: number) => (Number.isNaN(v) ? 1 : 0);
  keyed.sort((a, b) => missing(a.v) - missing(b.v) || sign * (a.v - b.v) || a.r.id - b.r.id);
  return keyed.map((k) => k.r);
}

export const pageCount = (n: number): number => Math.max(1, Math.ceil(n / PAGE_SIZE));

/** The page that holds row `id` in `sorted`, or null when it is not there. */
export function pageOf(sorted: readonly PointRow[], id: number): number | null {
  const i = sorted.findIndex((r) => r.id === id);
  return i < 0 ? null : Math.floor(i / PAGE_SIZE);
}

/** One measured column per device series that timed a candidate of the run on screen (and the
 *  shown series even when it timed none): each device its own column, side by side. The shown
 *  one is the column the table sorts by when "Measured" is the sort key. */
export interface DeviceColumn {
  id: string;
  label: string;
  shown: boolean;
  lookup: MeasuredLookup | null;
}

export function deviceColumns(
  store: MeasurementStore,
  shownSeriesId: string | null,
  results: { snapshot: PackedSnapshot; config: SearchConfig } | null,
): DeviceColumn[] {
  if (!results) return [];
  const keyIndex = runKeyIndex(results.snapshot, results.config);
  return store.series.flatMap((s) => {
    const lookup = measuredLookup(s, keyIndex, results.config.eval.workload);
    const timesOne = Object.keys(s.byArch).some((k) => keyIndex.has(k));
    return timesOne || s.id === shownSeriesId ? [{ id: s.id, label: s.label, shown: s.id === shownSeriesId, lookup }] : [];
  });
}

const lookupCache = new WeakMap<SearchConfig, Map<string, BaselineLookup | null>>();

/** Each frontier candidate's nearest baseline under the run's own settings (cached per run). */
export function runBaselineLookup(config: SearchConfig | null, ids: readonly BaselineId[] = BASELINE_IDS): BaselineLookup | null {
  if (!config) return null;
  let byIds = lookupCache.get(config);
  if (!byIds) lookupCache.set(config, (byIds = new Map()));
  const k = ids.join(',');
  if (!byIds.has(k)) byIds.set(k, baselineLookup(baselineRows(config.eval, ids), config.eval.workload));
  return byIds.get(k) ?? null;
}
