// Interleaved measurement of several archs: each arch's timed runs are split into `rounds`
// slices, and the slices of all archs are taken round-robin (round 1: A, B, C; round 2: A, B,
// C; ...), each slice a full benchArch (build, warm-up, time, dispose). An arch's figures are
// then the statistics of all its runs pooled.
//
// Why: a device's speed drifts while a batch is measured (this VM's memory system by 10-25 %
// over 5-15 s, a phone when it heats up), and measuring archs one after the other hands that
// drift to whichever arch happened to run in a slow stretch, reordering close candidates.
// Round-robin slices spread every arch over the whole batch, so a slow stretch lands on a slice
// of each rather than on all of one. This is the remedy Google Benchmark offers as random
// interleaving (--benchmark_enable_random_interleaving) and that A/B timing tools use; the cost
// is a build and warm-up per slice instead of per arch.
import type { Arch } from '../core/arch';
import { median } from '../core/stats';
import { benchArch, pairedTiming, workloadTiming, type BenchOptions, type BenchResult, type WorkloadTiming } from './timing';

export interface RoundsOptions extends Omit<BenchOptions, 'onProgress'> {
  /** Slices per arch, at least 1 (1 = one arch after the other). */
  rounds: number;
  /** Called before each slice: arch index, round index (both from 0). */
  onSlice?: (arch: number, round: number) => void;
}

/** The options of one slice: its share of the runs (rounded up) and of the time, so the pooled
 *  sample is the size a single benchArch would have taken. */
export function sliceOptions<T extends Pick<BenchOptions, 'runs' | 'minTimeMs'>>(options: T, rounds: number): T & { runs: number; minTimeMs: number } {
  return { ...options, runs: Math.max(1, Math.ceil((options.runs ?? 10) / rounds)), minTimeMs: (options.minTimeMs ?? 0) / rounds };
}

/** One result per arch, in the order of `archs`; the whole call fails if a slice does. */
export async function benchRounds(archs: readonly Arch[], options: RoundsOptions): Promise<BenchResult[]> {
  const { rounds, onSlice, ...bench } = options;
  if (!Number.isInteger(rounds) || rounds < 1) throw new RangeError(`rounds must be an integer >= 1, got ${rounds}`);
  const slice = sliceOptions(bench, rounds);
  const slices: BenchResult[][] = archs.map(() => []);
  for (let r = 0; r < rounds; r++) {
    for (const [i, arch] of archs.entries()) {
      onSlice?.(i, r);
      slices[i].push(await benchArch(arch, slice));
    }
  }
  return slices.map(mergeSlices);
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
