// Measured latencies and their saved form (state/storage keeps them in localStorage under a
// versioned key). One series per device + backend + T (the chart's "measured" series), each holding timings by arch key: a
// prefill of 512 tokens is another workload than one of 128, so the two never overwrite or sit
// beside each other in one series. Anything unreadable (hand-edited JSON, an unknown version) is
// dropped with a reason, never half-loaded; version 1 (series per device + backend) is migrated.
import type { DeviceInfo } from './deviceInfo';
import type { MeasureResult } from './timingStats';

export const MEASUREMENTS_VERSION = 2;

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
  /** Interleaved slices the runs were gathered in (core/slices.ts); absent = one. */
  slices?: number;
  /** ISO time of the measurement. */
  at: string;
}

export interface MeasuredSeries {
  /** Stable id: backend + device summary + T. */
  id: string;
  label: string;
  backend: string;
  device: DeviceInfo;
  /** 'worker' or 'main' (fallback) thread. */
  thread: string;
  /** Prefill length T (and decode context) of every measurement in the series. */
  tokens: number;
  byArch: Record<string, Measurement>;
}

export interface MeasurementStore {
  version: typeof MEASUREMENTS_VERSION;
  series: MeasuredSeries[];
}

export const emptyMeasurements = (): MeasurementStore => ({ version: MEASUREMENTS_VERSION, series: [] });

const summary = (t: MeasureResult['prefill']): TimingSummary => ({
  medianMs: t.medianMs,
  p10Ms: t.p10Ms,
  p90Ms: t.p90Ms,
  cv: t.cv,
  runs: t.runs,
});

export function toMeasurement(r: MeasureResult, at: Date = new Date()): Measurement {
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
  const browser =
    /Chrome\/(\d+)/.exec(ua)?.[0] ?? /Firefox\/(\d+)/.exec(ua)?.[0] ?? /Version\/(\d+).*Safari/.exec(ua)?.[0] ?? device.runtime;
  const cores = device.hardwareConcurrency ? `, ${device.hardwareConcurrency} cores` : '';
  const threads =
    backend === 'wasm' && device.wasmThreadCount ? `, ${device.wasmThreadCount} thread${device.wasmThreadCount > 1 ? 's' : ''}` : '';
  return `${backend} · ${browser}${cores}${threads}`;
}

export const seriesId = (backend: string, device: DeviceInfo, tokens: number): string =>
  `${backend}|${deviceLabel(backend, device)}|${device.userAgent ?? ''}|T${tokens}`;

/** The platform a user agent names ("Android", "iPhone", ...), or '' when it names none. */
export function platformOf(userAgent: string | undefined): string {
  const ua = userAgent ?? '';
  for (const [re, name] of [
    [/iPhone/, 'iPhone'],
    [/iPad/, 'iPad'],
    [/Android/, 'Android'],
    [/CrOS/, 'ChromeOS'],
    [/Mac OS X|Macintosh/, 'Mac'],
    [/Windows/, 'Windows'],
    [/Linux/, 'Linux'],
  ] as const) {
    if (re.test(ua)) return name;
  }
  return '';
}

/** The default name of a series measured on another device: its platform first. */
export const importedSeriesLabel = (backend: string, device: DeviceInfo, tokens: number): string => {
  const platform = platformOf(device.userAgent);
  return `${platform ? `${platform} · ` : ''}${seriesLabel(backend, device, tokens)}`;
};

/** The legend's and the picker's name of a series: "wasm · Chrome/156, 2 cores · T = 128". */
export const seriesLabel = (backend: string, device: DeviceInfo, tokens: number): string =>
  `${deviceLabel(backend, device)} · T = ${tokens}`;

/** A copy of `store` with `results` added to the series of this backend + device + their T. A
 *  new series is named `label` (default: seriesLabel); an existing one keeps its name. */
export function addMeasurements(
  store: MeasurementStore,
  backend: string,
  device: DeviceInfo,
  thread: string,
  results: readonly Measurement[],
  label?: string,
): MeasurementStore {
  let series = store.series;
  for (const m of results) {
    const id = seriesId(backend, device, m.tokens);
    const existing = series.find((s) => s.id === id);
    const next: MeasuredSeries = {
      id,
      label: existing?.label ?? label ?? seriesLabel(backend, device, m.tokens),
      backend,
      device,
      thread,
      tokens: m.tokens,
      byArch: { ...(existing?.byArch ?? {}), [m.archKey]: m },
    };
    series = existing ? series.map((s) => (s.id === id ? next : s)) : [...series, next];
  }
  return { ...store, series };
}

const isTiming = (t: unknown): t is TimingSummary => {
  const o = t as TimingSummary;
  return (
    !!o &&
    [o.medianMs, o.p10Ms, o.p90Ms, o.cv].every((v) => typeof v === 'number' && Number.isFinite(v) && v >= 0) &&
    (o.runs === undefined || (Number.isInteger(o.runs) && (o.runs as number) >= 1))
  );
};

const isPositiveInteger = (n: unknown): n is number => Number.isInteger(n) && (n as number) >= 1;

const isMeasurement = (m: unknown): m is Measurement => {
  const o = m as Measurement;
  return (
    !!o &&
    typeof o.archKey === 'string' &&
    isPositiveInteger(o.tokens) &&
    isTiming(o.prefill) &&
    isTiming(o.decode) &&
    (o.slices === undefined || isPositiveInteger(o.slices))
  );
};

/** What every version's series has: who measured, on what, and sound measurements. */
const isSeriesBody = (s: unknown): s is Omit<MeasuredSeries, 'tokens'> => {
  const o = s as MeasuredSeries;
  return (
    !!o &&
    typeof o.id === 'string' &&
    typeof o.label === 'string' &&
    typeof o.backend === 'string' &&
    typeof o.thread === 'string' &&
    !!o.device &&
    typeof o.device === 'object' &&
    !!o.byArch &&
    typeof o.byArch === 'object' &&
    Object.values(o.byArch).every(isMeasurement)
  );
};

/** Version 1 kept one series per backend + device, whatever T: its measurements regrouped by T. */
function migrateV1(series: readonly unknown[]): { series: MeasuredSeries[]; bad: number } {
  let store = emptyMeasurements();
  let bad = 0;
  for (const s of series) {
    if (!isSeriesBody(s)) bad++;
    else store = addMeasurements(store, s.backend, s.device, s.thread, Object.values(s.byArch));
  }
  return { series: store.series, bad };
}

/** Parse stored JSON; returns the store and, when something was dropped, why. */
export function parseMeasurements(text: string | null): { store: MeasurementStore; dropped?: string } {
  if (!text) return { store: emptyMeasurements() };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { store: emptyMeasurements(), dropped: 'saved measurements were not valid JSON' };
  }
  const o = json as { version?: unknown; series?: unknown };
  if (!o || (o.version !== 1 && o.version !== MEASUREMENTS_VERSION) || !Array.isArray(o.series)) {
    return { store: emptyMeasurements(), dropped: `saved measurements are from another version (${String(o?.version)})` };
  }
  const { series, bad } =
    o.version === 1
      ? migrateV1(o.series)
      : (() => {
          const ok = o.series.filter((s): s is MeasuredSeries => {
            if (!isSeriesBody(s)) return false;
            const { tokens } = s as MeasuredSeries;
            return isPositiveInteger(tokens) && Object.values(s.byArch).every((m) => m.tokens === tokens);
          });
          return { series: ok, bad: o.series.length - ok.length };
        })();
  return { store: { version: MEASUREMENTS_VERSION, series }, ...(bad ? { dropped: `${bad} malformed series dropped` } : {}) };
}
