// Thin comlink shell over src/measure: pick a backend, time candidates one by one, measure the
// device profile. Runs in a module Worker (WebGL through OffscreenCanvas) or, when a backend
// cannot start in a worker, on the main thread through the same `api` object (state/measureClient).
// Cancellation is the client terminating this worker.
import type { Arch } from '../core/arch';
import { selectBackend } from '../measure/backends';
import { deviceInfo } from '../measure/device';
import { measureDeviceProfile, type MeasuredProfile, type ProfileOptions } from '../measure/profile';
import { measureArch, type MeasurePhase } from '../measure/timing';
import { configureAppWasmPaths } from '../measure/wasmAssets';
import { exposeInWorker, releaseCallback } from './bridge';
import type { BackendName } from '../core/backendNames';
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

export const api = {
  async useBackend(name: BackendName): Promise<DeviceInfo> {
    await selectBackend(name);
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
      for (let i = 0; i < archs.length; i++) {
        signal?.throwIfAborted();
        try {
          const result = await measureArch(archs[i], {
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
    return measureDeviceProfile(options);
  },
};

export type MeasureApi = typeof api;

// The main-thread fallback imports `api` directly.
exposeInWorker(api);
