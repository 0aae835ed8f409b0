// The three links of LM Frontier and what they carry, as bytes (linkCodec.ts) behind a URL hash
// `#v=<version>&<kind>=<payload>`:
//   s  share    a search and its view (the property table lives in state/shareLink.ts), maybe
//               with measured device series;
//   m  measure  candidates (candidateCodec.ts), the workload, the runtime and the backends to try,
//               for a phone;
//   r  results  what the phone measured: its device and runtime, and per candidate medians and spread
//               (resultsLink.ts).
// The hash never reaches a server. `v` is the link format's version: a link of an older version
// is migrated on read (state/shareLink.ts keeps the share link's migrations); a newer one is
// refused with a sentence saying so.
import { archKey, type Arch } from './arch';
import { BACKENDS, RUNTIMES, runtimeBackends, type BackendName, type RuntimeName } from './backendNames';
import { BASELINE_IDS, baselineById, type BaselineId } from './baselines';
import { readCandidates, writeCandidates } from './candidateCodec';
import { ByteReader, ByteWriter, decodePayload, encodePayload, LinkError, MAX_LINK_TEXT } from './linkCodec';
import { archBase, unpackArch, type PackedSnapshot } from './packed';
import type { SearchConfig } from './search';

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

/** A short fingerprint of a frontier (FNV-1a over its sorted arch keys, 8 hex digits): a link
 *  carries the sender's, so a reproduced search that came out otherwise says so. */
export function frontierFingerprint(snapshot: PackedSnapshot, config: SearchConfig): string {
  const base = archBase(config);
  const keys = Array.from({ length: snapshot.frontier.count }, (_, i) => archKey(unpackArch(snapshot.frontier, i, base))).sort();
  let h = 0x811c9dc5;
  for (const c of new TextEncoder().encode(keys.join('\n'))) h = Math.imul(h ^ c, 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0');
}
