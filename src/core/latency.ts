// Analytic latency: a roofline per kernel, our own model (not from a paper).
// Each kernel takes max(FLOPs / peak FLOP/s, bytes moved / bandwidth) plus a fixed launch
// overhead; a forward is the sum over its kernels. Weights and activations are fp32 (what the
// tfjs builder runs). The device profile comes from micro-benchmarks on the device (src/measure)
// or from a stated default; results are labelled 'analytic' wherever they are shown.
import { kvDim, kvHeads, type Arch, type LayerSpec } from './arch';
import { BACKENDS, isBackendName, type BackendName } from './backendNames';
import { tokenEmbedDim } from './params';

export interface DeviceProfile {
  /** Sustained matmul throughput, GFLOP/s. */
  gflops: number;
  /** Sustained memory bandwidth, GB/s (1e9 bytes/s). */
  gbps: number;
  /** Fixed cost per kernel launch / op dispatch, ms. */
  overheadMsPerKernel: number;
  /** Where the numbers come from, shown with every analytic latency. */
  label: string;
  /** The backend a calibration measured on, which says which kernels the builder runs there
   *  (kernelSetOf). Absent in the default profile: counted as wasm's. */
  backend?: BackendName;
}

/** Stated default until the device is calibrated: roughly tfjs-wasm with threads on a laptop core pair. */
export const DEFAULT_PROFILE: DeviceProfile = {
  gflops: 30,
  gbps: 10,
  overheadMsPerKernel: 0.01,
  label: 'default profile (uncalibrated: 30 GFLOP/s, 10 GB/s, 10 µs/kernel)',
};

/**
 * Bounds a device profile must keep to be used (a stored one on load, a measured one on
 * Calibrate). They are wide on purpose: they reject nonsense (a hand-edited or corrupted value, a
 * timer that returned 0), never a real device. Outside them the analytic latency is dominated by
 * one absurd term and the search degenerates (5e-324 GFLOP/s: every candidate infinitely slow, a
 * frontier of one).
 */
/** Matmul GFLOP/s: an old phone's single wasm thread does ~0.1 and the cpu backend's plain JS
 *  loops can dip towards 0.05; 0.01 leaves headroom below. The largest data-centre GPUs peak
 *  around 1e5 dense; a browser gets far less. */
export const PROFILE_GFLOPS_BOUNDS = { min: 0.01, max: 100_000 } as const;
/** Memory bandwidth, GB/s: a slow phone's JS typed-array copy is ~0.5; 0.01 leaves headroom. HBM3
 *  parts reach a few TB/s; 10,000 is above any device today. */
export const PROFILE_GBPS_BOUNDS = { min: 0.01, max: 10_000 } as const;
/** Per-kernel overhead, µs (the profile keeps ms): a native dispatch is ~1 µs, tfjs's a few µs,
 *  a WebGL/WebGPU submit tens to hundreds; above 100,000 µs (100 ms) per op a single token would
 *  take minutes. The floor is 0, not 0.01 µs: Calibrate measures it as the difference of two
 *  chains and clamps at 0 (src/measure/profile.ts), which a coarse timer can yield on a real
 *  device, and a zero overhead only leaves the roofline terms. */
export const PROFILE_OVERHEAD_US_BOUNDS = { min: 0, max: 100_000 } as const;

const inBounds = (field: string, unit: string, v: unknown, { min, max }: { min: number; max: number }): string[] => {
  if (typeof v !== 'number')
    return [`${field} is ${v === null ? 'null' : typeof v === 'undefined' ? 'missing' : `a ${typeof v}`}, not a number`];
  if (!Number.isFinite(v)) return [`${field} is ${v}, not a finite number`];
  if (v < min) return [`${field} is ${v} ${unit}, below the least this app accepts (${min} ${unit})`];
  if (v > max) return [`${field} is ${v} ${unit}, above the most this app accepts (${max} ${unit})`];
  return [];
};

/** What is wrong with a device profile, one sentence per field ([] when it can be used). */
export function validateProfile(profile: DeviceProfile): string[] {
  const p = profile as unknown as Partial<Record<keyof DeviceProfile, unknown>> | null;
  if (!p || typeof p !== 'object') return ['the profile is not an object'];
  const us = typeof p.overheadMsPerKernel === 'number' ? p.overheadMsPerKernel * 1000 : p.overheadMsPerKernel;
  return [
    ...inBounds('matmul throughput (gflops)', 'GFLOP/s', p.gflops, PROFILE_GFLOPS_BOUNDS),
    ...inBounds('memory bandwidth (gbps)', 'GB/s', p.gbps, PROFILE_GBPS_BOUNDS),
    ...inBounds('per-kernel overhead (overheadMsPerKernel)', 'µs', us, PROFILE_OVERHEAD_US_BOUNDS),
    ...(typeof p.label === 'string' ? [] : ['label is not a string']),
    ...(p.backend === undefined || (typeof p.backend === 'string' && isBackendName(p.backend))
      ? []
      : [`backend ${String(p.backend)} is not one of ${BACKENDS.join(', ')}`]),
  ];
}

export type Workload = 'prefill' | 'decode';
export const WORKLOADS: readonly Workload[] = ['prefill', 'decode'];

const BYTES = 4;

/**
 * Which kernels the builder runs on a backend. 'fused' on wasm and cpu: each norm and each
 * rotary embedding is one kernel of ours (src/measure/fusedKernels.ts); 'ops' on webgl and
 * webgpu, where both run as chains of tfjs ops.
 */
export type KernelSet = 'fused' | 'ops';
export const kernelSetOf = (backend: BackendName | undefined): KernelSet => (backend === 'webgl' || backend === 'webgpu' ? 'ops' : 'fused');

/** How Calibrate's label begins ("measured on webgl (ANGLE ...): 1.2 GFLOP/s ...";
 *  src/measure/profile.ts writes it). */
export const MEASURED_LABEL_PREFIX = 'measured on ';

/** The backend a profile was measured on: its own field, or, for one saved or shared before
 *  profiles named it, the backend its Calibrate label names. */
export function profileBackend(profile: DeviceProfile): BackendName | undefined {
  if (profile.backend) return profile.backend;
  if (!profile.label.startsWith(MEASURED_LABEL_PREFIX)) return undefined;
  const name = /^\w+/.exec(profile.label.slice(MEASURED_LABEL_PREFIX.length))?.[0];
  return name !== undefined && isBackendName(name) ? name : undefined;
}

/** Kernels of one row's norm as tfjs ops (moments, casts, reshapes and a batchNorm); 1 fused. */
const normOps = (arch: Arch): number => (arch.family === 'llama' ? 7 : 11);
/** Kernels of rotary on one tensor as tfjs ops (slices, neg, concat, muls, add; GPT-NeoX's
 *  partial rotary slices once more); 1 fused. Applied to q and k. */
const rotaryOps = (arch: Arch): number => (arch.family === 'neox' ? 8 : arch.family === 'llama' ? 7 : 0);

/**
 * Kernels (tfjs ops, reshapes included: each one is a dispatch) per block of a decode step in
 * our builder (src/measure), counted with tf.profile; tests/unit/measure/kernelCount.test.ts keeps
 * these equal to the builder's, for both kernel sets. A decode step is where the per-kernel
 * overhead matters; prefill runs a few more per block, which its compute hides. Biases ride in
 * the fused matmuls (Qwen2's q/k/v biases add none).
 */
export function kernelsPerLayer(arch: Arch, layer: LayerSpec = arch.layers[0], set: KernelSet = 'fused'): number {
  let ops: number;
  if (arch.family === 'llama')
    ops = kvHeads(layer) < layer.nHead ? 78 : 75; // GQA folds heads: 3 reshapes
  // neox: gpt2's block with rotary on q and k (8 kernels each) and erf GELU (5, not 6).
  else if (arch.family === 'neox') ops = 83;
  else ops = arch.family === 'opt' ? 62 : 68;
  return set === 'ops' ? ops : ops - 2 * (normOps(arch) - 1) - 2 * Math.max(rotaryOps(arch) - 1, 0);
}

/** Kernels of a decode step outside the blocks: token and position inputs, embedding lookup,
 *  final norm, head (counted as kernelsPerLayer). */
export function kernelsOutsideLayers(arch: Arch, set: KernelSet = 'fused'): number {
  const projections = tokenEmbedDim(arch) !== arch.dModel ? 2 : 0; // OPT project_in / project_out
  const finalNorm = set === 'ops' ? normOps(arch) : 1;
  if (arch.family === 'llama' || arch.family === 'neox') {
    // Rotary rows are gathered (cos and sin) once per distinct head dimension; neox's final
    // LayerNorm is gpt2's, and it has no position table to gather from and add.
    const headDims = new Set(arch.layers.map((l) => arch.dModel / l.nHead)).size;
    return 4 + finalNorm + 2 * headDims;
  }
  if (arch.family === 'opt' && arch.normPosition === 'post') return 6 + projections; // no final LN
  return 6 + finalNorm + projections;
}

/**
 * The kernels of running `tokens` new tokens with `cached` tokens in the KV cache, as the
 * roofline sees them: `visit(flops, values moved, times)` per kernel (values are fp32: 4 bytes),
 * in a fixed order. Returns the number of kernels the builder dispatches (overhead count).
 */
export function visitKernels(
  arch: Arch,
  tokens: number,
  cached: number,
  visit: (flops: number, values: number, times: number) => void,
  set: KernelSet = 'fused',
): number {
  const d = arch.dModel;
  const T = tokens;
  const keys = cached + tokens;
  const pairs = T * cached + (T * (T + 1)) / 2;
  const glu = arch.family === 'llama' ? 2 : 1;
  for (const layer of arch.layers) {
    const kv = kvDim(arch, layer);
    const f = layer.dInner;
    const h = layer.nHead;
    visit(0, 2 * T * d, 1); // norm 1
    visit(2 * T * d * (d + 2 * kv), d * (d + 2 * kv) + T * d + T * (d + 2 * kv), 1); // q, k, v
    visit(2 * pairs * d, T * d + keys * kv + h * T * keys, 1); // scores
    visit(0, 2 * h * T * keys, 1); // softmax
    visit(2 * pairs * d, h * T * keys + keys * kv + T * d, 1); // probs x V
    visit(2 * T * d * d, d * d + 2 * T * d, 1); // output projection
    visit(0, 3 * T * d, 2); // two residual adds
    visit(0, 2 * T * d, 1); // norm 2
    visit(2 * T * d * f * glu, glu * d * f + T * d + glu * T * f, 1); // up (and gate)
    visit(0, (1 + glu) * T * f, 1); // activation (and product)
    visit(2 * T * f * d, f * d + T * f + T * d, 1); // down
  }
  const e = tokenEmbedDim(arch);
  visit(0, 2 * T * d, 1); // embedding gather + position add
  visit(0, 2 * d, 1); // final norm (last position)
  if (e !== d) {
    visit(2 * T * e * d, e * d + T * (e + d), 1); // OPT project_in, every token
    visit(2 * d * e, d * e + d + e, 1); // OPT project_out, last position
  }
  visit(2 * arch.vocabSize * e, arch.vocabSize * e + e + arch.vocabSize, 1); // logits
  return arch.layers.reduce((n, layer) => n + kernelsPerLayer(arch, layer, set), kernelsOutsideLayers(arch, set));
}

/**
 * Analytic latency in ms of running `tokens` new tokens with `cached` tokens in the KV cache
 * (prefill of T: tokens=T, cached=0; decode at t: tokens=1, cached=t).
 */
export function analyticLatencyMs(arch: Arch, profile: DeviceProfile, tokens: number, cached: number): number {
  const flopRate = profile.gflops * 1e9;
  const byteRate = profile.gbps * 1e9;
  let seconds = 0;
  const kernels = visitKernels(
    arch,
    tokens,
    cached,
    (flops, values, times) => {
      seconds += Math.max(flops / flopRate, (values * BYTES) / byteRate) * times;
    },
    kernelSetOf(profileBackend(profile)),
  );
  return seconds * 1000 + kernels * profile.overheadMsPerKernel;
}

export interface LatencyEstimate {
  prefillMs: number;
  decodeMs: number;
}

/** Both workloads: prefill of `tokens` tokens and one decode step with `tokens` tokens cached. */
export function analyticLatency(arch: Arch, profile: DeviceProfile, tokens: number): LatencyEstimate {
  return {
    prefillMs: analyticLatencyMs(arch, profile, tokens, 0),
    decodeMs: analyticLatencyMs(arch, profile, 1, tokens),
  };
}
