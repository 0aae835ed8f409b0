// A packed snapshot as rows the chart and the table read: the frontier, the dominated and the
// infeasible points of the reservoir sample. Built once per snapshot (memoised on its identity),
// without unpacking archs: the table needs only per-layer ranges, the chart only numbers.
import { layerRanges, nLayers, packedMetric, type PackedSet, type PackedSnapshot } from '../core/packed';

export type PointStatus = 'frontier' | 'dominated' | 'infeasible';

export interface PointRow {
  id: number;
  status: PointStatus;
  /** Which packed set holds the arch, and where. */
  set: 'frontier' | 'sample';
  index: number;
  nLayer: number;
  dModel: number;
  headsMin: number;
  headsMax: number;
  innerMin: number;
  innerMax: number;
  paramsTotal: number;
  paramsDecoder: number;
  paramsEmbedding: number;
  entropy: number;
  flopsPrefill: number;
  flopsDecode: number;
  memory: number;
  latencyPrefill: number;
  latencyDecode: number;
  violation: number;
}

export interface RunView {
  frontier: PointRow[];
  dominated: PointRow[];
  infeasible: PointRow[];
  byId: Map<number, PointRow>;
}

function row(set: PackedSet, which: 'frontier' | 'sample', i: number, status: PointStatus): PointRow {
  const m = (k: Parameters<typeof packedMetric>[2]) => packedMetric(set, i, k);
  return {
    id: set.ids[i],
    status,
    set: which,
    index: i,
    nLayer: nLayers(set, i),
    dModel: set.archData[set.archOffsets[i]],
    ...layerRanges(set, i),
    paramsTotal: m('paramsTotal'),
    paramsDecoder: m('paramsDecoder'),
    paramsEmbedding: m('paramsEmbedding'),
    entropy: m('entropy'),
    flopsPrefill: m('flopsPrefill'),
    flopsDecode: m('flopsDecode'),
    memory: m('memory'),
    latencyPrefill: m('latencyPrefill'),
    latencyDecode: m('latencyDecode'),
    violation: m('violation'),
  };
}

const cache = new WeakMap<PackedSnapshot, RunView>();

export function runView(s: PackedSnapshot): RunView {
  const hit = cache.get(s);
  if (hit) return hit;
  const frontier: PointRow[] = [];
  const dominated: PointRow[] = [];
  const infeasible: PointRow[] = [];
  const byId = new Map<number, PointRow>();
  for (let i = 0; i < s.frontier.count; i++) {
    const r = row(s.frontier, 'frontier', i, 'frontier');
    frontier.push(r);
    byId.set(r.id, r);
  }
  for (let i = 0; i < s.sample.count; i++) {
    const id = s.sample.ids[i];
    if (byId.has(id)) continue; // on the frontier: drawn as such
    const feasible = packedMetric(s.sample, i, 'violation') === 0;
    const r = row(s.sample, 'sample', i, feasible ? 'dominated' : 'infeasible');
    (feasible ? dominated : infeasible).push(r);
    byId.set(id, r);
  }
  const view = { frontier, dominated, infeasible, byId };
  cache.set(s, view);
  return view;
}

export const EMPTY_VIEW: RunView = { frontier: [], dominated: [], infeasible: [], byId: new Map() };
