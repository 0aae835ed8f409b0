// What "Measure" times and how: the form, the candidates it picks (the selection, the frontier
// thinned evenly along latency, or a measure link's), and its checks before anything runs.
import { archKey, type Arch } from '../core/arch';
import { baselineById, type BaselineId } from '../core/baselines';
import { backendLabel, RUNTIME_TITLES, runtimeBackends, type BackendName, type RuntimeName } from '../core/backendNames';
import { archBase, unpackArch, type PackedSnapshot } from '../core/packed';
import type { SearchConfig } from '../core/search';
import { capEvenly } from '../core/stats';
import { runView } from '../view/runView';
import { isPositiveInt } from './settings';

/** What Measure times: the selection, up to MAX_FRONTIER_MEASURE along the frontier, or the
 *  candidates a measure link brought (the measure page). */
export type MeasureMode = 'selected' | 'frontier' | 'link';
export const MAX_FRONTIER_MEASURE = 20;
export const MEASURE_WARMUP = 2;
export const MAX_ROUNDS = 10;

export interface MeasureForm {
  /** What times the candidates: tfjs (the builder's graph) or ONNX Runtime Web (the ONNX export). */
  runtime: RuntimeName;
  backend: BackendName;
  mode: MeasureMode;
  /** Prefill length T (and decode context). */
  tokens: number;
  runs: number;
  /** Keep timing a workload until its runs add up to this many ms (more samples for short
   *  workloads, so the median moves less with the device's noise); 0 = exactly `runs`. */
  minTimeMs: number;
  /** User memory cap for the guard, MB; null = the backend's own limit. */
  maxMemoryMB: number | null;
  /** With more than one candidate: each one's runs and time are split into this many slices,
   *  taken round-robin over the candidates, so a slowdown of the device (heat, another tab)
   *  lands on every candidate alike instead of on whichever ran then. 1 = one after the other. */
  rounds: number;
  /** Time the baselines the chart shows too, in the same round-robin as the candidates (the
   *  measured ratios then come from one run of the device). Carried by measure links. */
  withBaselines: boolean;
}

/** What the targets are picked from (the explorer store has it all). */
interface TargetSource {
  selection: { arch: Arch } | null;
  results: { config: SearchConfig; snapshot: PackedSnapshot } | null;
  measure: { linkCandidates: Arch[] };
  settings: { baselines: readonly BaselineId[] };
}

/** The archs of baselines, by id (unknown ids are skipped). */
export const baselineArchs = (ids: readonly BaselineId[]): Arch[] => ids.flatMap((id) => baselineById(id)?.arch ?? []);

/** Candidates then the baselines not among them. */
function withBaselines(archs: Arch[], ids: readonly BaselineId[]): Arch[] {
  const keys = new Set(archs.map(archKey));
  return [...archs, ...baselineArchs(ids).filter((a) => !keys.has(archKey(a)))];
}

/** The candidates "Measure" times now: the selection, or the frontier thinned evenly along latency. */
export function measureTargets(s: TargetSource, mode: MeasureMode, baselines = false): { archs: Arch[]; error?: string } {
  const picked = pickTargets(s, mode);
  return baselines && mode !== 'link' && !picked.error ? { archs: withBaselines(picked.archs, s.settings.baselines) } : picked;
}

function pickTargets(s: TargetSource, mode: MeasureMode): { archs: Arch[]; error?: string } {
  if (mode === 'link') {
    const archs = s.measure.linkCandidates;
    return archs.length ? { archs } : { archs, error: 'The measure link holds no candidate.' };
  }
  if (mode === 'selected') {
    return s.selection ? { archs: [s.selection.arch] } : { archs: [], error: 'Select a candidate in the chart or the table first.' };
  }
  if (!s.results || s.results.snapshot.frontier.count === 0) return { archs: [], error: 'No frontier yet: run a search first.' };
  const { snapshot, config } = s.results;
  const key = config.eval.workload === 'prefill' ? 'latencyPrefill' : 'latencyDecode';
  const rows = capEvenly(
    [...runView(snapshot).frontier].sort((a, b) => a[key] - b[key] || a.id - b.id),
    MAX_FRONTIER_MEASURE,
  );
  return { archs: rows.map((r) => unpackArch(snapshot.frontier, r.index, archBase(config))) };
}

export function validateMeasureForm(f: MeasureForm, archs: readonly Arch[]): string[] {
  const errors: string[] = [];
  if (!runtimeBackends(f.runtime).includes(f.backend)) {
    errors.push(
      `${RUNTIME_TITLES[f.runtime]} does not run on ${backendLabel(f.backend)}: pick ${runtimeBackends(f.runtime).join(' or ')} as the Backend`,
    );
  }
  if (!isPositiveInt(f.tokens)) errors.push('Tokens (T) must be a positive integer');
  if (!isPositiveInt(f.runs) || f.runs > 1000) errors.push('Timed runs must be an integer from 1 to 1,000');
  if (!(f.minTimeMs >= 0 && f.minTimeMs <= 600_000)) errors.push('Min time per workload must be from 0 to 600,000 ms');
  if (!isPositiveInt(f.rounds) || f.rounds > MAX_ROUNDS) errors.push(`Rounds must be an integer from 1 to ${MAX_ROUNDS}`);
  if (f.maxMemoryMB !== null && !(f.maxMemoryMB > 0 && Number.isFinite(f.maxMemoryMB))) {
    errors.push('Max model memory must be a positive number of MB (or empty for the backend limit)');
  }
  const short = archs.find((a) => isPositiveInt(f.tokens) && f.tokens + 1 > a.contextLength);
  if (short) errors.push(`Tokens (T) ${f.tokens} leaves no room for a decode step in the context of ${short.contextLength} tokens`);
  return errors;
}
