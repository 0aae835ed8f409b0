// The share link's property table (TensorFlow Playground's idea: adding a setting is one row):
// every setting that reproduces a search and its view, with its type, bounds and default, in an
// order that never changes. A new setting is appended; a link made before it reads as the default.
import { BACKENDS, type BackendName } from '../core/backendNames';
import { FAMILIES } from '../core/arch';
import { BASELINE_IDS, type BaselineId } from '../core/baselines';
import { PAPER_IDS, type PaperId } from '../core/papers';
import { type LinkProperty } from '../core/linkCodec';
import { parsePredictor, type LatencyPredictor } from '../core/predictor';
import { PROXY_IDS } from '../core/proxies';
import { SPACE_PRESETS } from '../core/space';
import { LIMITS } from '../core/validate';
import { X_METRICS, Y_METRICS } from '../view/axes';
import type { ViewSettings } from '../view/chartData';
import type { EntropyParams } from '../core/proxies';
import { PROFILE_GBPS_BOUNDS, PROFILE_GFLOPS_BOUNDS, PROFILE_OVERHEAD_US_BOUNDS, type DeviceProfile } from '../core/latency';
import { defaultSettings, MAX_EVALUATIONS, type BudgetsForm, type ObjectivesForm, type Settings, type SpaceForm } from './settings';

export interface ShareState {
  settings: Settings;
  view: ViewSettings;
  /** The selected candidate's id in the run (ids are deterministic for a seed); null = none. */
  selectedId: number | null;
  /** The frontier's fingerprint (core/links) when the link was made after the run; '' = none. */
  fingerprint: string;
}

type Row = LinkProperty<ShareState>;
type NumberRow = Extract<Row, { type: 'int' | 'number' }>;

/** Where a row's value lives in the state: read it, write it. */
type Access<V> = [get: (s: ShareState) => V, set: (s: ShareState, v: V) => void];

const row = <V>(name: string, [get, set]: Access<V>) => ({ name, default: get(defaultShareState()) as never, get, set: set as Row['set'] });
const num = <V extends number | null>(name: string, min: number, max: number, at: Access<V>, nullable = false): NumberRow => ({
  ...row(name, at),
  type: 'number',
  min,
  max,
  nullable,
});
const int = <V extends number | null>(name: string, min: number, max: number, at: Access<V>, nullable = false): NumberRow => ({
  ...num(name, min, max, at, nullable),
  type: 'int',
});
const bool = (name: string, at: Access<boolean>): Row => ({ ...row(name, at), type: 'bool' });
const choice = <V extends string>(name: string, values: readonly V[], at: Access<V>): Row => ({ ...row(name, at), type: 'enum', values });
const text = (name: string, maxLength: number, at: Access<string>, valid?: (text: string) => boolean): Row => ({
  ...row(name, at),
  type: 'string',
  maxLength,
  ...(valid ? { valid } : {}),
});

// Accessors by part of the state. Records are replaced, not edited in place, where the store
// shares them (entropy, profile).
const setting = <K extends 'presetId' | 'evaluations' | 'seed'>(k: K): Access<Settings[K]> => [
  (s) => s.settings[k],
  (s, v) => {
    s.settings[k] = v;
  },
];
const space = <K extends keyof SpaceForm>(k: K): Access<SpaceForm[K]> => [
  (s) => s.settings.space[k],
  (s, v) => {
    s.settings.space[k] = v;
  },
];
const budget = <K extends keyof BudgetsForm>(k: K): Access<BudgetsForm[K]> => [
  (s) => s.settings.budgets[k],
  (s, v) => {
    s.settings.budgets[k] = v;
  },
];
const objective = <K extends 'proxy' | 'workload' | 'merino'>(k: K): Access<ObjectivesForm[K]> => [
  (s) => s.settings.objectives[k],
  (s, v) => {
    s.settings.objectives[k] = v;
  },
];
const entropy = (k: keyof EntropyParams): Access<number> => [
  (s) => s.settings.objectives.entropy[k],
  (s, v) => {
    s.settings.objectives.entropy = { ...s.settings.objectives.entropy, [k]: v };
  },
];
const profile = <K extends keyof DeviceProfile>(k: K): Access<DeviceProfile[K]> => [
  (s) => s.settings.profile[k],
  (s, v) => {
    s.settings.profile = { ...s.settings.profile, [k]: v };
  },
];
/** The profile's backend ('' for none): it picks which kernels the analytic latency counts, so
 *  the recipient's search scores candidates as the sender's did. A link made before this row
 *  reads as ''; core/latency's profileBackend then reads a calibrated profile's label. */
const profileBackend: Access<'' | BackendName> = [
  (s) => s.settings.profile.backend ?? '',
  (s, v) => {
    const { backend: _old, ...rest } = s.settings.profile;
    s.settings.profile = v === '' ? rest : { ...rest, backend: v };
  },
];
const view = <K extends keyof ViewSettings>(k: K): Access<ViewSettings[K]> => [
  (s) => s.view[k],
  (s, v) => {
    s.view[k] = v;
  },
];
const predictor: Access<string> = [
  (s) => (s.settings.predictor ? JSON.stringify(s.settings.predictor, (k, v) => (k === 'tried' ? undefined : v)) : ''),
  (s, v) => {
    s.settings.predictor = v ? predictorFromText(v) : null;
  },
];

/**
 * Shown baselines as a bitmask over this list: bit i is LINK_BASELINES[i]. Append only (a link's
 * bits keep their meaning); every id of core/baselines must be here (a unit test checks).
 */
export const LINK_BASELINES: readonly BaselineId[] = [
  'gpt2',
  'gpt2-medium',
  'opt-125m',
  'opt-350m',
  'pythia-70m',
  'pythia-160m',
  'smollm-135m',
  'tinyllama-1.1b',
  'qwen2.5-0.5b',
  'lts-gpt2-16l',
];

export const baselinesToMask = (ids: readonly BaselineId[]): number =>
  LINK_BASELINES.reduce((mask, id, i) => (ids.includes(id) ? mask | (1 << i) : mask), 0);

/** The ids of a mask in the app's order (bits this version does not know are dropped). */
export const baselinesFromMask = (mask: number): BaselineId[] =>
  BASELINE_IDS.filter((id) => {
    const i = LINK_BASELINES.indexOf(id);
    return i >= 0 && (mask & (1 << i)) !== 0;
  });

const baselines: Access<number> = [
  (s) => baselinesToMask(s.settings.baselines),
  (s, v) => {
    s.settings.baselines = baselinesFromMask(v);
  },
];

const paper: Access<PaperId | 'none'> = [
  (s) => s.settings.paper ?? 'none',
  (s, v) => {
    s.settings.paper = v === 'none' ? null : v;
  },
];

/** The state a link without a value for a row gets (the app's defaults). */
export function defaultShareState(): ShareState {
  return {
    settings: defaultSettings(),
    view: { x: 'latency-decode', y: 'decoder-params', logX: false, logY: false, showDominated: true, showInfeasible: false },
    selectedId: null,
    fingerprint: '',
  };
}

/** Version 1 of the share link, in order. Append only. Every number has bounds: the space's are
 *  validate's LIMITS (the form's own checks then keep each range to MAX_CHOICES values),
 *  evaluations MAX_EVALUATIONS; the search runs in its worker, never on the page's thread. */
export const SHARE_TABLE: readonly Row[] = [
  choice('preset', [...SPACE_PRESETS.map((p) => p.id), 'custom' as const], setting('presetId')),
  choice('family', FAMILIES, space('family')),
  int('vocab', 1, LIMITS.vocabSize, space('vocabSize')),
  int('context', 1, LIMITS.contextLength, space('contextLength')),
  bool('tie', space('tieEmbeddings')),
  int('layersMin', 1, LIMITS.nLayer, space('layersMin')),
  int('layersMax', 1, LIMITS.nLayer, space('layersMax')),
  int('dModelMin', 1, LIMITS.dModel, space('dModelMin')),
  int('dModelMax', 1, LIMITS.dModel, space('dModelMax')),
  int('dModelStep', 1, LIMITS.dModel, space('dModelStep')),
  text('heads', 200, space('heads')),
  text('kvHeads', 200, space('kvHeads')),
  int('dInnerMin', 1, LIMITS.dInner, space('dInnerMin')),
  int('dInnerMax', 1, LIMITS.dInner, space('dInnerMax')),
  int('dInnerStep', 1, LIMITS.dInner, space('dInnerStep')),
  bool('heterogeneous', space('heterogeneous')),
  num('minFfnRatio', 0, 100, space('minFfnRatio')),
  num('paramsM', 0, 1e7, budget('paramsM'), true),
  choice('paramsKind', ['total', 'decoder'], budget('paramsKind')),
  num('mflopsPerToken', 0, 1e12, budget('mflopsPerToken'), true),
  num('memoryMB', 0, 1e9, budget('memoryMB'), true),
  num('latencyMs', 0, 1e9, budget('latencyMs'), true),
  choice('proxy', PROXY_IDS, objective('proxy')),
  choice('workload', ['decode', 'prefill'], objective('workload')),
  bool('merino', objective('merino')),
  num('aAtt', 0, 1e3, entropy('aAtt')),
  num('aFfn', 0, 1e3, entropy('aFfn')),
  num('rho0', 0, 1e3, entropy('rho0')),
  int('evaluations', 1, MAX_EVALUATIONS, setting('evaluations')),
  int('seed', 0, 2 ** 32 - 1, setting('seed')),
  // The bounds a stored or calibrated profile must meet (core/latency): a link cannot bring the
  // absurd profile that local storage is refused.
  num('gflops', PROFILE_GFLOPS_BOUNDS.min, PROFILE_GFLOPS_BOUNDS.max, profile('gflops')),
  num('gbps', PROFILE_GBPS_BOUNDS.min, PROFILE_GBPS_BOUNDS.max, profile('gbps')),
  num('overheadMsPerKernel', PROFILE_OVERHEAD_US_BOUNDS.min / 1000, PROFILE_OVERHEAD_US_BOUNDS.max / 1000, profile('overheadMsPerKernel')),
  text('profileLabel', 300, profile('label')),
  choice('x', X_METRICS, view('x')),
  choice('y', Y_METRICS, view('y')),
  bool('logX', view('logX')),
  bool('logY', view('logY')),
  bool('showDominated', view('showDominated')),
  bool('showInfeasible', view('showInfeasible')),
  int<number | null>('selected', 0, 2 ** 31 - 1, [(s) => s.selectedId, (s, v) => (s.selectedId = v)], true),
  text('fingerprint', 16, [(s) => s.fingerprint, (s, v) => (s.fingerprint = v)]),
  // Appended after the first links of version 1 (a link without it reads as "no predictor").
  text('predictor', 4000, predictor, (v) => v === '' || predictorFromText(v) !== null),
  // Appended for the paper presets (links made before them read as: no minimum, every baseline, no paper).
  num('minDecoderParamsM', 0, 1e7, budget('minDecoderParamsM'), true),
  int('baselines', 0, 2 ** LINK_BASELINES.length - 1, baselines),
  choice('paper', ['none', ...PAPER_IDS], paper),
  // Appended with the fused kernels (core/latency kernelSetOf): older links read as no backend.
  choice('profileBackend', ['', ...BACKENDS], profileBackend),
];

/** A predictor from its link text, or null when the text is not one. */
function predictorFromText(text: string): LatencyPredictor | null {
  try {
    return parsePredictor(JSON.parse(text));
  } catch {
    return null;
  }
}
