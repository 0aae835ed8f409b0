// The three links of LM Frontier and what they carry, as bytes (linkCodec.ts) behind a URL hash
// `#v=<version>&<kind>=<payload>`:
//   s  share    a search and its view (the property table lives in state/shareLink.ts), maybe
//               with measured device series;
//   m  measure  candidates (candidateCodec.ts), the workload, the runtime and the backends to try,
//               for a phone;
//   r  results  what the phone measured: its device and runtime, and per candidate medians and spread.
// The hash never reaches a server. `v` is the link format's version: a link of an older version
// is migrated on read (state/shareLink.ts keeps the share link's migrations); a newer one is
// refused with a sentence saying so.
import { archKey, parseArchKey, type Arch } from './arch';
import { BACKENDS, RUNTIMES, runtimeBackends, type BackendName, type RuntimeName } from './backendNames';
import { BASELINE_IDS, baselineById, type BaselineId } from './baselines';
import { MAX_LINK_CANDIDATES, readCandidates, writeCandidates } from './candidateCodec';
import type { DeviceInfo } from './deviceInfo';
import { ByteReader, ByteWriter, decodePayload, encodePayload, LinkError, MAX_LINK_TEXT } from './linkCodec';
import type { MeasuredSeries, Measurement, TimingSummary } from './measurements';
import { archBase, unpackArch, type PackedSnapshot } from './packed';
import type { SearchConfig } from './search';
import { LIMITS } from './validate';

export const LINK_VERSION = 1;

export type LinkKind = 's' | 'm' | 'r';
const KINDS: readonly LinkKind[] = ['s', 'm', 'r'];

export const linkHash = (kind: LinkKind, payload: string): string => `#v=${LINK_VERSION}&${kind}=${payload}`;

/** The link in a URL hash, or null when the hash holds none (a plain visit). */
export function readLinkHash(hash: string): { version: number; kind: LinkKind; payload: string } | null {
  if (hash.length > MAX_LINK_TEXT) {
    throw new LinkError(
      `the link is ${hash.length.toLocaleString('en-US')} characters long; this app reads links up to ${MAX_LINK_TEXT.toLocaleString('en-US')}`,
    );
  }
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const kind = KINDS.find((k) => params.has(k));
  if (!kind) return null;
  const version = Number(params.get('v') ?? '1');
  if (!Number.isInteger(version) || version < 1) throw new LinkError(`the link's version "${params.get('v')}" is not one this app wrote`);
  if (version > LINK_VERSION) {
    throw new LinkError(
      `the link comes from a newer version of LM Frontier (link version ${version}, this app reads up to ${LINK_VERSION})`,
    );
  }
  return { version, kind, payload: params.get(kind) ?? '' };
}

// ---------------------------------------------------------------------------------------------
// Measure link

export interface MeasureLink {
  candidates: Arch[];
  /** Prefill length T (and decode context). */
  tokens: number;
  runs: number;
  minTimeMs: number;
  rounds: number;
  /** Backends to offer, in order; the first is the default. */
  backends: BackendName[];
  /** Known models to time beside the candidates (core/baselines), by id. A link made before
   *  baselines existed ends after the candidates and reads as none. */
  baselines?: BaselineId[];
  /** The runtime to time in; absent = tfjs (a link made before ONNX Runtime ends before it). */
  runtime?: RuntimeName;
}

/** Everything a measure link asks to time: its candidates, then its baselines. */
export const measureLinkArchs = (link: MeasureLink): Arch[] => [
  ...link.candidates,
  ...(link.baselines ?? []).flatMap((id) => baselineById(id)?.arch ?? []),
];

const backendMask = (backends: readonly BackendName[]) => backends.reduce((m, b) => m | (1 << BACKENDS.indexOf(b)), 0);
const maskBackends = (mask: number) => BACKENDS.filter((_, i) => mask & (1 << i));

export async function encodeMeasureLink(link: MeasureLink): Promise<string> {
  const w = new ByteWriter();
  w.uint(link.tokens).uint(link.runs).uint(link.minTimeMs).uint(link.rounds).byte(backendMask(link.backends));
  w.byte(BACKENDS.indexOf(link.backends[0] ?? 'wasm'));
  writeCandidates(w, link.candidates);
  // Baselines as a bit mask over BASELINE_IDS (append-only, like FAMILIES): one or two bytes;
  // then, on a runtime other than tfjs, its index in RUNTIMES (the mask written, 0 if need be, so
  // the runtime's byte has its place). A tfjs link ends as links did before ORT.
  const mask = (link.baselines ?? []).reduce((m, id) => m + 2 ** BASELINE_IDS.indexOf(id), 0);
  const runtime = link.runtime ?? 'tfjs';
  if (!RUNTIMES.includes(runtime)) throw new RangeError(`unknown runtime ${String(runtime)}`);
  if (mask || runtime !== 'tfjs') w.uint(mask);
  if (runtime !== 'tfjs') w.byte(RUNTIMES.indexOf(runtime));
  return encodePayload(w.finish());
}

export async function decodeMeasureLink(payload: string): Promise<MeasureLink> {
  const r = new ByteReader(await decodePayload(payload));
  const tokens = r.uint();
  const runs = r.uint();
  const minTimeMs = r.uint();
  const rounds = r.uint();
  const offered = maskBackends(r.byte());
  const first = BACKENDS[r.byte()];
  const candidates = readCandidates(r);
  const mask = r.done ? 0 : r.uint();
  if (mask >= 2 ** BASELINE_IDS.length) throw new LinkError('the measure link names a baseline this version does not know');
  const baselines = BASELINE_IDS.filter((_, i) => Math.floor(mask / 2 ** i) % 2 === 1);
  const runtime: RuntimeName | undefined = r.done ? 'tfjs' : RUNTIMES[r.byte()];
  if (!runtime) throw new LinkError('the measure link names a runtime this version does not know');
  if (tokens < 1 || runs < 1 || rounds < 1 || runs > 1000 || rounds > 10 || minTimeMs > 600_000) {
    throw new LinkError('the measure link asks for a workload out of range (T, runs, time or rounds)');
  }
  const short = [...candidates, ...baselines.map((id) => baselineById(id)!.arch)].find((a) => tokens + 1 > a.contextLength);
  if (short)
    throw new LinkError(
      `the measure link asks for T = ${tokens}, which leaves no room for a decode step in a context of ${short.contextLength}`,
    );
  const ordered: BackendName[] = first && offered.includes(first) ? [first, ...offered.filter((b) => b !== first)] : offered;
  const backends = ordered.filter((b) => runtimeBackends(runtime).includes(b)); // ORT offers wasm and webgpu
  return {
    candidates,
    tokens,
    runs,
    minTimeMs,
    rounds,
    backends: backends.length ? backends : ['wasm'],
    ...(baselines.length ? { baselines } : {}),
    ...(runtime === 'tfjs' ? {} : { runtime }),
  };
}

// ---------------------------------------------------------------------------------------------
// Results link

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

/** A short fingerprint of a frontier (FNV-1a over its sorted arch keys, 8 hex digits): a link
 *  carries the sender's, so a reproduced search that came out otherwise says so. */
export function frontierFingerprint(snapshot: PackedSnapshot, config: SearchConfig): string {
  const base = archBase(config);
  const keys = Array.from({ length: snapshot.frontier.count }, (_, i) => archKey(unpackArch(snapshot.frontier, i, base))).sort();
  let h = 0x811c9dc5;
  for (const c of new TextEncoder().encode(keys.join('\n'))) h = Math.imul(h ^ c, 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0');
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
