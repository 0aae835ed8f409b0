// The results link (`#v=1&r=…`) and its JSON file: what a phone measured, its device and runtime,
// and per candidate medians and spread, as bytes (linkCodec.ts) after the candidates
// (candidateCodec.ts). The hash framing and the other two links: links.ts.
import { archKey, parseArchKey, type Arch } from './arch';
import { RUNTIMES, type RuntimeName } from './backendNames';
import { MAX_LINK_CANDIDATES, readCandidates, writeCandidates } from './candidateCodec';
import type { DeviceInfo } from './deviceInfo';
import { ByteReader, ByteWriter, decodePayload, encodePayload, LinkError } from './linkCodec';
import type { MeasuredSeries, Measurement, TimingSummary } from './measurements';
import { LINK_VERSION } from './links';
import { LIMITS } from './validate';

export interface ResultsSeries {
  /** The series' name on the sending side ('' = the receiver names it from the device). */
  label: string;
  /** What timed it; absent = tfjs (results made before ONNX Runtime). */
  runtime?: RuntimeName;
  backend: string;
  device: DeviceInfo;
  /** 'worker' or 'main'. */
  thread: string;
  tokens: number;
  /** ISO time the series was measured. */
  at: string;
  /** One entry per candidate of the link, in order: null where it was not measured. */
  measurements: (Measurement | null)[];
}

export interface ResultsLink {
  candidates: Arch[];
  series: ResultsSeries[];
}

const US = 1000; // ms figures travel in microseconds

function writeTiming(w: ByteWriter, t: TimingSummary): void {
  w.fixed(t.medianMs, US)
    .fixed(t.p10Ms, US)
    .fixed(t.p90Ms, US)
    .fixed(t.cv, 10_000)
    .uint(t.runs ?? 0);
}

function readTiming(r: ByteReader): TimingSummary {
  const medianMs = r.fixed(US);
  const p10Ms = r.fixed(US);
  const p90Ms = r.fixed(US);
  const cv = r.fixed(10_000);
  const runs = r.uint();
  return { medianMs, p10Ms, p90Ms, cv, ...(runs > 0 ? { runs } : {}) };
}

export async function encodeResultsLink(link: ResultsLink): Promise<string> {
  const w = new ByteWriter();
  writeResults(w, link);
  return encodePayload(w.finish());
}

export async function decodeResultsLink(payload: string): Promise<ResultsLink> {
  return readResults(new ByteReader(await decodePayload(payload)));
}

/** What candidates of one written group share (candidateCodec): all but depth, width and layers. */
export const candidateBase = (a: Arch): string =>
  JSON.stringify([a.family, a.vocabSize, a.contextLength, a.tieEmbeddings, a.embedDim, a.normPosition, a.qkvBias]);

/** Indices of `archs` grouped by candidate base, the first arch's group first. */
function groupsOf(archs: readonly Arch[]): number[][] {
  const groups = new Map<string, number[]>();
  archs.forEach((a, i) => {
    const k = candidateBase(a);
    if (!groups.has(k)) groups.set(k, []);
    groups.get(k)!.push(i);
  });
  return [...groups.values()];
}

function writeMeasurement(w: ByteWriter, m: Measurement | null): void {
  w.byte(m ? 1 : 0);
  if (!m) return;
  writeTiming(w, m.prefill);
  writeTiming(w, m.decode);
  // A peak the runtime did not report (ONNX Runtime) travels as 0, which no timing measures.
  w.fixed(m.firstRunMs, US)
    .uint(m.peakBytes ?? 0)
    .uint(m.leakedTensors)
    .uint(m.slices ?? 1);
}

/**
 * Results as bytes (the results link's payload, and the measured part of a share link; both end
 * with it). The candidates of the first family (base) come first with every series' header and
 * measurements, as version 1 wrote them; candidates of other bases (baselines timed beside a
 * search's candidates) follow as extra groups, each with its measurements per series. A reader
 * made before the groups stops after the first and ignores the rest. When a series was timed on
 * another runtime than tfjs, the groups' count is written (0 if need be) and each series' runtime
 * follows the groups as its index in RUNTIMES; a reader made before ORT ignores it.
 */
export function writeResults(w: ByteWriter, link: ResultsLink): void {
  const groups = groupsOf(link.candidates);
  const [first = [], ...extra] = groups;
  for (const s of link.series) {
    if (s.measurements.length !== link.candidates.length) throw new RangeError('a series must hold one entry per candidate');
  }
  if (link.candidates.length > RESULTS_LIMITS.candidates) {
    throw new RangeError(`a link carries at most ${RESULTS_LIMITS.candidates} candidates`);
  }
  writeCandidates(w, first.length ? first.map((i) => link.candidates[i]) : link.candidates);
  w.uint(link.series.length);
  for (const s of link.series) {
    w.string(s.label.slice(0, RESULTS_LIMITS.labelChars))
      .string(s.backend)
      .string(JSON.stringify(s.device))
      .string(s.thread)
      .uint(s.tokens)
      .uint(Math.round(Date.parse(s.at) / 1000));
    for (const i of first) writeMeasurement(w, s.measurements[i]);
  }
  const runtimes = link.series.map((s) => RUNTIMES.indexOf(s.runtime ?? 'tfjs'));
  if (runtimes.includes(-1)) throw new RangeError('a series names a runtime this version does not know');
  const tfjsOnly = runtimes.every((i) => i === 0);
  if (extra.length === 0 && tfjsOnly) return;
  w.uint(extra.length);
  for (const g of extra) {
    writeCandidates(
      w,
      g.map((i) => link.candidates[i]),
    );
    for (const s of link.series) for (const i of g) writeMeasurement(w, s.measurements[i]);
  }
  if (!tfjsOnly) for (const i of runtimes) w.byte(i);
}

/** Bounds of a results link beyond its candidates' (candidateCodec, validate's LIMITS). */
export const RESULTS_LIMITS = {
  /** Device series in one link. */
  series: 256,
  /** Groups of candidates that differ in family, vocabulary, context... (baselines beside a frontier). */
  groups: 64,
  /** Candidates over all groups: a measure link's MAX_LINK_CANDIDATES and its baselines fit. */
  candidates: 2 * MAX_LINK_CANDIDATES,
  /** UTF-8 bytes of a series label (the writer keeps labelChars characters, at most 3 bytes each). */
  labelBytes: 4096,
  labelChars: 1000,
  /** UTF-8 bytes of a backend or thread name. */
  nameBytes: 64,
  /** UTF-8 bytes of the device description (JSON). */
  deviceBytes: 8192,
  /** Latest measuring time, seconds since 1970 (the end of year 9999, the last ISO 8601 writes). */
  atSeconds: 253_402_300_799,
} as const;

const DEVICE_TEXTS = ['webglRenderer', 'webgpuAdapter', 'userAgent'] as const;
const DEVICE_NUMBERS = ['hardwareConcurrency', 'deviceMemoryGB', 'wasmThreadCount'] as const;
const DEVICE_FLAGS = ['crossOriginIsolated', 'wasmSimd', 'wasmThreads'] as const;

/** A device description from its JSON: the fields DeviceInfo knows, each of its type (the page
 *  renders them; an object where a text belongs would break it), others dropped. */
function readDevice(text: string): DeviceInfo {
  let d: unknown;
  try {
    d = JSON.parse(text);
  } catch {
    d = null;
  }
  const o = d as Record<string, unknown> | null;
  if (!o || typeof o !== 'object' || typeof o.backend !== 'string' || typeof o.runtime !== 'string') {
    throw new LinkError('the results link describes its device in a form this version cannot read');
  }
  const device: Record<string, unknown> = { backend: o.backend, runtime: o.runtime };
  for (const k of DEVICE_TEXTS) if (typeof o[k] === 'string') device[k] = o[k];
  for (const k of DEVICE_NUMBERS) if (typeof o[k] === 'number' && Number.isFinite(o[k])) device[k] = o[k];
  for (const k of DEVICE_FLAGS) if (typeof o[k] === 'boolean') device[k] = o[k];
  return device as unknown as DeviceInfo;
}

export function readResults(r: ByteReader): ResultsLink {
  const candidates = readCandidates(r);
  const count = r.uint();
  if (count > RESULTS_LIMITS.series) {
    throw new LinkError(`the link holds more device series (over ${RESULTS_LIMITS.series}) than this app reads`);
  }
  const series: ResultsSeries[] = [];
  const readMeasurements = (keys: readonly string[], tokens: number, at: string) =>
    keys.map((archKey): Measurement | null => {
      if (r.byte() === 0) return null;
      const prefill = readTiming(r);
      const decode = readTiming(r);
      const firstRunMs = r.fixed(US);
      const peak = r.uint();
      const peakBytes = peak === 0 ? null : peak; // 0: not reported (see writeMeasurement)
      const leakedTensors = r.uint();
      const slices = r.uint();
      return { archKey, tokens, prefill, decode, firstRunMs, peakBytes, leakedTensors, ...(slices > 1 ? { slices } : {}), at };
    });
  const keys = candidates.map(archKey);
  for (let i = 0; i < count; i++) {
    const label = r.string(RESULTS_LIMITS.labelBytes, 'a series name');
    const backend = r.string(RESULTS_LIMITS.nameBytes, 'a backend name');
    const device = readDevice(r.string(RESULTS_LIMITS.deviceBytes, 'a device description'));
    const thread = r.string(RESULTS_LIMITS.nameBytes, 'a thread name');
    const tokens = r.uint();
    if (tokens > LIMITS.contextLength) throw new LinkError(`the link holds a series of T = ${tokens}, longer than any context`);
    const seconds = r.uint();
    if (seconds > RESULTS_LIMITS.atSeconds) throw new LinkError('the link holds a measuring time past the year 9999');
    const at = new Date(seconds * 1000).toISOString();
    series.push({ label, backend, device, thread, tokens, at, measurements: readMeasurements(keys, tokens, at) });
  }
  if (r.done) return { candidates, series };
  const groups = r.uint();
  if (groups > RESULTS_LIMITS.groups) {
    throw new LinkError(`the link holds more kinds of model (over ${RESULTS_LIMITS.groups}) than this app reads`);
  }
  for (let g = 0; g < groups; g++) {
    const room = RESULTS_LIMITS.candidates - candidates.length;
    if (room < 1) throw new LinkError(`the link holds more than ${RESULTS_LIMITS.candidates} candidates; this app reads up to that many`);
    const archs = readCandidates(r, Math.min(room, MAX_LINK_CANDIDATES));
    const groupKeys = archs.map(archKey);
    candidates.push(...archs);
    for (const s of series) s.measurements.push(...readMeasurements(groupKeys, s.tokens, s.at));
  }
  if (!r.done) {
    for (const s of series) {
      const runtime: RuntimeName | undefined = RUNTIMES[r.byte()];
      if (!runtime) throw new LinkError('the link names a runtime this version does not know');
      if (runtime !== 'tfjs') s.runtime = runtime;
    }
  }
  return { candidates, series };
}

/** Measured series as results: the candidates are every arch any of them measured, in order
 *  of first appearance (any families: writeResults groups them). A series holding a key that
 *  does not parse as an arch is left for the caller to report. */
export function seriesToResults(series: readonly MeasuredSeries[]): { results: ResultsLink; leftOut: MeasuredSeries[] } {
  const keys: string[] = [];
  const archs: Arch[] = [];
  const kept: MeasuredSeries[] = [];
  const leftOut: MeasuredSeries[] = [];
  for (const s of series) {
    const parsed = Object.keys(s.byArch).map((k) => [k, parseArchKey(k)] as const);
    if (parsed.some(([, a]) => !a)) {
      leftOut.push(s);
      continue;
    }
    kept.push(s);
    for (const [k, a] of parsed) {
      if (!keys.includes(k)) {
        keys.push(k);
        archs.push(a!);
      }
    }
  }
  const results: ResultsLink = {
    candidates: archs,
    series: kept.map((s) => {
      const ats = Object.values(s.byArch).map((m) => m.at);
      return {
        label: s.label,
        ...(s.runtime === 'tfjs' ? {} : { runtime: s.runtime }),
        backend: s.backend,
        device: s.device,
        thread: s.thread,
        tokens: s.tokens,
        at: ats.sort().at(-1) ?? new Date(0).toISOString(),
        measurements: keys.map((k) => s.byArch[k] ?? null),
      };
    }),
  };
  return { results, leftOut };
}

/** The results as a JSON file (the phone's "Download JSON"): readable, and imported like the link. */
export const RESULTS_FILE_FORMAT = 'lm-frontier-results';

export function resultsToJson(link: ResultsLink): string {
  return JSON.stringify({ format: RESULTS_FILE_FORMAT, version: LINK_VERSION, ...link }, null, 2);
}

/** Reads a results file; anything that is not one says why. Every candidate and figure is
 *  checked as a results link's would be (the file goes through the same reader). */
export function parseResultsJson(text: string): ResultsLink {
  let o: { format?: unknown; version?: unknown; candidates?: unknown; series?: unknown };
  try {
    o = JSON.parse(text);
  } catch {
    throw new LinkError('the file is not JSON');
  }
  if (!o || o.format !== RESULTS_FILE_FORMAT)
    throw new LinkError(`the file is not LM Frontier results (no "format": "${RESULTS_FILE_FORMAT}")`);
  if (typeof o.version !== 'number' || o.version > LINK_VERSION)
    throw new LinkError('the results file comes from a newer version of LM Frontier');
  if (!Array.isArray(o.candidates) || !Array.isArray(o.series)) throw new LinkError('the results file lists no candidates or no series');
  const w = new ByteWriter();
  try {
    writeResults(w, { candidates: o.candidates as Arch[], series: o.series as ResultsSeries[] });
    return readResults(new ByteReader(w.finish()));
  } catch (e) {
    throw e instanceof LinkError ? e : new LinkError(`the results file does not hold valid results: ${(e as Error).message}`);
  }
}

/** What a measure page sends back: per device series, the link's candidates measured since
 *  `since` (ISO time; earlier visits to the page are not this request's answer). */
export function resultsSince(series: readonly MeasuredSeries[], candidates: readonly Arch[], since: string): ResultsLink {
  const keys = candidates.map(archKey);
  const out: ResultsSeries[] = [];
  for (const s of series) {
    const measurements = keys.map((k) => {
      const m = s.byArch[k];
      return m && m.at >= since ? m : null;
    });
    const ats = measurements.flatMap((m) => (m ? [m.at] : []));
    if (ats.length === 0) continue;
    out.push({
      label: '',
      ...(s.runtime === 'tfjs' ? {} : { runtime: s.runtime }),
      backend: s.backend,
      device: s.device,
      thread: s.thread,
      tokens: s.tokens,
      at: ats.sort().at(-1)!,
      measurements,
    });
  }
  return { candidates: [...candidates], series: out };
}
