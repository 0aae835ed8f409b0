// The timing protocol (docs/architecture.md, Measuring). For one arch on the backend already selected:
//   1. memory guard, then build the model (KV cache capacity T + 1: exactly what the decode
//      step needs, so attention covers the same keys as core's FLOP count);
//   2. per workload: a first run (shader compile / wasm warm-up) timed on its own, further
//      untimed warm-up runs, then N timed runs, each ending in `await out.data()` because on
//      GPU backends a call returns once work is queued, not done (tfjs's benchmark_util does
//      the same);
//   3. one extra untimed pass under tf.profile for the peak of live tensor bytes;
//   4. dispose, then count tensors left over against the count before the build (must be 0).
// Workloads, batch 1: prefill of T tokens (default 128) and one decode step with T tokens cached.
import * as tf from '@tensorflow/tfjs';
import { archKey, type Arch } from '../core/arch';
import { wasmHeapBytes } from './device';
import { assertDeviceAlive, renewIfLost, unlessDeviceLost } from './backends';
import { assertFits } from '../core/memoryGuard';
import { buildDecoder, type DecoderModel } from './model';
import { createReference, type ReferenceKernel } from './referenceKernels';
import type { MeasureResult, WorkloadTiming } from '../core/timingStats';
import { protocolOptions, sampleTokens, timeRuns, type MeasurePhase, type TimingLoopOptions } from '../core/timingLoop';
import { isBackendName } from '../core/backendNames';
import { pairedReferenceBytes, referenceShape, type ReferenceKind } from '../core/referenceShapes';

export { sampleTokens }; // in core now (both runtimes feed the same tokens); importers keep this path

export type { MeasurePhase } from '../core/timingLoop';

/** Least time between two "building weights i of n" reports (the last weight always reports). */
const BUILD_REPORT_MS = 100;

export interface MeasureOptions {
  /** Prefill length and decode context, T. Default 128. */
  tokens?: number;
  /** Timed runs per workload, at least. Default 10. */
  runs?: number;
  /** Keep timing a workload until its timed runs add up to this many ms (and `runs` are done),
   *  up to `maxRuns`: short workloads (a 5 ms decode) get more samples, so their median moves
   *  less with the machine's noise. Default 0 (exactly `runs`). */
  minTimeMs?: number;
  /** Cap on timed runs per workload when `minTimeMs` asks for more. Default 1000. */
  maxRuns?: number;
  /** Warm-up runs per workload including the first (compile) run; at least 1. Default 2. */
  warmup?: number;
  /** Time a reference kernel after every timed run (a prefill-shaped matmul after a prefill, a
   *  GEMV after a decode step) and report workload / reference per run: a figure this
   *  machine's drifting memory speed cancels out of. Default false. */
  paired?: boolean;
  /** Seed of the weights and of the token ids. Default 1. */
  seed?: number;
  /** User memory cap in bytes for the guard. */
  maxBytes?: number;
  /** navigator.deviceMemory in GB, tightening the guard's limit when known. */
  deviceMemoryGB?: number;
  /** Per phase: 'build' weights made of n; 'prefill' / 'decode' timed runs done of the expected
   *  count (0 while the first run and warm-ups go); 'peak' profiled workloads done of 2. */
  onProgress?: (phase: MeasurePhase, run: number, of: number) => void;
  /** Checked between runs: abort stops the measurement (the model is still disposed). */
  signal?: AbortSignal;
}

/** Times `run` by the protocol above (core/timingLoop.ts runs the loop both runtimes share). Each
 *  call of `run` returns a tensor this function disposes. */
export async function timeWorkload(
  run: () => tf.Tensor,
  opts: Omit<TimingLoopOptions, 'reference'> & {
    /** Timed after each run (warm-ups included, so its weights are packed before timing). */
    reference?: ReferenceKernel;
    /** Throws when the device can no longer be trusted (a lost GPU context), before and after each run. */
    check?: () => void;
    /** Wraps each run's read-back: rejects it when the device is lost mid-run (it may never resolve). */
    guard?: <T>(work: Promise<T>) => Promise<T>;
  },
): Promise<WorkloadTiming> {
  const once = async (): Promise<number> => {
    opts.check?.();
    const start = performance.now();
    const out = run();
    try {
      await (opts.guard ? opts.guard(out.data()) : out.data());
    } finally {
      out.dispose();
    }
    const ms = performance.now() - start;
    opts.check?.(); // a run on a lost context returns (zeros) quickly: not a timing
    return ms;
  };
  return timeRuns(once, opts);
}

/** Peak live tensor bytes while `work` runs; falls back to sampling tf.memory() when profiling
 *  is unavailable (tf.profile reads kernel timers some GPU contexts lack). */
export async function peakBytesDuring(work: () => Promise<void>): Promise<number> {
  try {
    const info = await tf.profile(work);
    if (Number.isFinite(info.peakBytes)) return info.peakBytes;
  } catch {
    // fall through to the coarse measurement
  }
  const before = tf.memory().numBytes;
  await work();
  return Math.max(before, tf.memory().numBytes);
}

/** Builds `arch` on the current backend, times prefill and decode, disposes everything. */
export async function measureArch(arch: Arch, options: MeasureOptions = {}): Promise<MeasureResult> {
  const { tokens, runs, warmup, seed, minTimeMs } = protocolOptions(arch, options);
  await renewIfLost(); // a GPU context lost during the previous candidate is replaced first
  await tf.ready(); // initialises tfjs's default backend if none was selected, so the name is real
  const backend = tf.getBackend();
  const capacity = tokens + 1;
  const paired = options.paired ?? false;
  const check = assertFits(arch, {
    backend: isBackendName(backend) ? backend : 'cpu',
    extraWeightBytes: paired ? pairedReferenceBytes(backend) : 0,
    tokens,
    capacity,
    maxBytes: options.maxBytes,
    deviceMemoryGB: options.deviceMemoryGB,
  });

  const baseline = tf.memory().numTensors;
  const progress = options.onProgress;
  progress?.('build', 0, 1);
  const buildStart = performance.now();
  let model: DecoderModel | undefined;
  const references: ReferenceKernel[] = [];
  // "Building weights i of n" at most every BUILD_REPORT_MS: a report crosses to the page as one
  // message, so the build timed here stays the build (GPT-2 small has 196 weight tensors).
  let reportedAt = buildStart;
  const onWeight = (built: number, of: number) => {
    const t = performance.now();
    if (built < of && t - reportedAt < BUILD_REPORT_MS) return;
    reportedAt = t;
    progress?.('build', built, of);
  };
  try {
    model = buildDecoder(arch, { capacity, seed, onWeight });
    const m = model;
    const buildMs = performance.now() - buildStart;
    const ids = sampleTokens(tokens, arch.vocabSize, seed + 1);
    const next = ids[0];
    const common = {
      runs,
      warmup,
      minTimeMs,
      maxRuns: options.maxRuns,
      signal: options.signal,
      check: assertDeviceAlive,
      guard: unlessDeviceLost,
    };
    const reference = (kind: ReferenceKind): ReferenceKernel | undefined => {
      if (!paired) return undefined;
      const r = createReference(kind, referenceShape(kind, backend));
      references.push(r);
      return r;
    };
    const matmul = reference('matmul');
    // The phase starts with its first (compile) run and warm-ups, which on a GPU backend can take
    // longer than the timed runs: say so before them, not after the first timed run.
    progress?.('prefill', 0, runs);
    const prefill = await timeWorkload(() => m.prefill(ids), {
      ...common,
      reference: matmul,
      onRun: (r, n) => progress?.('prefill', r, n),
    });
    matmul?.dispose(); // not alive while decode streams memory
    // The cache now holds the T prefilled tokens; each decode rewrites slot T with the same shapes.
    progress?.('decode', 0, runs);
    const decode = await timeWorkload(() => m.decode(next, tokens), {
      ...common,
      reference: reference('gemv'),
      onRun: (r, n) => progress?.('decode', r, n),
    });
    // Before the peak: the references' weights are not the model's.
    for (const r of references) r.dispose();
    // One profile per workload (the peak is the larger), each reported: under tf.profile a GPU
    // backend without a kernel timer reads every kernel's output back synchronously (tfjs's
    // Profiler.profileKernel), so this pass can take much longer than a timed run.
    const passes = [() => m.prefill(ids), () => m.decode(next, tokens)];
    let peakBytes = 0;
    for (const [i, run] of passes.entries()) {
      progress?.('peak', i, passes.length);
      const bytes = await peakBytesDuring(async () => {
        const out = run();
        await out.data();
        out.dispose();
      });
      peakBytes = Math.max(peakBytes, bytes);
    }
    progress?.('peak', passes.length, passes.length);
    const heap = wasmHeapBytes();
    const params = m.paramCount();
    m.dispose();
    return {
      runtime: 'tfjs',
      backend,
      arch: archKey(arch),
      params,
      tokens,
      buildMs,
      prefill,
      decode,
      peakBytes,
      estimatedBytes: check.neededBytes,
      ...(heap === undefined ? {} : { wasmHeapBytes: heap }),
      leakedTensors: tf.memory().numTensors - baseline,
    };
  } finally {
    // Idempotent; frees the model and references when a run threw or was aborted.
    for (const r of references) r.dispose();
    model?.dispose();
  }
}
