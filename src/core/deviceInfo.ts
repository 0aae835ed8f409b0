// What a timing ran on (backend, GPU, browser, cores, isolation, WASM features), as
// src/measure/device.ts probes it; pure, so stored and imported measurements can be read and
// labelled without tfjs.

export interface DeviceInfo {
  /** tf.getBackend() when the info was taken: the backend actually running. */
  backend: string;
  /** 'browser' (window), 'worker' or 'node'. */
  runtime: 'browser' | 'worker' | 'node';
  /** WebGL UNMASKED_RENDERER_WEBGL (WEBGL_debug_renderer_info), else the masked RENDERER. */
  webglRenderer?: string;
  /** WebGPU adapter vendor / architecture as tfjs-backend-webgpu recorded them. */
  webgpuAdapter?: string;
  userAgent?: string;
  hardwareConcurrency?: number;
  /** navigator.deviceMemory (GB, rounded and capped by the browser; Chromium only). */
  deviceMemoryGB?: number;
  crossOriginIsolated?: boolean;
  wasmSimd?: boolean;
  wasmThreads?: boolean;
  /** Threads the wasm backend's pool uses (1 without SharedArrayBuffer). */
  wasmThreadCount?: number;
}

/** One line for labels: "wasm (SIMD, 4 threads)", "webgl (ANGLE (Apple M1))", "cpu". */
export function describeDevice(info: DeviceInfo): string {
  if (info.backend === 'wasm') {
    const feats = [info.wasmSimd ? 'SIMD' : 'no SIMD'];
    const threads = info.wasmThreadCount ?? (info.wasmThreads ? undefined : 1);
    if (threads !== undefined) feats.push(`${threads} thread${threads === 1 ? '' : 's'}`);
    return `wasm (${feats.join(', ')})`;
  }
  const gpu = info.webglRenderer ?? info.webgpuAdapter;
  return gpu ? `${info.backend} (${gpu})` : info.backend;
}

interface NavigatorLike {
  userAgent?: string;
  hardwareConcurrency?: number;
  deviceMemory?: number;
}

/** Where this code runs: a window, a Worker or Node. */
export function runtimeKind(): DeviceInfo['runtime'] {
  const g = globalThis as { process?: { versions?: { node?: string } }; document?: unknown };
  if (typeof g.process?.versions?.node === 'string' && g.document === undefined) return 'node';
  return g.document !== undefined ? 'browser' : 'worker';
}

/** What the host says of itself (user agent, cores, memory, isolation), whichever runtime times:
 *  src/measure/device.ts and src/ort add their backend's details. Structural access only, so it
 *  runs in a window, a Worker and Node; a field the host does not give is left out. */
export function hostInfo(backend: string): DeviceInfo {
  const g = globalThis as { navigator?: NavigatorLike; crossOriginIsolated?: boolean };
  const info: DeviceInfo = { backend, runtime: runtimeKind() };
  const nav = g.navigator;
  if (typeof nav?.userAgent === 'string') info.userAgent = nav.userAgent;
  if (typeof nav?.hardwareConcurrency === 'number') info.hardwareConcurrency = nav.hardwareConcurrency;
  if (typeof nav?.deviceMemory === 'number') info.deviceMemoryGB = nav.deviceMemory;
  if (typeof g.crossOriginIsolated === 'boolean') info.crossOriginIsolated = g.crossOriginIsolated;
  return info;
}
