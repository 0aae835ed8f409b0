// The share link: the property table's values (shareTable.ts) as a positional JSON array (no
// keys) behind core/links' `#v=1&s=` framing, plus the measured device series while they fit. A
// link of an older version is brought up to date by MIGRATIONS before it is read.
import {
  ByteReader,
  ByteWriter,
  decodePayload,
  encodePayload,
  LinkError,
  MAX_LINK_TEXT,
  readProperties,
  writeProperties,
} from '../core/linkCodec';
import { LINK_VERSION, linkHash } from '../core/links';
import { readResults, RESULTS_LIMITS, seriesToResults, writeResults, type ResultsLink } from '../core/resultsLink';
import type { MeasuredSeries } from '../core/measurements';
import { defaultShareState, SHARE_TABLE, type ShareState } from './shareTable';

/** Measured series may add this much to a link before the rest is left to the JSON file. */
export const MEASURED_LINK_BUDGET = 8000;

/** Migrations of the positional values, MIGRATIONS[v - 1] taking version v to v + 1 (none yet:
 *  version 1 is the first; a later version appends rows and adds a step here). */
const MIGRATIONS: readonly ((values: unknown[]) => unknown[])[] = [];

export interface ShareLink {
  /** The URL hash, `#v=1&s=...`. */
  hash: string;
  /** Device series that did not travel (too large for a link, or of another model family). */
  leftOut: string[];
}

/** The share link of `state` with as many of `series` as fit in MEASURED_LINK_BUDGET characters. */
export async function encodeShareLink(state: ShareState, series: readonly MeasuredSeries[] = []): Promise<ShareLink> {
  const values = JSON.stringify(writeProperties(SHARE_TABLE, state));
  const encode = async (measured: ResultsLink | null) => {
    const w = new ByteWriter().string(values).byte(measured ? 1 : 0);
    if (measured) writeResults(w, measured);
    return linkHash('s', await encodePayload(w.finish()));
  };
  const bare = await encode(null);
  const { results, leftOut } = seriesToResults(series);
  const left = leftOut.map((s) => `${s.label} (it holds a model this version cannot write)`);
  const kept = [...results.series];
  // Drop series from the end until the rest fits.
  while (kept.length > 0) {
    const keys = new Set(kept.flatMap((s) => s.measurements.flatMap((m) => (m ? [m.archKey] : []))));
    const used = results.candidates
      .map((_, i) => kept.some((s) => s.measurements[i]))
      .map((u, i) => (u ? i : -1))
      .filter((i) => i >= 0);
    const trimmed: ResultsLink = {
      candidates: used.map((i) => results.candidates[i]),
      series: kept.map((s) => ({ ...s, measurements: used.map((i) => s.measurements[i]) })),
    };
    // A link carries at most RESULTS_LIMITS' candidates and series (a receiver refuses more).
    const readable = trimmed.candidates.length <= RESULTS_LIMITS.candidates && trimmed.series.length <= RESULTS_LIMITS.series;
    const hash = readable ? await encode(keys.size ? trimmed : null) : '';
    if (readable && hash.length - bare.length <= MEASURED_LINK_BUDGET) return { hash, leftOut: left };
    left.unshift(`${kept.pop()!.label} (too large for a link)`);
  }
  return { hash: bare, leftOut: left };
}

export interface DecodedShareLink {
  state: ShareState;
  /** Measured device series that travelled with the link. */
  measured: ResultsLink | null;
  /** Settings the link held that did not fit their row (each kept its default). */
  problems: string[];
}

export async function decodeShareLink(payload: string, version: number = LINK_VERSION): Promise<DecodedShareLink> {
  if (!Number.isInteger(version) || version < 1 || version > LINK_VERSION) {
    throw new LinkError(`the link's version ${version} is not one this app reads (1 to ${LINK_VERSION})`);
  }
  const r = new ByteReader(await decodePayload(payload));
  // The settings are a JSON array of short values: far below the longest link text.
  const settings = r.string(MAX_LINK_TEXT, 'settings');
  let values: unknown;
  try {
    values = JSON.parse(settings);
  } catch {
    throw new LinkError('the share link is damaged: its settings cannot be read');
  }
  if (!Array.isArray(values)) throw new LinkError('the share link is damaged: its settings cannot be read');
  for (let v = version; v < LINK_VERSION; v++) values = MIGRATIONS[v - 1](values as unknown[]);
  const state = defaultShareState();
  const problems = readProperties(SHARE_TABLE, values as unknown[], state);
  const measured = !r.done && r.byte() === 1 ? readResults(r) : null;
  return { state, measured, problems };
}
