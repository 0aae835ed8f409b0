// Round-robin slices (rounds.ts) split and merged: each slice's share of the runs and time, and
// one arch's slices pooled into one result. No tfjs here: the app's store merges the slices its
// worker timed on the main thread, which must not load tfjs for that.
import { median } from '../core/stats';
import type { BenchOptions, BenchResult } from './timing';
import { pairedTiming, workloadTiming, type WorkloadTiming } from './timingStats';

/** The options of one slice: its share of the runs (rounded up) and of the time, so the pooled
 *  sample is the size a single benchArch would have taken. */
export function sliceOptions<T extends Pick<BenchOptions, 'runs' | 'minTimeMs'>>(options: T, rounds: number): T & { runs: number; minTimeMs: number } {
  return { ...options, runs: Math.max(1, Math.ceil((options.runs ?? 10) / rounds)), minTimeMs: (options.minTimeMs ?? 0) / rounds };
}

/** One arch's slices as one result: runs pooled, the first slice's first run, the worst peak. */
export function mergeSlices(slices: readonly BenchResult[]): BenchResult {
  if (slices.length === 0) throw new RangeError('no slices to merge');
  const [first] = slices;
  return {
    ...first,
    buildMs: median(slices.map((s) => s.buildMs)),
    prefill: mergeTimings(slices.map((s) => s.prefill)),
    decode: mergeTimings(slices.map((s) => s.decode)),
    peakBytes: Math.max(...slices.map((s) => s.peakBytes)),
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
    merged.paired = pairedTiming({ kind, description, bytes, flops }, timesMs, paired.flatMap((p) => p.referenceTimesMs));
  }
  return merged;
}
