// Memory guard: refuse to build a model that would not fit, before allocating anything, with a
// message a person can act on ("needs 1.2 GB, limit 512 MB on wasm"). A tab that runs out of
// memory on a phone is killed without an error, so guessing is better than trying.
import { archSummary, type Arch } from './arch';
import { memory } from './memory';
import type { BackendName } from './backendNames';

/**
 * Default ceilings per backend, our own judgement (not measured limits):
 *   wasm   the wasm32 heap stops at 4.29 GB and never shrinks; keep room for growth overshoot.
 *   webgl  textures share GPU memory with the page and the compositor; phones kill tabs early.
 *   webgpu a single GPUBuffer is often capped at 256 MB-2 GB; the total is device-dependent.
 *   cpu    plain JS typed arrays; bounded by the tab's heap.
 */
export const BACKEND_MEMORY_LIMITS: Readonly<Record<BackendName, number>> = {
  wasm: 3.5e9,
  webgl: 1e9,
  webgpu: 2e9,
  cpu: 2e9,
};

/**
 * Copies of the weights a backend holds. tfjs-backend-wasm hands matmuls to XNNPACK, which packs
 * each weight matrix into its own buffer on first use and caches it: GPT-2 in Node went from a
 * 554 MB wasm heap after the build to 973 MB after the first prefill.
 */
export const WEIGHT_COPIES: Readonly<Record<BackendName, number>> = { wasm: 2, webgl: 1, webgpu: 1, cpu: 1 };

/** Share of navigator.deviceMemory a benchmark may take (the OS and the page need the rest). */
const DEVICE_MEMORY_SHARE = 0.5;

export interface GuardOptions {
  backend: BackendName;
  /** Prefill length (activation peak). Default 128. */
  tokens?: number;
  /** KV cache capacity the model is built with. Default arch.contextLength. */
  capacity?: number;
  /** User cap in bytes; the limit is the smallest of this, the backend's and the device's. */
  maxBytes?: number;
  /** navigator.deviceMemory in GB when known. */
  deviceMemoryGB?: number;
  /** Weights of other tensors the measurement keeps alive (paired reference kernels), counted
   *  with the backend's weight copies like the model's. Default 0. */
  extraWeightBytes?: number;
}

export interface MemoryCheck {
  ok: boolean;
  /** Estimated bytes: fp32 weights (x WEIGHT_COPIES) + KV cache + activation peak (core/memory). */
  neededBytes: number;
  limitBytes: number;
  /** What set the limit: 'wasm', 'user cap', 'device memory'. */
  limitSource: string;
  /** One line; explains the refusal when !ok. */
  message: string;
}

export function checkMemory(arch: Arch, options: GuardOptions): MemoryCheck {
  const tokens = options.tokens ?? 128;
  const capacity = options.capacity ?? arch.contextLength;
  const m = memory(arch, { weightDtype: 'fp32', kvDtype: 'fp32', kvTokens: capacity, prefillTokens: tokens });
  const candidates: [number, string][] = [[BACKEND_MEMORY_LIMITS[options.backend], options.backend]];
  if (options.maxBytes !== undefined) candidates.push([options.maxBytes, `the user cap on ${options.backend}`]);
  if (options.deviceMemoryGB !== undefined) {
    candidates.push([
      options.deviceMemoryGB * 1e9 * DEVICE_MEMORY_SHARE,
      `${options.backend} (half of this device's ${options.deviceMemoryGB} GB)`,
    ]);
  }
  const [limitBytes, limitSource] = candidates.reduce((a, b) => (b[0] < a[0] ? b : a));
  const copies = WEIGHT_COPIES[options.backend];
  const extra = options.extraWeightBytes ?? 0;
  const neededBytes = m.total + (copies - 1) * m.weights.fp32 + copies * extra;
  const ok = neededBytes <= limitBytes;
  const weights = `weights ${formatBytes(m.weights.fp32)}${copies > 1 ? ` x${copies} (packed copy)` : ''}`;
  const references = extra > 0 ? ` + reference kernels ${formatBytes(extra)}${copies > 1 ? ` x${copies}` : ''}` : '';
  const parts = `${weights} + KV cache ${formatBytes(m.kvCache)} + activations ${formatBytes(m.activations)}${references}`;
  const message = ok
    ? `${archSummary(arch)} needs ${formatBytes(neededBytes)} (${parts}), within ${formatBytes(limitBytes)} on ${limitSource}`
    : `${archSummary(arch)} needs ${formatBytes(neededBytes)} (${parts}), limit ${formatBytes(limitBytes)} on ${limitSource}`;
  return { ok, neededBytes, limitBytes, limitSource, message };
}

/** Throws an Error with the one-line message when the model does not fit. */
export function assertFits(arch: Arch, options: GuardOptions): MemoryCheck {
  const check = checkMemory(arch, options);
  if (!check.ok) throw new Error(check.message);
  return check;
}

/** Decimal units (1 GB = 1e9 B, as core's GB/s), two significant digits: "512 MB", "1.2 GB". */
export function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let u = 0;
  while (value >= 1000 && u < units.length - 1) {
    value /= 1000;
    u++;
  }
  const shown = u === 0 || value >= 10 ? Math.round(value).toString() : value.toPrecision(2).replace(/\.0$/, '');
  return `${shown} ${units[u]}`;
}
