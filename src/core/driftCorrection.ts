// Drift correction for paired timings (our own reconstruction, not from a paper). A decode step
// streams the model's weights once; the GEMV reference timed right after it streams a fixed
// amount, so when the memory system slows by some Δ ms per reference call, the step slows by
// about (weight bytes / reference bytes) x Δ. That models a decode as t = O + k g, with O its
// compute and dispatch time, assumed not to drift with memory, g the reference time and
// k = weight bytes / reference bytes. Each run is then moved to a common reference time g*:
// t + k (g* - g).
// A prefill would take k = FLOPs / reference FLOPs against the matmul reference, but a prefill
// is not all matmul and does not feel a slow phase as a small matmul does: in one latency run a
// slow repeat of GPT-2 small's prefill (857 ms against about 710) was moved to 534 ms. A
// compute-bound workload is instead scaled with its reference, t g* / g.
// Measured here (npm run bench -- drift, each model built once, 90 s): for GPT-2 8 x 512 the byte
// count's k = 3.07 matched a least-squares fit of decode on the reference (3.09), and the 2-s
// window medians' CV went from 5.5 % to 3.0 %. For 4 x 256, whose decode is mostly kernel
// dispatch, the fit gave 2.37 against 0.97 from its bytes: there O drifts with memory too, and
// this correction under-corrects it (the ratio workload / reference did better there).
import { median } from './stats';

export interface PairedRuns {
  timesMs: readonly number[];
  referenceTimesMs: readonly number[];
}

/** Each run moved to reference time `atReferenceMs`, with `share` = workload bytes (or FLOPs) /
 *  reference bytes (or FLOPs). */
export function driftCorrectedTimes({ timesMs, referenceTimesMs }: PairedRuns, share: number, atReferenceMs: number): number[] {
  if (timesMs.length !== referenceTimesMs.length) throw new RangeError('paired runs need one reference time per run');
  if (!(share >= 0 && Number.isFinite(share))) throw new RangeError(`share must be a finite number >= 0, got ${share}`);
  return timesMs.map((t, i) => t + share * (atReferenceMs - referenceTimesMs[i]));
}

export const driftCorrectedMedian = (runs: PairedRuns, share: number, atReferenceMs: number): number =>
  median(driftCorrectedTimes(runs, share, atReferenceMs));

/** Each run scaled to reference time `atReferenceMs`: t g* / g (for compute-bound workloads). */
export function driftScaledTimes({ timesMs, referenceTimesMs }: PairedRuns, atReferenceMs: number): number[] {
  if (timesMs.length !== referenceTimesMs.length) throw new RangeError('paired runs need one reference time per run');
  return timesMs.map((t, i) => (t * atReferenceMs) / referenceTimesMs[i]);
}

export const driftScaledMedian = (runs: PairedRuns, atReferenceMs: number): number => median(driftScaledTimes(runs, atReferenceMs));
