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
import { mergeSlices, sliceOptions } from './slices';
import { benchArch, type BenchOptions, type BenchResult } from './timing';

export { mergeSlices, mergeTimings, sliceOptions } from './slices';

export interface RoundsOptions extends Omit<BenchOptions, 'onProgress'> {
  /** Slices per arch, at least 1 (1 = one arch after the other). */
  rounds: number;
  /** Called before each slice: arch index, round index (both from 0). */
  onSlice?: (arch: number, round: number) => void;
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
