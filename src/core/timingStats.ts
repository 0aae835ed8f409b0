// A measurement's result and the statistics of timed runs, apart from the protocol that times
// them (src/measure/timing.ts): no tfjs here, so the main thread (the store merging round-robin
// slices) can use them without loading it.
import type { RuntimeName } from './backendNames';
import type { ReferenceInfo, ReferenceKind } from './referenceShapes';
import { summarize } from './stats';

export interface WorkloadTiming {
  medianMs: number;
  p10Ms: number;
  p90Ms: number;
  /** Coefficient of variation (std / mean) of the timed runs. */
  cv: number;
  /** The first run, which compiles shaders / warms caches; not part of the statistics. */
  firstRunMs: number;
  /** Number of timed runs. */
  runs: number;
  timesMs: number[];
  /** With paired timing (MeasureOptions.paired): the reference kernel timed after each run. */
  paired?: PairedTiming;
}

/** A workload timed run by run against a reference kernel (src/measure/referenceKernels.ts),
 *  each reference call straight after the run it pairs with. */
export interface PairedTiming {
  reference: ReferenceKind;
  /** The reference kernel, in words. */
  description: string;
  /** Bytes of weights one reference call streams, and its FLOPs. */
  referenceBytes: number;
  referenceFlops: number;
  /** Median, p10, p90 and CV over runs of workload ms / reference ms. */
  ratioMedian: number;
  ratioP10: number;
  ratioP90: number;
  ratioCv: number;
  /** Median of the reference's own times. */
  referenceMedianMs: number;
  referenceTimesMs: number[];
}

export interface MeasureResult {
  /** What timed it: tfjs (src/measure) or ONNX Runtime Web (src/ort); absent in results made
   *  before ORT existed, which are tfjs's. */
  runtime?: RuntimeName;
  backend: string;
  arch: string;
  params: number;
  tokens: number;
  buildMs: number;
  prefill: WorkloadTiming;
  decode: WorkloadTiming;
  /** Peak bytes of live tensors during a prefill + decode (tf.profile), weights included; null
   *  where the runtime reports no such figure (ONNX Runtime Web: `memoryNote` says so). */
  peakBytes: number | null;
  /** Why `peakBytes` is null. */
  memoryNote?: string;
  /** The guard's estimate (core/memory, plus wasm's packed weight copy) to compare with. */
  estimatedBytes: number;
  /** wasm only: the WebAssembly heap after the runs (tensors + XNNPACK's packed weights). */
  wasmHeapBytes?: number;
  /** Tensors alive after dispose minus before the build: 0 unless something leaks (ONNX Runtime:
   *  output tensors left on the device, src/ort/timing.ts). */
  leakedTensors: number;
  /** Set when the runs were gathered in several interleaved slices (core/slices.ts). */
  slices?: number;
}

/** The statistics of timed runs (without pairing). */
export function workloadTiming(timesMs: number[], firstRunMs: number): WorkloadTiming {
  const s = summarize(timesMs);
  return { medianMs: s.median, p10Ms: s.p10, p90Ms: s.p90, cv: s.cv, firstRunMs, runs: timesMs.length, timesMs };
}

/** The paired figures of `timesMs` against the reference times taken right after each run. */
export function pairedTiming(reference: ReferenceInfo, timesMs: number[], referenceTimesMs: number[]): PairedTiming {
  if (timesMs.length !== referenceTimesMs.length) throw new RangeError('paired timing needs one reference time per run');
  const r = summarize(timesMs.map((t, i) => t / referenceTimesMs[i]));
  return {
    reference: reference.kind,
    description: reference.description,
    referenceBytes: reference.bytes,
    referenceFlops: reference.flops,
    ratioMedian: r.median,
    ratioP10: r.p10,
    ratioP90: r.p90,
    ratioCv: r.cv,
    referenceMedianMs: summarize(referenceTimesMs).median,
    referenceTimesMs,
  };
}
