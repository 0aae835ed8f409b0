// The share link: everything that reproduces a search and its view, one row per setting
// (TensorFlow Playground's property table: adding a setting is one row here), written as a
// positional JSON array (no keys) behind core/links' `#v=1&s=` framing, plus the measured device
// series while they fit. Rows keep their order for ever: a new setting is appended, and a link
// of an older version is brought up to date by MIGRATIONS before it is read.
import { FAMILIES } from '../core/arch';
import {
  ByteReader,
  ByteWriter,
  decodePayload,
  encodePayload,
  LinkError,
  readProperties,
  writeProperties,
  type LinkProperty,
} from '../core/linkCodec';
import { LINK_VERSION, linkHash, readResults, seriesToResults, writeResults, type ResultsLink } from '../core/links';
import type { MeasuredSeries } from '../core/measurements';
import { parsePredictor, type LatencyPredictor } from '../core/predictor';
import { PROXY_IDS } from '../core/proxies';
import { SPACE_PRESETS } from '../core/space';
import { X_METRICS, Y_METRICS } from '../view/axes';
import type { ViewSettings } from '../view/chartData';
import { defaultSettings, MAX_EVALUATIONS, type Settings } from './settings';

export interface ShareState {
  settings: Settings;
  view: ViewSettings;
  /** The selected candidate's id in the run (ids are deterministic for a seed); null = none. */
  selectedId: number | null;
  /** The frontier's fingerprint (core/links) when the link was made after the run; '' = none. */
  fingerprint: string;
}

/** Measured series may add this much to a link before the rest is left to the JSON file. */
export const MEASURED_LINK_BUDGET = 8000;

type Row = LinkProperty<ShareState>;
type NumberRow = Extract<Row, { type: 'int' | 'number' }>;
const num = (
  name: string,
  min: number,
  max: number,
  get: (s: ShareState) => number | null,
  set: (s: ShareState, v: number) => void,
  nullable = false,
): NumberRow => ({
  name,
  type: 'number',
  min,
  max,
  nullable,
  default: get(defaults()),
  get,
  set: set as Row['set'],
});
const int = (
  name: string,
  min: number,
  max: number,
  get: (s: ShareState) => number | null,
  set: (s: ShareState, v: number) => void,
): NumberRow => ({
  ...num(name, min, max, get, set),
  type: 'int',
});
const bool = (name: string, get: (s: ShareState) => boolean, set: (s: ShareState, v: boolean) => void): Row => ({
  name,
  type: 'bool',
  default: get(defaults()),
  get,
  set: set as Row['set'],
});
const choice = (name: string, values: readonly string[], get: (s: ShareState) => string, set: (s: ShareState, v: string) => void): Row => ({
  name,
  type: 'enum',
  values,
  default: get(defaults()),
  get,
  set: set as Row['set'],
});
const text = (
  name: string,
  maxLength: number,
  get: (s: ShareState) => string,
  set: (s: ShareState, v: string) => void,
  valid?: (text: string) => boolean,
): Row => ({
  name,
  type: 'string',
  maxLength,
  default: get(defaults()),
  get,
  set: set as Row['set'],
  ...(valid ? { valid } : {}),
});

function defaults(): ShareState {
  return {
    settings: defaultSettings(),
    view: { x: 'latency-decode', y: 'decoder-params', logX: false, logY: false, showDominated: true, showInfeasible: false },
    selectedId: null,
    fingerprint: '',
  };
}

/** Version 1 of the share link, in order. Append only. */
export const SHARE_TABLE: readonly Row[] = [
  choice(
    'preset',
    [...SPACE_PRESETS.map((p) => p.id), 'custom'],
    (s) => s.settings.presetId,
    (s, v) => (s.settings.presetId = v as Settings['presetId']),
  ),
  choice(
    'family',
    FAMILIES,
    (s) => s.settings.space.family,
    (s, v) => (s.settings.space.family = v as Settings['space']['family']),
  ),
  int(
    'vocab',
    1,
    1_000_000,
    (s) => s.settings.space.vocabSize,
    (s, v) => (s.settings.space.vocabSize = v),
  ),
  int(
    'context',
    1,
    1_048_576,
    (s) => s.settings.space.contextLength,
    (s, v) => (s.settings.space.contextLength = v),
  ),
  bool(
    'tie',
    (s) => s.settings.space.tieEmbeddings,
    (s, v) => (s.settings.space.tieEmbeddings = v),
  ),
  int(
    'layersMin',
    1,
    512,
    (s) => s.settings.space.layersMin,
    (s, v) => (s.settings.space.layersMin = v),
  ),
  int(
    'layersMax',
    1,
    512,
    (s) => s.settings.space.layersMax,
    (s, v) => (s.settings.space.layersMax = v),
  ),
  int(
    'dModelMin',
    1,
    65_536,
    (s) => s.settings.space.dModelMin,
    (s, v) => (s.settings.space.dModelMin = v),
  ),
  int(
    'dModelMax',
    1,
    65_536,
    (s) => s.settings.space.dModelMax,
    (s, v) => (s.settings.space.dModelMax = v),
  ),
  int(
    'dModelStep',
    1,
    65_536,
    (s) => s.settings.space.dModelStep,
    (s, v) => (s.settings.space.dModelStep = v),
  ),
  text(
    'heads',
    200,
    (s) => s.settings.space.heads,
    (s, v) => (s.settings.space.heads = v),
  ),
  text(
    'kvHeads',
    200,
    (s) => s.settings.space.kvHeads,
    (s, v) => (s.settings.space.kvHeads = v),
  ),
  int(
    'dInnerMin',
    1,
    262_144,
    (s) => s.settings.space.dInnerMin,
    (s, v) => (s.settings.space.dInnerMin = v),
  ),
  int(
    'dInnerMax',
    1,
    262_144,
    (s) => s.settings.space.dInnerMax,
    (s, v) => (s.settings.space.dInnerMax = v),
  ),
  int(
    'dInnerStep',
    1,
    262_144,
    (s) => s.settings.space.dInnerStep,
    (s, v) => (s.settings.space.dInnerStep = v),
  ),
  bool(
    'heterogeneous',
    (s) => s.settings.space.heterogeneous,
    (s, v) => (s.settings.space.heterogeneous = v),
  ),
  num(
    'minFfnRatio',
    0,
    100,
    (s) => s.settings.space.minFfnRatio,
    (s, v) => (s.settings.space.minFfnRatio = v),
  ),
  num(
    'paramsM',
    0,
    1e7,
    (s) => s.settings.budgets.paramsM,
    (s, v) => (s.settings.budgets.paramsM = v),
    true,
  ),
  choice(
    'paramsKind',
    ['total', 'decoder'],
    (s) => s.settings.budgets.paramsKind,
    (s, v) => (s.settings.budgets.paramsKind = v as 'total' | 'decoder'),
  ),
  num(
    'mflopsPerToken',
    0,
    1e12,
    (s) => s.settings.budgets.mflopsPerToken,
    (s, v) => (s.settings.budgets.mflopsPerToken = v),
    true,
  ),
  num(
    'memoryMB',
    0,
    1e9,
    (s) => s.settings.budgets.memoryMB,
    (s, v) => (s.settings.budgets.memoryMB = v),
    true,
  ),
  num(
    'latencyMs',
    0,
    1e9,
    (s) => s.settings.budgets.latencyMs,
    (s, v) => (s.settings.budgets.latencyMs = v),
    true,
  ),
  choice(
    'proxy',
    PROXY_IDS,
    (s) => s.settings.objectives.proxy,
    (s, v) => (s.settings.objectives.proxy = v as Settings['objectives']['proxy']),
  ),
  choice(
    'workload',
    ['decode', 'prefill'],
    (s) => s.settings.objectives.workload,
    (s, v) => (s.settings.objectives.workload = v as 'decode' | 'prefill'),
  ),
  bool(
    'merino',
    (s) => s.settings.objectives.merino,
    (s, v) => (s.settings.objectives.merino = v),
  ),
  num(
    'aAtt',
    0,
    1e3,
    (s) => s.settings.objectives.entropy.aAtt,
    (s, v) => (s.settings.objectives.entropy = { ...s.settings.objectives.entropy, aAtt: v }),
  ),
  num(
    'aFfn',
    0,
    1e3,
    (s) => s.settings.objectives.entropy.aFfn,
    (s, v) => (s.settings.objectives.entropy = { ...s.settings.objectives.entropy, aFfn: v }),
  ),
  num(
    'rho0',
    0,
    1e3,
    (s) => s.settings.objectives.entropy.rho0,
    (s, v) => (s.settings.objectives.entropy = { ...s.settings.objectives.entropy, rho0: v }),
  ),
  int(
    'evaluations',
    1,
    MAX_EVALUATIONS,
    (s) => s.settings.evaluations,
    (s, v) => (s.settings.evaluations = v),
  ),
  int(
    'seed',
    0,
    2 ** 32 - 1,
    (s) => s.settings.seed,
    (s, v) => (s.settings.seed = v),
  ),
  num(
    'gflops',
    1e-6,
    1e9,
    (s) => s.settings.profile.gflops,
    (s, v) => (s.settings.profile = { ...s.settings.profile, gflops: v }),
  ),
  num(
    'gbps',
    1e-6,
    1e9,
    (s) => s.settings.profile.gbps,
    (s, v) => (s.settings.profile = { ...s.settings.profile, gbps: v }),
  ),
  num(
    'overheadMsPerKernel',
    0,
    1e3,
    (s) => s.settings.profile.overheadMsPerKernel,
    (s, v) => (s.settings.profile = { ...s.settings.profile, overheadMsPerKernel: v }),
  ),
  text(
    'profileLabel',
    300,
    (s) => s.settings.profile.label,
    (s, v) => (s.settings.profile = { ...s.settings.profile, label: v }),
  ),
  choice(
    'x',
    X_METRICS,
    (s) => s.view.x,
    (s, v) => (s.view.x = v as ViewSettings['x']),
  ),
  choice(
    'y',
    Y_METRICS,
    (s) => s.view.y,
    (s, v) => (s.view.y = v as ViewSettings['y']),
  ),
  bool(
    'logX',
    (s) => s.view.logX,
    (s, v) => (s.view.logX = v),
  ),
  bool(
    'logY',
    (s) => s.view.logY,
    (s, v) => (s.view.logY = v),
  ),
  bool(
    'showDominated',
    (s) => s.view.showDominated,
    (s, v) => (s.view.showDominated = v),
  ),
  bool(
    'showInfeasible',
    (s) => s.view.showInfeasible,
    (s, v) => (s.view.showInfeasible = v),
  ),
  {
    ...int(
      'selected',
      0,
      2 ** 31 - 1,
      (s) => s.selectedId,
      (s, v) => (s.selectedId = v),
    ),
    nullable: true,
    default: null,
  },
  text(
    'fingerprint',
    16,
    (s) => s.fingerprint,
    (s, v) => (s.fingerprint = v),
  ),
  // Appended after the first links of version 1 (a link without it reads as "no predictor").
  text(
    'predictor',
    4000,
    (s) => (s.settings.predictor ? JSON.stringify(s.settings.predictor, (k, v) => (k === 'tried' ? undefined : v)) : ''),
    (s, v) => (s.settings.predictor = v ? predictorFromText(v) : null),
    (v) => v === '' || predictorFromText(v) !== null,
  ),
];

/** A predictor from its link text, or null when the text is not one. */
function predictorFromText(text: string): LatencyPredictor | null {
  try {
    return parsePredictor(JSON.parse(text));
  } catch {
    return null;
  }
}

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
  const left = leftOut.map((s) => `${s.label} (another model family than the first series)`);
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
    const hash = await encode(keys.size ? trimmed : null);
    if (hash.length - bare.length <= MEASURED_LINK_BUDGET) return { hash, leftOut: left };
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
  const r = new ByteReader(await decodePayload(payload));
  let values: unknown;
  try {
    values = JSON.parse(r.string());
  } catch {
    throw new LinkError('the share link is damaged: its settings cannot be read');
  }
  if (!Array.isArray(values)) throw new LinkError('the share link is damaged: its settings cannot be read');
  for (let v = version; v < LINK_VERSION; v++) values = MIGRATIONS[v - 1](values as unknown[]);
  const state = defaults();
  const problems = readProperties(SHARE_TABLE, values as unknown[], state);
  const measured = !r.done && r.byte() === 1 ? readResults(r) : null;
  return { state, measured, problems };
}
