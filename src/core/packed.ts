// A search snapshot as flat typed arrays, for the worker -> main-thread hop.
// Structured-cloning a full snapshot (about 4,000 Candidate objects with nested archs and
// breakdowns) costs 60-120 ms to deserialize, a long task on the main thread ten times a second.
// Typed arrays transfer in O(1), and every Candidate can be rebuilt exactly from its arch
// (evaluate is deterministic), so the UI unpacks only what it shows.
import type { Arch } from './arch';
import type { Candidate } from './archive';
import { objectiveValues, violation } from './budgets';
import { evaluate } from './evaluate';
import type { SearchConfig, SearchSnapshot } from './search';

/** Per-candidate numbers kept in `PackedSet.metrics`, row-major, in this order. */
export const PACKED_METRICS = [
  'paramsTotal',
  'paramsDecoder',
  'paramsEmbedding',
  'entropy',
  'flopsPrefill',
  'flopsDecode',
  'memory',
  'latencyPrefill',
  'latencyDecode',
  'violation',
] as const;
export type PackedMetric = (typeof PACKED_METRICS)[number];
export const METRIC_COLUMN: Record<PackedMetric, number> = Object.fromEntries(PACKED_METRICS.map((m, i) => [m, i])) as Record<
  PackedMetric,
  number
>;
const M = PACKED_METRICS.length;

export interface PackedSet {
  count: number;
  /** Evaluation order within the run (Candidate.id). */
  ids: Int32Array;
  /** count x PACKED_METRICS.length. */
  metrics: Float64Array;
  /** count x number of objectives, natural units (Candidate.objectives). */
  objectives: Float64Array;
  /** Arch i is archData[archOffsets[i] .. archOffsets[i+1]): dModel, then nHead, nKvHead, dInner per layer. */
  archOffsets: Int32Array;
  archData: Int32Array;
}

export interface PackedSnapshot {
  generation: number;
  evaluated: number;
  feasible: number;
  hypervolume: number;
  reference: number[];
  done: boolean;
  frontier: PackedSet;
  sample: PackedSet;
}

/** What every arch of a run shares (from the search space). */
export type ArchBase = Pick<Arch, 'family' | 'vocabSize' | 'contextLength' | 'tieEmbeddings'>;

export const archBase = (config: SearchConfig): ArchBase => ({
  family: config.space.family,
  vocabSize: config.space.vocabSize,
  contextLength: config.space.contextLength,
  tieEmbeddings: config.space.tieEmbeddings,
});

export function packSet(cands: readonly Candidate[], nObjectives: number): PackedSet {
  const count = cands.length;
  const ids = new Int32Array(count);
  const metrics = new Float64Array(count * M);
  const objectives = new Float64Array(count * nObjectives);
  const archOffsets = new Int32Array(count + 1);
  let size = 0;
  for (const c of cands) size += 1 + 3 * c.arch.layers.length;
  const archData = new Int32Array(size);
  let at = 0;
  cands.forEach((c, i) => {
    ids[i] = c.id;
    const row = [
      c.params.total,
      c.params.decoder,
      c.params.embedding,
      c.scores.entropy,
      c.flops.prefill,
      c.flops.decodeStep,
      c.memory.total,
      c.latency.prefillMs,
      c.latency.decodeMs,
      c.violation,
    ];
    metrics.set(row, i * M);
    for (let k = 0; k < nObjectives; k++) objectives[i * nObjectives + k] = c.objectives[k];
    archOffsets[i] = at;
    archData[at++] = c.arch.dModel;
    for (const l of c.arch.layers) {
      archData[at++] = l.nHead;
      archData[at++] = l.nKvHead ?? l.nHead;
      archData[at++] = l.dInner;
    }
  });
  archOffsets[count] = at;
  return { count, ids, metrics, objectives, archOffsets, archData };
}

export function packSnapshot(s: SearchSnapshot, nObjectives: number): PackedSnapshot {
  return {
    generation: s.generation,
    evaluated: s.evaluated,
    feasible: s.feasible,
    hypervolume: s.hypervolume,
    reference: [...s.reference],
    done: s.done,
    frontier: packSet(s.frontier, nObjectives),
    sample: packSet(s.sample, nObjectives),
  };
}

/** The buffers to hand to postMessage's transfer list (they are detached on the sending side). */
export function packedBuffers(p: PackedSnapshot): ArrayBuffer[] {
  const out: ArrayBuffer[] = [];
  for (const set of [p.frontier, p.sample]) {
    for (const a of [set.ids, set.metrics, set.objectives, set.archOffsets, set.archData]) {
      out.push(a.buffer as ArrayBuffer);
    }
  }
  return out;
}

export const packedMetric = (set: PackedSet, i: number, m: PackedMetric): number => set.metrics[i * M + METRIC_COLUMN[m]];

export const nLayers = (set: PackedSet, i: number): number => (set.archOffsets[i + 1] - set.archOffsets[i] - 1) / 3;

export function unpackArch(set: PackedSet, i: number, base: ArchBase): Arch {
  const at = set.archOffsets[i];
  const n = nLayers(set, i);
  const d = set.archData;
  const llama = base.family === 'llama';
  const layers = Array.from({ length: n }, (_, l) => {
    const o = at + 1 + 3 * l;
    return llama ? { nHead: d[o], nKvHead: d[o + 1], dInner: d[o + 2] } : { nHead: d[o], dInner: d[o + 2] };
  });
  return { ...base, dModel: d[at], layers };
}

/** Min and max of nHead and dInner over the layers of arch i, without building the arch. */
export function layerRanges(set: PackedSet, i: number): { headsMin: number; headsMax: number; innerMin: number; innerMax: number } {
  const at = set.archOffsets[i];
  const end = set.archOffsets[i + 1];
  let headsMin = Infinity;
  let headsMax = -Infinity;
  let innerMin = Infinity;
  let innerMax = -Infinity;
  for (let o = at + 1; o < end; o += 3) {
    const h = set.archData[o];
    const f = set.archData[o + 2];
    if (h < headsMin) headsMin = h;
    if (h > headsMax) headsMax = h;
    if (f < innerMin) innerMin = f;
    if (f > innerMax) innerMax = f;
  }
  return { headsMin, headsMax, innerMin, innerMax };
}

/** The exact Candidate, rebuilt from its arch with the run's config (for exports and details). */
export function rebuildCandidate(set: PackedSet, i: number, config: SearchConfig): Candidate {
  const arch = unpackArch(set, i, archBase(config));
  const e = evaluate(arch, config.eval);
  return {
    ...e,
    id: set.ids[i],
    objectives: objectiveValues(e, config.objectives, config.eval.workload),
    violation: violation(e, config.budgets, config.eval.workload),
  };
}
