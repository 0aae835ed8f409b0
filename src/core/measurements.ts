// Measured latencies and their saved form (state/storage keeps them in localStorage under a
// versioned key). One series per runtime + device + backend + T (the chart's "measured" series),
// each holding timings by arch key: a prefill of 512 tokens is another workload than one of 128,
// and ONNX Runtime's wasm another engine than tfjs's, so they never overwrite or sit beside each
// other in one series. Anything unreadable (hand-edited JSON, a newer version) is left out with a
// precise reason and handed back as text (state/storage keeps it aside), never half-loaded;
// version 1 (series per device + backend) and version 2 (before ONNX Runtime: every series
// tfjs's) are migrated. Version 3 names each series' runtime: an app that reads only version 2
// refuses it (and keeps it aside) instead of taking an ORT series for a tfjs one.
import { backendLabel, isRuntimeName, RUNTIMES, type RuntimeName } from './backendNames';
import type { DeviceInfo } from './deviceInfo';
import type { MeasureResult } from './timingStats';

export const MEASUREMENTS_VERSION = 3;

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
  /** null where the runtime reports no memory figure (ONNX Runtime Web). */
  peakBytes: number | null;
  leakedTensors: number;
  /** Interleaved slices the runs were gathered in (core/slices.ts); absent = one. */
  slices?: number;
  /** ISO time of the measurement. */
  at: string;
}

export interface MeasuredSeries {
  /** Stable id: runtime (ORT only, so tfjs ids stay as version 2 made them) + backend + device summary + T. */
  id: string;
  label: string;
  /** What timed the series (version 3; older versions were all tfjs). */
  runtime: RuntimeName;
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

/** Short device name for legends: the GPU where there is one, else the browser and cores; the
 *  backend first, "ORT-web wasm" on ONNX Runtime. */
export function deviceLabel(backend: string, device: DeviceInfo, runtime: RuntimeName = 'tfjs'): string {
  const gpu = device.webgpuAdapter ?? device.webglRenderer;
  const engine = backendLabel(backend, runtime);
  if (gpu) return `${engine} · ${gpu}`;
  const ua = device.userAgent ?? '';
  const browser =
    /Chrome\/(\d+)/.exec(ua)?.[0] ?? /Firefox\/(\d+)/.exec(ua)?.[0] ?? /Version\/(\d+).*Safari/.exec(ua)?.[0] ?? device.runtime;
  const cores = device.hardwareConcurrency ? `, ${device.hardwareConcurrency} cores` : '';
  const threads =
    backend === 'wasm' && device.wasmThreadCount ? `, ${device.wasmThreadCount} thread${device.wasmThreadCount > 1 ? 's' : ''}` : '';
  return `${engine} · ${browser}${cores}${threads}`;
}

/** tfjs's ids are version 2's, unchanged (a saved "shown series" or predictor still finds its
 *  series); ORT's start with "ort|". */
export const seriesId = (backend: string, device: DeviceInfo, tokens: number, runtime: RuntimeName = 'tfjs'): string =>
  `${runtime === 'tfjs' ? '' : `${runtime}|`}${backend}|${deviceLabel(backend, device, runtime)}|${device.userAgent ?? ''}|T${tokens}`;

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
export const importedSeriesLabel = (backend: string, device: DeviceInfo, tokens: number, runtime: RuntimeName = 'tfjs'): string => {
  const platform = platformOf(device.userAgent);
  return `${platform ? `${platform} · ` : ''}${seriesLabel(backend, device, tokens, runtime)}`;
};

/** The legend's and the picker's name of a series: "wasm · Chrome/156, 2 cores · T = 128",
 *  "ORT-web wasm · Chrome/156, 2 cores, 1 thread · T = 128". */
export const seriesLabel = (backend: string, device: DeviceInfo, tokens: number, runtime: RuntimeName = 'tfjs'): string =>
  `${deviceLabel(backend, device, runtime)} · T = ${tokens}`;

/** A copy of `store` with `results` added to the series of this runtime + backend + device +
 *  their T. A new series is named `label` (default: seriesLabel); an existing one keeps its name. */
export function addMeasurements(
  store: MeasurementStore,
  backend: string,
  device: DeviceInfo,
  thread: string,
  results: readonly Measurement[],
  label?: string,
  runtime: RuntimeName = 'tfjs',
): MeasurementStore {
  let series = store.series;
  for (const m of results) {
    const id = seriesId(backend, device, m.tokens, runtime);
    const existing = series.find((s) => s.id === id);
    const next: MeasuredSeries = {
      id,
      label: existing?.label ?? label ?? seriesLabel(backend, device, m.tokens, runtime),
      runtime,
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

const isPositiveInteger = (n: unknown): n is number => Number.isInteger(n) && (n as number) >= 1;

// Validation says what is wrong, precisely: the first problem of a series, as "field
// decode.medianMs is a string". Series and measurements are counted from 1 in messages.

/** What a value is, for a message: "a string", "an object", "a list", "null", "missing". */
const kind = (v: unknown): string =>
  v === undefined ? 'missing' : v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v === 'object' ? 'an object' : `a ${typeof v}`;
const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
type Problem = string | undefined;

const nonNegative = (path: string, v: unknown): Problem =>
  typeof v !== 'number'
    ? `field ${path} is ${kind(v)}`
    : Number.isFinite(v) && v >= 0
      ? undefined
      : `field ${path} is ${v}, not a number ≥ 0`;
const positiveInteger = (path: string, v: unknown): Problem =>
  typeof v !== 'number'
    ? `field ${path} is ${kind(v)}`
    : isPositiveInteger(v)
      ? undefined
      : `field ${path} is ${v}, not a whole number ≥ 1`;
const text = (path: string, v: unknown): Problem => (typeof v === 'string' ? undefined : `field ${path} is ${kind(v)}, not text`);
const object = (path: string, v: unknown): Problem => (isObject(v) ? undefined : `field ${path} is ${kind(v)}, not an object`);
const first = (...checks: (() => Problem)[]): Problem => {
  for (const check of checks) {
    const p = check();
    if (p) return p;
  }
  return undefined;
};

const timingProblem = (path: string, t: unknown): Problem =>
  !isObject(t)
    ? object(path, t)
    : first(...(['medianMs', 'p10Ms', 'p90Ms', 'cv'] as const).map((k) => () => nonNegative(`${path}.${k}`, t[k])), () =>
        t.runs === undefined ? undefined : positiveInteger(`${path}.runs`, t.runs),
      );

const measurementProblem = (m: unknown): Problem =>
  !isObject(m)
    ? `it is ${kind(m)}, not an object`
    : first(
        () => text('archKey', m.archKey),
        () => positiveInteger('tokens', m.tokens),
        () => timingProblem('prefill', m.prefill),
        () => timingProblem('decode', m.decode),
        () => (m.slices === undefined ? undefined : positiveInteger('slices', m.slices)),
      );

/** What every version's series needs: who measured, on what, and sound measurements; the first
 *  problem, or undefined. Version 2 on (`perT`) also has one T for all its measurements, version 3
 *  (`withRuntime`) its runtime. */
function seriesProblem(s: unknown, perT: boolean, withRuntime: boolean): Problem {
  if (!isObject(s)) return `it is ${kind(s)}, not an object`;
  const body = first(
    () => text('id', s.id),
    () => text('label', s.label),
    () =>
      !withRuntime || (typeof s.runtime === 'string' && isRuntimeName(s.runtime))
        ? undefined
        : typeof s.runtime === 'string'
          ? `field runtime is "${s.runtime}", not ${RUNTIMES.join(' or ')}`
          : `field runtime is ${kind(s.runtime)}, not text`,
    () => text('backend', s.backend),
    () => text('thread', s.thread),
    () => object('device', s.device),
    () => object('byArch', s.byArch),
    () => (perT ? positiveInteger('tokens', s.tokens) : undefined),
  );
  if (body) return body;
  const measurements = Object.values(s.byArch as Record<string, unknown>);
  for (const [i, m] of measurements.entries()) {
    const p =
      measurementProblem(m) ??
      (perT && (m as Measurement).tokens !== s.tokens
        ? `field tokens is ${(m as Measurement).tokens}, not the series' T (${String(s.tokens)})`
        : undefined);
    if (p) return `measurement ${i + 1}: ${p}`;
  }
  return undefined;
}

/** Parsed stored measurements. `dropped` says what could not be read and why ("saved
 *  measurements could not be read: version 3 is newer than this app reads (2)"); `unreadable` is
 *  that data as text, to keep aside: the whole text when it cannot be read, else the malformed
 *  series as `{ version, series }`. */
export interface ParsedMeasurements {
  store: MeasurementStore;
  dropped?: string;
  unreadable?: string;
}

/** At most this many series' problems are named in `dropped` (the rest are counted). */
const NAMED_PROBLEMS = 3;

/** Parse stored JSON; returns the store and, when something was dropped, why and what. */
export function parseMeasurements(text: string | null): ParsedMeasurements {
  if (!text) return { store: emptyMeasurements() };
  const whole = (why: string): ParsedMeasurements => ({
    store: emptyMeasurements(),
    dropped: `saved measurements could not be read: ${why}`,
    unreadable: text,
  });
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return whole('not JSON');
  }
  if (!isObject(json)) return whole(`the saved JSON is ${kind(json)}, not an object with a version and series`);
  const { version } = json;
  if (typeof version !== 'number') return whole(`field version is ${kind(version)}`);
  if (version > MEASUREMENTS_VERSION) return whole(`version ${version} is newer than this app reads (${MEASUREMENTS_VERSION})`);
  if (version !== 1 && version !== 2 && version !== MEASUREMENTS_VERSION)
    return whole(`version ${version} is not one this app reads (1, 2 or ${MEASUREMENTS_VERSION})`);
  if (!Array.isArray(json.series)) return whole(`field series is ${kind(json.series)}, not a list`);
  const problems: string[] = [];
  const bad: unknown[] = [];
  const good: MeasuredSeries[] = [];
  json.series.forEach((s: unknown, i) => {
    const p = seriesProblem(s, version >= 2, version >= 3);
    if (p) {
      problems.push(`series ${i + 1}${p.startsWith('measurement ') ? ',' : ':'} ${p}`);
      bad.push(s);
    } else good.push(s as MeasuredSeries);
  });
  // Version 1 kept one series per backend + device, whatever T: its measurements regrouped by T.
  // Versions 1 and 2 came before ONNX Runtime: every series was tfjs's (its id stays as it was).
  let store: MeasurementStore = { version: MEASUREMENTS_VERSION, series: good };
  if (version === 1) {
    store = emptyMeasurements();
    for (const s of good) store = addMeasurements(store, s.backend, s.device, s.thread, Object.values(s.byArch), undefined, 'tfjs');
  } else if (version === 2) {
    store = { version: MEASUREMENTS_VERSION, series: good.map((s) => ({ ...s, runtime: 'tfjs' })) };
  }
  if (!bad.length) return { store };
  const more = problems.length > NAMED_PROBLEMS ? `; and ${problems.length - NAMED_PROBLEMS} more` : '';
  const others = json.series.length - bad.length;
  return {
    store,
    dropped:
      `${bad.length} of ${json.series.length} saved series could not be read (${problems.slice(0, NAMED_PROBLEMS).join('; ')}${more})` +
      (others ? `; the other ${others} ${others === 1 ? 'is' : 'are'} loaded` : ''),
    unreadable: JSON.stringify({ version, series: bad }),
  };
}
