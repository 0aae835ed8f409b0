// Round-robin slices (src/measure/rounds.ts says why): the order they are taken in, each slice's
// share of the runs and time, and one arch's slices pooled into one result. No tfjs here: the
// app's store schedules and merges the slices its worker times, on the main thread.
import { median } from './stats';
import { pairedTiming, workloadTiming, type MeasureResult, type WorkloadTiming } from './timingStats';

/** The options of one slice: its share of the runs (rounded up) and of the time, so the pooled
 *  sample is the size a single measureArch would have taken. */
export function sliceOptions<T extends { runs?: number; minTimeMs?: number }>(
  options: T,
  rounds: number,
): T & { runs: number; minTimeMs: number } {
  return { ...options, runs: Math.max(1, Math.ceil((options.runs ?? 10) / rounds)), minTimeMs: (options.minTimeMs ?? 0) / rounds };
}

/** One arch's slices as one result: runs pooled, the first slice's first run, the worst peak. */
export function mergeSlices(slices: readonly MeasureResult[]): MeasureResult {
  if (slices.length === 0) throw new RangeError('no slices to merge');
  const [first] = slices;
  return {
    ...first,
    buildMs: median(slices.map((s) => s.buildMs)),
    prefill: mergeTimings(slices.map((s) => s.prefill)),
    decode: mergeTimings(slices.map((s) => s.decode)),
    peakBytes: slices.some((s) => s.peakBytes === null) ? null : Math.max(...slices.map((s) => s.peakBytes ?? 0)),
    ...(first.wasmHeapBytes === undefined ? {} : { wasmHeapBytes: Math.max(...slices.map((s) => s.wasmHeapBytes ?? 0)) }),
    leakedTensors: slices.reduce((sum, s) => sum + s.leakedTensors, 0),
    slices: slices.length,
  };
}

/** Statistics over the timed runs of every slice, in slice order. */
export function mergeTimings(timings: readonly WorkloadTiming[]): WorkloadTiming {
  const timesMs = timings.flatMap((t) => t.timesMs);
  const merged = workloadTiming(timesMs, timings[0].firstRunMs);
  const paired = timings.map((t) => t.paired);
  if (paired.every((p) => p !== undefined)) {
    const { reference: kind, description, referenceBytes: bytes, referenceFlops: flops } = paired[0];
    merged.paired = pairedTiming(
      { kind, description, bytes, flops },
      timesMs,
      paired.flatMap((p) => p.referenceTimesMs),
    );
  }
  return merged;
}

/** A slice's result, or why its candidate is dropped from the later rounds. */
export type SliceOutcome = MeasureResult | { error: string };

export interface RoundRobinHooks {
  /** After each timed slice: the candidate's slices so far, this one last. */
  onSlice?: (index: number, round: number, done: readonly MeasureResult[]) => void;
  /** When a slice comes back with an error: the candidate's earlier slices are dropped too. */
  onFailure?: (index: number, error: string) => void;
  /** Filled as slices come in, so a caller that stops early keeps what was timed. */
  into?: MeasureResult[][];
}

/**
 * The round-robin order the app, the CLI and the benchmarks share: round 1 times candidate 0, 1,
 * ..., count - 1 once each, then round 2, and so on (src/measure/rounds.ts says why). A candidate
 * whose slice fails is skipped in the later rounds and keeps no slices: a candidate that failed
 * once is not recorded from its other slices. A rejection of `timeSlice` (abort) ends the loop.
 * Returns each candidate's slices, in order (empty for a failed one).
 */
export async function roundRobin(
  count: number,
  rounds: number,
  timeSlice: (index: number, round: number) => Promise<SliceOutcome>,
  hooks: RoundRobinHooks = {},
): Promise<MeasureResult[][]> {
  if (!Number.isInteger(rounds) || rounds < 1) throw new RangeError(`rounds must be an integer >= 1, got ${rounds}`);
  const slices = hooks.into ?? [];
  for (let i = 0; i < count; i++) slices[i] ??= [];
  const failed = new Set<number>();
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < count; i++) {
      if (failed.has(i)) continue;
      const outcome = await timeSlice(i, r);
      if ('error' in outcome) {
        failed.add(i);
        slices[i].length = 0;
        hooks.onFailure?.(i, outcome.error);
      } else {
        slices[i].push(outcome);
        hooks.onSlice?.(i, r, slices[i]);
      }
    }
  }
  return slices;
}

/** What an in-process round-robin takes beyond one measurement's options. */
export interface InRoundsOptions {
  /** Slices per arch, at least 1 (1 = one arch after the other). */
  rounds: number;
  /** Called before each slice: arch index, round index (both from 0). */
  onSlice?: (arch: number, round: number) => void;
}

/**
 * Round-robin in one process (the CLI, the benchmarks): each arch measured in `rounds` slices by
 * `measureOne` (a runtime's measureArch: src/measure/rounds.ts, src/ort/timing.ts), its slices
 * pooled. One result per arch, in order; the whole call fails if a slice does.
 */
export async function measureInRounds<A, O extends { runs?: number; minTimeMs?: number }>(
  archs: readonly A[],
  options: O & InRoundsOptions,
  measureOne: (arch: A, options: O & { runs: number; minTimeMs: number }) => Promise<MeasureResult>,
): Promise<MeasureResult[]> {
  const { rounds, onSlice, ...measure } = options;
  const slice = sliceOptions(measure as unknown as O, rounds);
  const slices = await roundRobin(archs.length, rounds, (i, r) => {
    onSlice?.(i, r);
    return measureOne(archs[i], slice);
  });
  return slices.map(mergeSlices);
}
