// Interleaved measurement of several archs: each arch's timed runs are split into `rounds`
// slices, and the slices of all archs are taken round-robin (round 1: A, B, C; round 2: A, B,
// C; ...), each slice a full measureArch (build, warm-up, time, dispose). An arch's figures are
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
import { measureInRounds, type InRoundsOptions } from '../core/slices';
import { measureArch, type MeasureOptions } from './timing';
import type { MeasureResult } from '../core/timingStats';

export interface RoundsOptions extends Omit<MeasureOptions, 'onProgress'>, InRoundsOptions {}

/** One result per arch, in the order of `archs`; the whole call fails if a slice does. */
export const measureRounds = (archs: readonly Arch[], options: RoundsOptions): Promise<MeasureResult[]> =>
  measureInRounds(archs, options, measureArch);
