// Thin comlink shell over src/measure and src/ort: pick a runtime and backend, time candidates one
// by one, measure the device profile (tfjs). Runs in a module Worker (WebGL through OffscreenCanvas)
// or, when a backend cannot start in a worker, on the main thread through the same `api` object
// (state/measureClient). ONNX Runtime Web is imported only when it is picked. Cancellation is the
// client terminating this worker.
import type { Arch } from '../core/arch';
import { selectBackend } from '../measure/backends';
import { deviceInfo } from '../measure/device';
import { measureDeviceProfile, type MeasuredProfile, type ProfileOptions } from '../measure/profile';
import { measureArch, type MeasurePhase } from '../measure/timing';
import { configureAppWasmPaths } from '../measure/wasmAssets';
import { exposeInWorker, releaseCallback } from './bridge';
import type { BackendName, RuntimeName } from '../core/backendNames';
import type { DeviceInfo } from '../core/deviceInfo';
import type { MeasureResult } from '../core/timingStats';

configureAppWasmPaths();

export interface MeasureRequest {
  tokens: number;
  runs: number;
  /** Time budget per workload (MeasureOptions.minTimeMs). */
  minTimeMs?: number;
  warmup: number;
  /** User memory cap in bytes (the guard refuses bigger models). */
  maxBytes?: number;
}

/** One candidate's outcome: a timing, or the reason it was not timed (too large, failed). */
export type MeasureOutcome = { ok: true; result: MeasureResult } | { ok: false; error: string };

export type MeasureProgress = (index: number, phase: MeasurePhase, run: number, of: number) => void;

const deviceMemoryGB = (): number | undefined => (globalThis.navigator as { deviceMemory?: number } | undefined)?.deviceMemory;

/** src/ort, loaded on the first ORT backend asked for (its files are served from our origin). */
let ortModules: Promise<{ runtime: typeof import('../ort/runtime'); timing: typeof import('../ort/timing') }> | undefined;
const loadOrt = () =>
  (ortModules ??= (async () => {
    const [runtime, timing, assets] = await Promise.all([import('../ort/runtime'), import('../ort/timing'), import('../ort/wasmAssets')]);
    assets.configureAppOrtWasmPaths();
    return { runtime, timing };
  })());

/** The runtime useBackend started last: `measure` times on it. */
let current: RuntimeName = 'tfjs';

export const api = {
  async useBackend(name: BackendName, runtime: RuntimeName = 'tfjs'): Promise<DeviceInfo> {
    if (runtime === 'ort') {
      const ort = await loadOrt();
      await ort.runtime.selectOrtBackend(name);
      current = 'ort';
      return ort.runtime.ortDeviceInfo();
    }
    await selectBackend(name);
    current = 'tfjs';
    return deviceInfo();
  },
  /** `signal` only on the main thread (a worker is stopped by terminating it). */
  async measure(archs: Arch[], options: MeasureRequest, onProgress?: MeasureProgress, signal?: AbortSignal): Promise<MeasureOutcome[]> {
    const out: MeasureOutcome[] = [];
    // Progress goes out without waiting (timing must not stall on the page); the last call is
    // awaited before the proxy is released so no update is lost (one port keeps them in order).
    let lastProgress: unknown;
    const progress: MeasureProgress = (i, phase, run, of) => {
      lastProgress = onProgress?.(i, phase, run, of);
    };
    try {
      const measureOne = current === 'ort' ? (await loadOrt()).timing.measureArchOrt : measureArch;
      for (let i = 0; i < archs.length; i++) {
        signal?.throwIfAborted();
        try {
          const result = await measureOne(archs[i], {
            ...options,
            signal,
            deviceMemoryGB: deviceMemoryGB(),
            onProgress: (phase, run, of) => progress(i, phase, run, of),
          });
          out.push({ ok: true, result });
        } catch (e) {
          if (signal?.aborted) throw e;
          out.push({ ok: false, error: e instanceof Error ? e.message.split('\n')[0] : String(e) });
        }
      }
      await lastProgress;
      return out;
    } finally {
      releaseCallback(onProgress);
    }
  },
  profile(options: ProfileOptions = {}): Promise<MeasuredProfile> {
    if (current !== 'tfjs') return Promise.reject(new Error('calibration runs on TensorFlow.js: select a tfjs backend first'));
    return measureDeviceProfile(options);
  },
};

export type MeasureApi = typeof api;

// The main-thread fallback imports `api` directly.
exposeInWorker(api);
