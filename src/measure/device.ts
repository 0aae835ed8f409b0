// What the timings ran on: backend, GPU renderer/adapter, user agent, cores, isolation and WASM
// features. Every probe is guarded (structural access, try/catch) so the same code runs in a
// window, a Worker (no DOM) and Node, and a missing field is left out rather than guessed.
import * as tf from '@tensorflow/tfjs';
import { hostInfo, type DeviceInfo } from '../core/deviceInfo';
import { loadedWasmModule } from './backends';

/** Collects device info for the current backend. Never throws. */
export async function deviceInfo(): Promise<DeviceInfo> {
  const info = hostInfo(tf.getBackend());
  if (info.backend === 'webgl') {
    const renderer = webglRenderer();
    if (renderer) info.webglRenderer = renderer;
  }
  if (info.backend === 'webgpu') {
    const adapter = webgpuAdapter();
    if (adapter) info.webgpuAdapter = adapter;
  }
  if (info.backend === 'wasm') {
    // Async flags registered by tfjs-backend-wasm (wasm-feature-detect probes).
    info.wasmSimd = await flagOrUndefined('WASM_HAS_SIMD_SUPPORT');
    info.wasmThreads = await flagOrUndefined('WASM_HAS_MULTITHREAD_SUPPORT');
    try {
      const count = loadedWasmModule()?.getThreadsCount();
      if (typeof count === 'number') info.wasmThreadCount = count;
    } catch {
      // getThreadsCount throws before the backend initialised: leave the field out.
    }
  }
  return info;
}

async function flagOrUndefined(name: string): Promise<boolean | undefined> {
  try {
    return Boolean(await tf.env().getAsync(name));
  } catch {
    return undefined; // flag not registered (module not loaded)
  }
}

interface GlLike {
  getExtension(name: string): { UNMASKED_RENDERER_WEBGL?: number } | null;
  getParameter(p: number): unknown;
  RENDERER: number;
}

function webglRenderer(): string | undefined {
  try {
    const backend = tf.backend() as unknown as { gpgpu?: { gl?: GlLike } };
    const gl = backend.gpgpu?.gl;
    if (!gl || typeof gl.getExtension !== 'function') return undefined;
    // Firefox deprecates the extension (RENDERER is already unmasked there); Chromium needs it.
    const ext = gl.getExtension('WEBGL_debug_renderer_info');
    const param = ext?.UNMASKED_RENDERER_WEBGL ?? gl.RENDERER;
    const value = gl.getParameter(param);
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

function webgpuAdapter(): string | undefined {
  try {
    // tfjs-backend-webgpu keeps GPUAdapterInfo's vendor and architecture on backend.adapterInfo.
    const backend = tf.backend() as unknown as { adapterInfo?: { vendor?: string; architecture?: string } };
    const a = backend.adapterInfo;
    const parts = [a?.vendor, a?.architecture].filter((s): s is string => typeof s === 'string' && s.length > 0);
    return parts.length ? parts.join(' ') : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Size of the wasm backend's heap (WebAssembly memory), or undefined on other backends. It only
 * grows and includes XNNPACK's packed weight copies, which tf.memory() does not see.
 */
export function wasmHeapBytes(): number | undefined {
  try {
    const backend = tf.backend() as unknown as { wasm?: { HEAPU8?: Uint8Array } };
    const bytes = backend.wasm?.HEAPU8?.buffer.byteLength;
    return typeof bytes === 'number' ? bytes : undefined;
  } catch {
    return undefined;
  }
}
