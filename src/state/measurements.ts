// Measured latencies, kept across reloads in localStorage under a versioned key. One series per
// device + backend (the chart's "measured" series), each holding timings by arch key. Anything
// unreadable (an older version, hand-edited JSON) is dropped with a reason, never half-loaded.
import type { BenchResult } from '../bench/timing';
import type { DeviceInfo } from '../bench/device';

export const MEASUREMENTS_KEY = 'lm-frontier.measurements';
export const MEASUREMENTS_VERSION = 1;

export interface TimingSummary {
  medianMs: number;
  p10Ms: number;
  p90Ms: number;
  cv: number;
  /** Timed runs behind the statistics (varies with the time budget); absent in older records. */
  runs?: number;
}

export interface Measurement {
  archKey: string;
  tokens: number;
  prefill: TimingSummary;
  decode: TimingSummary;
  firstRunMs: number;
  peakBytes: number;
  leakedTensors: number;
  /** Interleaved slices the runs were gathered in (src/bench/rounds.ts); absent = one. */
  slices?: number;
  /** ISO time of the measurement. */
  at: string;
}

export interface MeasuredSeries {
  /** Stable id: backend + device summary. */
  id: string;
  label: string;
  backend: string;
  device: DeviceInfo;
  /** 'worker' or 'main' (fallback) thread. */
  thread: string;
  byArch: Record<string, Measurement>;
}

export interface MeasurementStore {
  version: typeof MEASUREMENTS_VERSION;
  series: MeasuredSeries[];
}

export const emptyMeasurements = (): MeasurementStore => ({ version: MEASUREMENTS_VERSION, series: [] });

const summary = (t: BenchResult['prefill']): TimingSummary => ({ medianMs: t.medianMs, p10Ms: t.p10Ms, p90Ms: t.p90Ms, cv: t.cv, runs: t.runs });

export function toMeasurement(r: BenchResult, at: Date = new Date()): Measurement {
  return {
    archKey: r.arch,
    tokens: r.tokens,
    prefill: summary(r.prefill),
    decode: summary(r.decode),
    firstRunMs: Math.max(r.prefill.firstRunMs, r.decode.firstRunMs),
    peakBytes: r.peakBytes,
    leakedTensors: r.leakedTensors,
    ...(r.slices && r.slices > 1 ? { slices: r.slices } : {}),
    at: at.toISOString(),
  };
}

/** Short device name for legends: the GPU where there is one, else the browser and cores. */
export function deviceLabel(backend: string, device: DeviceInfo): string {
  const gpu = device.webgpuAdapter ?? device.webglRenderer;
  if (gpu) return `${backend} · ${gpu}`;
  const ua = device.userAgent ?? '';
  const browser = /Chrome\/(\d+)/.exec(ua)?.[0] ?? /Firefox\/(\d+)/.exec(ua)?.[0] ?? /Version\/(\d+).*Safari/.exec(ua)?.[0] ?? device.runtime;
  const cores = device.hardwareConcurrency ? `, ${device.hardwareConcurrency} cores` : '';
  const threads = backend === 'wasm' && device.wasmThreadCount ? `, ${device.wasmThreadCount} thread${device.wasmThreadCount > 1 ? 's' : ''}` : '';
  return `${backend} · ${browser}${cores}${threads}`;
}

export const seriesId = (backend: string, device: DeviceInfo): string => `${backend}|${deviceLabel(backend, device)}|${device.userAgent ?? ''}`;

/** A copy of `store` with `results` added to the series of this backend + device. */
export function addMeasurements(
  store: MeasurementStore,
  backend: string,
  device: DeviceInfo,
  thread: string,
  results: readonly Measurement[],
): MeasurementStore {
  const id = seriesId(backend, device);
  const existing = store.series.find((s) => s.id === id);
  const byArch = { ...(existing?.byArch ?? {}) };
  for (const m of results) byArch[m.archKey] = m;
  const next: MeasuredSeries = { id, label: deviceLabel(backend, device), backend, device, thread, byArch };
  return { ...store, series: existing ? store.series.map((s) => (s.id === id ? next : s)) : [...store.series, next] };
}

const isTiming = (t: unknown): t is TimingSummary => {
  const o = t as TimingSummary;
  return (
    !!o &&
    [o.medianMs, o.p10Ms, o.p90Ms, o.cv].every((v) => typeof v === 'number' && Number.isFinite(v) && v >= 0) &&
    (o.runs === undefined || (Number.isInteger(o.runs) && (o.runs as number) >= 1))
  );
};

/** Parse stored JSON; returns the store and, when something was dropped, why. */
export function parseMeasurements(text: string | null): { store: MeasurementStore; dropped?: string } {
  if (!text) return { store: emptyMeasurements() };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { store: emptyMeasurements(), dropped: 'saved measurements were not valid JSON' };
  }
  const o = json as MeasurementStore;
  if (!o || o.version !== MEASUREMENTS_VERSION || !Array.isArray(o.series)) {
    return { store: emptyMeasurements(), dropped: `saved measurements are from another version (${String(o?.version)})` };
  }
  const series = o.series.filter(
    (s) =>
      s && typeof s.id === 'string' && typeof s.label === 'string' && typeof s.backend === 'string' && s.byArch &&
      typeof s.byArch === 'object' && Object.values(s.byArch).every(
        (m) =>
          m && typeof m.archKey === 'string' && isTiming(m.prefill) && isTiming(m.decode) &&
          (m.slices === undefined || (Number.isInteger(m.slices) && m.slices >= 1)),
      ),
  );
  const dropped = series.length < o.series.length ? `${o.series.length - series.length} malformed series dropped` : undefined;
  return { store: { version: MEASUREMENTS_VERSION, series }, dropped };
}

export interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
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
