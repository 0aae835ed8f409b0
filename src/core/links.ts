// The three links of LM Frontier and what they carry, as bytes (linkCodec.ts) behind a URL hash
// `#v=<version>&<kind>=<payload>`:
//   s  share    a search and its view (the property table lives in state/shareLink.ts), maybe
//               with measured device series;
//   m  measure  candidates (candidateCodec.ts), the workload and the backends to try, for a phone;
//   r  results  what the phone measured: its device, and per candidate medians and spread.
// The hash never reaches a server. `v` is the link format's version: a link of an older version
// is migrated on read (state/shareLink.ts keeps the share link's migrations); a newer one is
// refused with a sentence saying so.
import type { Arch } from './arch';
import { BACKENDS, type BackendName } from './backendNames';
import { readCandidates, writeCandidates } from './candidateCodec';
import type { DeviceInfo } from './deviceInfo';
import { ByteReader, ByteWriter, decodePayload, encodePayload, LinkError } from './linkCodec';
import type { Measurement, TimingSummary } from './measurements';
import { archKey } from './arch';

export const LINK_VERSION = 1;

export type LinkKind = 's' | 'm' | 'r';
const KINDS: readonly LinkKind[] = ['s', 'm', 'r'];

export const linkHash = (kind: LinkKind, payload: string): string => `#v=${LINK_VERSION}&${kind}=${payload}`;

/** The link in a URL hash, or null when the hash holds none (a plain visit). */
export function readLinkHash(hash: string): { version: number; kind: LinkKind; payload: string } | null {
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
}

const backendMask = (backends: readonly BackendName[]) => backends.reduce((m, b) => m | (1 << BACKENDS.indexOf(b)), 0);
const maskBackends = (mask: number) => BACKENDS.filter((_, i) => mask & (1 << i));

export async function encodeMeasureLink(link: MeasureLink): Promise<string> {
  const w = new ByteWriter();
  w.uint(link.tokens).uint(link.runs).uint(link.minTimeMs).uint(link.rounds).byte(backendMask(link.backends));
  w.byte(BACKENDS.indexOf(link.backends[0] ?? 'wasm'));
  writeCandidates(w, link.candidates);
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
  if (tokens < 1 || runs < 1 || rounds < 1 || runs > 1000 || rounds > 10 || minTimeMs > 600_000) {
    throw new LinkError('the measure link asks for a workload out of range (T, runs, time or rounds)');
  }
  const short = candidates.find((a) => tokens + 1 > a.contextLength);
  if (short)
    throw new LinkError(
      `the measure link asks for T = ${tokens}, which leaves no room for a decode step in a context of ${short.contextLength}`,
    );
  const backends: BackendName[] = first && offered.includes(first) ? [first, ...offered.filter((b) => b !== first)] : offered;
  return { candidates, tokens, runs, minTimeMs, rounds, backends: backends.length ? backends : ['wasm'] };
}

// ---------------------------------------------------------------------------------------------
// Results link

export interface ResultsSeries {
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
  writeCandidates(w, link.candidates);
  w.uint(link.series.length);
  for (const s of link.series) {
    w.string(s.backend)
      .string(JSON.stringify(s.device))
      .string(s.thread)
      .uint(s.tokens)
      .uint(Math.round(Date.parse(s.at) / 1000));
    for (const m of s.measurements) {
      w.byte(m ? 1 : 0);
      if (!m) continue;
      writeTiming(w, m.prefill);
      writeTiming(w, m.decode);
      w.fixed(m.firstRunMs, US)
        .uint(m.peakBytes)
        .uint(m.leakedTensors)
        .uint(m.slices ?? 1);
    }
  }
  return encodePayload(w.finish());
}

const isDeviceInfo = (d: unknown): d is DeviceInfo =>
  !!d && typeof d === 'object' && typeof (d as DeviceInfo).backend === 'string' && typeof (d as DeviceInfo).runtime === 'string';

export async function decodeResultsLink(payload: string): Promise<ResultsLink> {
  const r = new ByteReader(await decodePayload(payload));
  const candidates = readCandidates(r);
  const keys = candidates.map(archKey);
  const count = r.uint();
  if (count > 16) throw new LinkError('the results link holds more device series than any phone sends');
  const series: ResultsSeries[] = [];
  for (let i = 0; i < count; i++) {
    const backend = r.string();
    let device: unknown;
    try {
      device = JSON.parse(r.string());
    } catch {
      throw new LinkError('the results link describes its device in a form this version cannot read');
    }
    if (!isDeviceInfo(device)) throw new LinkError('the results link describes its device in a form this version cannot read');
    const thread = r.string();
    const tokens = r.uint();
    const at = new Date(r.uint() * 1000).toISOString();
    const measurements = keys.map((archKey): Measurement | null => {
      if (r.byte() === 0) return null;
      const prefill = readTiming(r);
      const decode = readTiming(r);
      const firstRunMs = r.fixed(US);
      const peakBytes = r.uint();
      const leakedTensors = r.uint();
      const slices = r.uint();
      return { archKey, tokens, prefill, decode, firstRunMs, peakBytes, leakedTensors, ...(slices > 1 ? { slices } : {}), at };
    });
    series.push({ backend, device, thread, tokens, at, measurements });
  }
  return { candidates, series };
}
