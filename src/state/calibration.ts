// The calibrated device profile (state/measure's "Calibrate"), kept across reloads under a
// versioned local-storage key with whether the next search uses it. Anything unreadable, or a
// profile outside core/latency's bounds (validateProfile), is ignored with a reason naming the
// field and value, and the stated default profile applies. An ignored calibration is removed as it
// is reported, so the reason is said once, not on every load; one saved by a newer version of the
// app is kept for that version.
import { isBackendName, type BackendName } from '../core/backendNames';
import { validateProfile, type DeviceProfile } from '../core/latency';
import type { StorageLike } from './storage';

export const CALIBRATION_KEY = 'lm-frontier.profile';
export const CALIBRATION_VERSION = 1;

export interface Calibration {
  version: typeof CALIBRATION_VERSION;
  /** Roofline numbers and their label ("measured on wasm (SIMD, 1 thread): ..."). */
  profile: DeviceProfile;
  backend: string;
  /** The device series label of the backend it ran on. */
  device: string;
  /** ISO time. */
  at: string;
  /** Whether the analytic latency of the next search uses it (else the default profile). */
  use: boolean;
}

/** `dropped`: why a saved calibration was ignored; `newer`: it is a newer app version's. */
export function parseCalibration(text: string | null): { calibration: Calibration | null; dropped?: string; newer?: boolean } {
  if (!text) return { calibration: null };
  let o: Calibration;
  try {
    o = JSON.parse(text) as Calibration;
  } catch {
    return { calibration: null, dropped: 'the saved calibration was not valid JSON' };
  }
  if (!o || o.version !== CALIBRATION_VERSION) {
    const newer = typeof o?.version === 'number' && o.version > CALIBRATION_VERSION;
    return {
      calibration: null,
      dropped: `the saved calibration is from another version (${String(o?.version)})`,
      ...(newer ? { newer } : {}),
    };
  }
  const p = o.profile;
  const wrong = validateProfile(p);
  if (wrong.length) return { calibration: null, dropped: `its ${wrong.join('; its ')}` };
  const ok = typeof o.backend === 'string' && typeof o.device === 'string' && typeof o.at === 'string' && typeof o.use === 'boolean';
  if (!ok) return { calibration: null, dropped: 'the saved calibration was malformed' };
  // A calibration saved before profiles named their backend takes the calibration's.
  const profile = profileOf(p, o.backend);
  return { calibration: { version: CALIBRATION_VERSION, profile, backend: o.backend, device: o.device, at: o.at, use: o.use } };
}

/** The profile's own fields of `p` (a measured one carries details too), named for the backend it
 *  ran on: that picks the kernels the analytic latency counts (core/latency kernelSetOf). */
const profileOf = (p: DeviceProfile, backend: string): DeviceProfile => ({
  gflops: p.gflops,
  gbps: p.gbps,
  overheadMsPerKernel: p.overheadMsPerKernel,
  label: p.label,
  ...(isBackendName(backend) ? { backend } : {}),
});

/** A calibration from a profile just measured on `backend` (device: its series label), in use;
 *  or, outside core/latency's bounds, why it is not. */
export function newCalibration(
  measured: DeviceProfile,
  backend: BackendName,
  device: string,
): { calibration: Calibration } | { wrong: string[] } {
  const profile = profileOf(measured, backend);
  const wrong = validateProfile(profile);
  if (wrong.length) return { wrong };
  return { calibration: { version: CALIBRATION_VERSION, profile, backend, device, at: new Date().toISOString(), use: true } };
}

export function loadCalibration(storage: StorageLike | undefined): { calibration: Calibration | null; dropped?: string } {
  let loaded: ReturnType<typeof parseCalibration>;
  try {
    loaded = parseCalibration(storage?.getItem(CALIBRATION_KEY) ?? null);
  } catch {
    return { calibration: null, dropped: 'local storage is not available' };
  }
  const { newer, ...result } = loaded;
  if (result.dropped && !newer) {
    try {
      if (storage?.removeItem) storage.removeItem(CALIBRATION_KEY);
      else storage?.setItem(CALIBRATION_KEY, '');
    } catch {
      // Still unreadable next time: the reason is said again, nothing is lost.
    }
  }
  return result;
}

/** Returns an error message when the browser refuses to store. */
export function saveCalibration(storage: StorageLike | undefined, c: Calibration): string | undefined {
  try {
    storage?.setItem(CALIBRATION_KEY, JSON.stringify(c));
    return undefined;
  } catch (e) {
    return `the calibration could not be saved: ${e instanceof Error ? e.message : String(e)}`;
  }
}
