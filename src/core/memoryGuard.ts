// Memory guard: refuse to build a model that would not fit, before allocating anything, with a
// message a person can act on ("needs 1.2 GB, limit 512 MB on wasm"). A tab that runs out of
// memory on a phone is killed without an error, so guessing is better than trying.
import { archSummary, type Arch } from './arch';
import { memory } from './memory';
import { tokenEmbedDim } from './params';
import { specSize, weightSpecs } from './weights';
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

/**
 * What tfjs allocates on a GPU backend beyond core/memory's fp32 weights, KV cache and activation
 * peak: the guard covers the most tf.memory() reported while one model was built and timed twice
 * in a fresh worker (headless Chromium 156, SwiftShader WebGL2 and WebGPU, tfjs 4.22; gpt2, llama
 * with GQA and odd widths, neox; 3-35 M parameters, T = 64 and 128; tests/e2e/gpuMemory.test.ts
 * keeps checking it). core/memory's own figure was 22 MB for a 5.3 M-parameter GPT-2 against:
 *   webgl   numBytesInGPUAllocated 80-88 MB (2.7-4.5x the weights over the models): textures in use
 *           plus tfjs's texture pool, which never shrinks. It holds
 *           - one upload staging texture per distinct weight shape (the token table apart from an
 *             untied head of the same shape: it is uploaded unpacked, for gather), which tfjs counts
 *             at 16 bytes per value (an RGBA32F texel each; the texture itself is a quarter of that):
 *             4x those shapes' fp32 bytes;
 *           - the token table once more (gather's unpacked copy when the head shares it);
 *           - pooled intermediates: 6-8x core/memory's KV cache + activations.
 *   webgpu  numBytesAllocatedInGPU peaked at 35-40 MB (1.4-1.9x the weights over the models): the
 *           token table once more, and intermediates at 3.4-5.5x KV cache + activations.
 * Below, the intermediates get 10x (webgl) and 8x (webgpu), and the sum GPU_MARGIN on top, for
 * drivers and adapters these software renderers do not show. tfjs's in-use figures
 * (numBytesInGPU, numBytes) stayed under the allocated ones. The estimate is per model: what the
 * pools keep from earlier candidates in the same worker is not in it (webgl, three llama models of
 * 18, 34 and 12 MB weights in one worker: 70, 186 and 235 MB allocated after each).
 */
export const GPU_INTERMEDIATES = { webgl: 10, webgpu: 8 } as const;
/** Bytes tfjs-backend-webgl counts per fp32 value of an upload staging texture (see above). */
const WEBGL_STAGING_BYTES = 16;
export const GPU_MARGIN = 1.1;

const isGpu = (backend: BackendName): backend is keyof typeof GPU_INTERMEDIATES => backend in GPU_INTERMEDIATES;

/** fp32 bytes of one tensor per distinct weight shape, the token table counted apart (see above). */
function distinctShapeBytes(arch: Arch): number {
  const seen = new Set<string>();
  let bytes = 0;
  for (const spec of weightSpecs(arch)) {
    const key = `${spec.name === 'embed.tokens' ? 'table' : 'other'}:${spec.shape.join('x')}`;
    if (seen.has(key)) continue;
    seen.add(key);
    bytes += 4 * specSize(spec);
  }
  return bytes;
}

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
  /** What those are, for the message. Default "reference kernels". */
  extraWeightLabel?: string;
}

export interface MemoryCheck {
  ok: boolean;
  /** Estimated bytes: fp32 weights (x WEIGHT_COPIES) + KV cache + activation peak (core/memory),
   *  plus on webgl and webgpu what tfjs allocates beyond them (`gpuOverheadBytes`). */
  neededBytes: number;
  /** The webgl / webgpu share of `neededBytes` (upload staging, token table copy, pooled
   *  intermediates, margin: see GPU_INTERMEDIATES); 0 elsewhere. */
  gpuOverheadBytes: number;
  limitBytes: number;
  /** What set the limit: 'wasm', 'user cap', 'device memory'. */
  limitSource: string;
  /** One line; explains the refusal when !ok. */
  message: string;
}

export function checkMemory(arch: Arch, options: GuardOptions): MemoryCheck {
  const tokens = options.tokens ?? 128;
  const capacity = options.capacity ?? arch.contextLength;
  const { backend } = options;
  const m = memory(arch, { weightDtype: 'fp32', kvDtype: 'fp32', kvTokens: capacity, prefillTokens: tokens });
  const candidates: [number, string][] = [[BACKEND_MEMORY_LIMITS[backend], backend]];
  if (options.maxBytes !== undefined) candidates.push([options.maxBytes, `the user cap on ${backend}`]);
  if (options.deviceMemoryGB !== undefined) {
    candidates.push([
      options.deviceMemoryGB * 1e9 * DEVICE_MEMORY_SHARE,
      `${backend} (half of this device's ${options.deviceMemoryGB} GB)`,
    ]);
  }
  const [limitBytes, limitSource] = candidates.reduce((a, b) => (b[0] < a[0] ? b : a));
  const copies = WEIGHT_COPIES[backend];
  const extra = options.extraWeightBytes ?? 0;
  const base = m.total + (copies - 1) * m.weights.fp32 + copies * extra;
  let gpuOverheadBytes = 0;
  if (isGpu(backend)) {
    // Reference kernels' weights are distinct shapes: staged like the model's on webgl.
    const staging = backend === 'webgl' ? (WEBGL_STAGING_BYTES / 4) * (distinctShapeBytes(arch) + extra) : 0;
    const table = 4 * tokenEmbedDim(arch) * arch.vocabSize;
    const intermediates = (GPU_INTERMEDIATES[backend] - 1) * (m.kvCache + m.activations);
    gpuOverheadBytes = Math.round(GPU_MARGIN * (base + staging + table + intermediates)) - base;
  }
  const neededBytes = base + gpuOverheadBytes;
  const ok = neededBytes <= limitBytes;
  const weights = `weights ${formatBytes(m.weights.fp32)}${copies > 1 ? ` x${copies} (packed copy)` : ''}`;
  const references =
    extra > 0 ? ` + ${options.extraWeightLabel ?? 'reference kernels'} ${formatBytes(extra)}${copies > 1 ? ` x${copies}` : ''}` : '';
  const overhead =
    gpuOverheadBytes > 0
      ? ` + ${backend} overhead ${formatBytes(gpuOverheadBytes)} (${backend === 'webgl' ? 'upload staging, ' : ''}token table copy, pooled intermediates)`
      : '';
  const parts = `${weights} + KV cache ${formatBytes(m.kvCache)} + activations ${formatBytes(m.activations)}${references}${overhead}`;
  const message = ok
    ? `${archSummary(arch)} needs ${formatBytes(neededBytes)} (${parts}), within ${formatBytes(limitBytes)} on ${limitSource}`
    : `${archSummary(arch)} needs ${formatBytes(neededBytes)} (${parts}), limit ${formatBytes(limitBytes)} on ${limitSource}`;
  return { ok, neededBytes, gpuOverheadBytes, limitBytes, limitSource, message };
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
