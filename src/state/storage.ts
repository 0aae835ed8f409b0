// Local storage, and the measured series in it (core/measurements holds their model and
// parser): one versioned key, read once at startup, written after every recorded measurement. A browser that
// refuses (privacy mode, quota) gets a sentence, and the measurements stay in memory.
import { emptyMeasurements, parseMeasurements, type MeasurementStore } from '../core/measurements';

export const MEASUREMENTS_KEY = 'lm-frontier.measurements';

export interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/** localStorage when the page may use it (it throws in some privacy modes). */
export function localStore(): Storage | undefined {
  try {
    return globalThis.localStorage;
  } catch {
    return undefined;
  }
}

export function loadMeasurements(storage: StorageLike | undefined): { store: MeasurementStore; dropped?: string } {
  try {
    return parseMeasurements(storage?.getItem(MEASUREMENTS_KEY) ?? null);
  } catch {
    return { store: emptyMeasurements(), dropped: 'local storage is not available' };
  }
}

/** Returns an error message when the browser refuses to store (quota, private mode). */
export function saveMeasurements(storage: StorageLike | undefined, store: MeasurementStore): string | undefined {
  try {
    storage?.setItem(MEASUREMENTS_KEY, JSON.stringify(store));
    return undefined;
  } catch (e) {
    return `measurements could not be saved: ${e instanceof Error ? e.message : String(e)}`;
  }
}
