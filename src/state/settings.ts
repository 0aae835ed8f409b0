// What the control panels edit, in the units a person types (millions of params, MB, ms), and
// its translation into core's SearchConfig. Invalid input is kept as typed and reported, so a
// typo never throws away the settings or the frontier already on screen.
import type { Family } from '../core/arch';
import { BASELINE_IDS, type BaselineId } from '../core/baselines';
import { MERINO_OBJECTIVES, type Budgets, type Objective } from '../core/budgets';
import { DEFAULT_EVAL } from '../core/evaluate';
import { validateSpace } from '../core/genome';
import { LIMITS } from '../core/validate';
import { DEFAULT_PROFILE, type DeviceProfile, type Workload } from '../core/latency';
import { DEFAULT_OPERATORS } from '../core/operators';
import { DEFAULT_ENTROPY, type EntropyParams, type ProxyId } from '../core/proxies';
import { paperPreset, type PaperId } from '../core/papers';
import type { LatencyPredictor } from '../core/predictor';
import type { SearchConfig } from '../core/search';
import { SPACE_PRESETS, spacePreset, type SearchSpace, type SpacePresetId } from '../core/space';

/** Arithmetic ranges and lists as the Space panel shows them. */
export interface SpaceForm {
  family: Family;
  vocabSize: number;
  contextLength: number;
  tieEmbeddings: boolean;
  layersMin: number;
  layersMax: number;
  dModelMin: number;
  dModelMax: number;
  dModelStep: number;
  /** Comma-separated list, e.g. "2, 4, 8". */
  heads: string;
  /** llama only: comma-separated nKvHead choices. */
  kvHeads: string;
  dInnerMin: number;
  dInnerMax: number;
  dInnerStep: number;
  heterogeneous: boolean;
  minFfnRatio: number;
}

export type ParamsBudgetKind = 'total' | 'decoder';

/** Budgets in display units; null = no limit. */
export interface BudgetsForm {
  paramsM: number | null;
  paramsKind: ParamsBudgetKind;
  mflopsPerToken: number | null;
  memoryMB: number | null;
  latencyMs: number | null;
  /** Min decoder params (M); null = no minimum (LTS searches from 6 M). */
  minDecoderParamsM: number | null;
}

export interface ObjectivesForm {
  proxy: ProxyId;
  workload: Workload;
  /** MeRino mode: maximise entropy, minimise latency (proxy choice is ignored). */
  merino: boolean;
  /** The entropy proxy's weights and effectiveness threshold (all three editable). */
  entropy: EntropyParams;
}

export interface Settings {
  presetId: SpacePresetId | 'custom';
  space: SpaceForm;
  budgets: BudgetsForm;
  objectives: ObjectivesForm;
  evaluations: number;
  seed: number;
  /** Device profile of the analytic latency: the stated default, or a calibration of this device. */
  profile: DeviceProfile;
  /** When set, the search minimises this device's predicted latency instead of the analytic one. */
  predictor: LatencyPredictor | null;
  /** Which baselines the chart shows. */
  baselines: BaselineId[];
  /** The paper whose preset these settings came from (the "Paper vs this run" card); null = none. */
  paper: PaperId | null;
}

/** Largest choice list a range may expand to (keeps a typo like step 1 from allocating millions). */
export const MAX_CHOICES = 2000;

const step = (xs: number[]) => (xs.length > 1 ? xs[1] - xs[0] : 64);

export function spaceToForm(s: SearchSpace): SpaceForm {
  return {
    family: s.family,
    vocabSize: s.vocabSize,
    contextLength: s.contextLength,
    tieEmbeddings: s.tieEmbeddings,
    layersMin: s.nLayer[0],
    layersMax: s.nLayer[s.nLayer.length - 1],
    dModelMin: s.dModel[0],
    dModelMax: s.dModel[s.dModel.length - 1],
    dModelStep: step(s.dModel),
    heads: s.nHead.join(', '),
    kvHeads: (s.nKvHead ?? []).join(', '),
    dInnerMin: s.dInner[0],
    dInnerMax: s.dInner[s.dInner.length - 1],
    dInnerStep: step(s.dInner),
    heterogeneous: s.heterogeneous,
    minFfnRatio: s.rules.minFfnRatio,
  };
}

export const isPositiveInt = (v: number): boolean => Number.isInteger(v) && v > 0;

/**
 * The Space panel's label for each of core's space fields: what the app shows instead of the
 * field names core's (and the CLI's) messages use.
 */
export const SPACE_LABELS = {
  family: 'Family',
  vocabSize: 'Vocabulary',
  contextLength: 'Context',
  tieEmbeddings: 'Tie output head to token table',
  nLayer: 'Layers',
  dModel: 'Model width',
  nHead: 'Heads',
  nKvHead: 'KV heads',
  dInner: 'FFN width',
  minFfnRatio: 'Min FFN ratio',
} as const;

const CODE_NAMES = new RegExp(`\\b(?:rules\\.)?(${Object.keys(SPACE_LABELS).join('|')})\\b`, 'g');

/** A core message in the panel's words: every field name replaced by its label. */
export const inPanelWords = (message: string): string =>
  message.replace(CODE_NAMES, (_, name: keyof typeof SPACE_LABELS) => SPACE_LABELS[name]);

const int = (v: number) => v.toLocaleString('en-US');

/** A "from ... to ... [step ...]" range as its choices, or one sentence on what to change. */
function rangeChoices(label: string, lo: number, hi: number, by: number | null, limit: number, errors: string[]): number[] {
  const fields = by === null ? '"from" and "to"' : '"from", "to" and "step"';
  if (!isPositiveInt(lo) || !isPositiveInt(hi) || (by !== null && !isPositiveInt(by))) {
    errors.push(`${label}: ${fields} must be positive integers`);
    return [];
  }
  if (lo > hi) {
    errors.push(`${label}: "from" ${int(lo)} is larger than "to" ${int(hi)}`);
    return [];
  }
  const n = Math.floor((hi - lo) / (by ?? 1)) + 1;
  if (n > MAX_CHOICES) {
    errors.push(
      by === null
        ? `${label}: from ${int(lo)} to ${int(hi)} gives ${int(n)} choices, more than ${int(MAX_CHOICES)}; lower "to"`
        : `${label}: from ${int(lo)} to ${int(hi)} in steps of ${int(by)} gives ${int(n)} choices, ` +
            `more than ${int(MAX_CHOICES)}; use a larger "step" or a narrower range`,
    );
    return [];
  }
  if (hi > limit) {
    errors.push(`${label}: "to" ${int(hi)} is above the limit of ${int(limit)}; lower "to"`);
    return [];
  }
  const out: number[] = [];
  for (let v = lo; v <= hi; v += by ?? 1) out.push(v);
  return out;
}

function listChoices(label: string, text: string, limit: number, errors: string[]): number[] {
  const parts = text.split(/[\s,;]+/).filter(Boolean);
  const xs = parts.map(Number);
  if (xs.length === 0 || !xs.every(isPositiveInt)) {
    errors.push(`${label}: give positive integers separated by commas, e.g. "2, 4, 8"`);
    return [];
  }
  const over = xs.filter((x) => x > limit);
  if (over.length) {
    errors.push(`${label}: ${someOf(over.map(int))} ${over.length === 1 ? 'is' : 'are'} above the limit of ${int(limit)}`);
    return [];
  }
  return [...new Set(xs)].sort((a, b) => a - b);
}

const someOf = (xs: string[]): string => (xs.length <= 3 ? xs.join(', ') : `${xs.slice(0, 3).join(', ')} and ${int(xs.length - 3)} more`);

function whole(label: string, v: number, limit: number, errors: string[]): void {
  if (!isPositiveInt(v) || v > limit) errors.push(`${label} must be an integer from 1 to ${int(limit)}`);
}

/**
 * The form as a SearchSpace, or every problem with it, each once and in the panel's words. The
 * checks here cover core's validateSpace; its messages (field names, for the CLI) are only a
 * safety net, translated.
 */
/** Families whose output head may be its own matrix: Llama (TinyLlama's is, SmolLM's is tied)
 *  and GPT-NeoX (Pythia's is); GPT-2's and OPT's are always the token table. */
export const tieable = (family: Family): boolean => family === 'llama' || family === 'neox';

export function formToSpace(f: SpaceForm): { space?: SearchSpace; errors: string[] } {
  const errors: string[] = [];
  const L = SPACE_LABELS;
  const nLayer = rangeChoices(L.nLayer, f.layersMin, f.layersMax, null, LIMITS.nLayer, errors);
  const dModel = rangeChoices(L.dModel, f.dModelMin, f.dModelMax, f.dModelStep, LIMITS.dModel, errors);
  const nHead = listChoices(L.nHead, f.heads, LIMITS.nHead, errors);
  const dInner = rangeChoices(L.dInner, f.dInnerMin, f.dInnerMax, f.dInnerStep, LIMITS.dInner, errors);
  const nKvHead = f.family === 'llama' ? listChoices(L.nKvHead, f.kvHeads, LIMITS.nHead, errors) : undefined;
  whole(L.vocabSize, f.vocabSize, LIMITS.vocabSize, errors);
  whole(L.contextLength, f.contextLength, LIMITS.contextLength, errors);
  if (!(f.minFfnRatio >= 0)) errors.push(`${L.minFfnRatio} must be a number >= 0`);
  if (errors.length) return { errors: unique(errors) };
  const r = f.minFfnRatio;
  const noHead = dModel.filter((d) => !nHead.some((h) => d % h === 0));
  if (noHead.length) {
    const them = noHead.length === 1 ? 'it' : 'them';
    errors.push(
      `${L.nHead}: no choice divides ${L.dModel} ${someOf(noHead.map(int))}; add a head count that divides ${them} (1 always does)`,
    );
  }
  const noFfn = dModel.filter((d) => !dInner.some((x) => x >= r * d));
  if (noFfn.length) {
    errors.push(
      `${L.dInner}: for ${L.dModel} ${someOf(noFfn.map(int))}, no choice is ≥ ${r} × ${L.dModel}; ` +
        `raise ${L.dInner} "to" or lower ${L.minFfnRatio}`,
    );
  }
  if (errors.length) return { errors };
  const space: SearchSpace = {
    family: f.family,
    vocabSize: f.vocabSize,
    contextLength: f.contextLength,
    tieEmbeddings: tieable(f.family) ? f.tieEmbeddings : true,
    nLayer,
    dModel,
    nHead,
    dInner,
    ...(nKvHead ? { nKvHead } : {}),
    heterogeneous: f.heterogeneous,
    rules: { minFfnRatio: f.minFfnRatio },
  };
  const coreErrors = unique(validateSpace(space).map((e) => inPanelWords(e.message)));
  return coreErrors.length ? { errors: coreErrors } : { space, errors: [] };
}

/** Each message once: two checks that refuse the same thing show one sentence. */
const unique = (xs: string[]): string[] => [...new Set(xs)];

export function formToBudgets(b: BudgetsForm): { budgets: Budgets; errors: string[] } {
  const errors: string[] = [];
  const budgets: Budgets = {};
  const positive = (v: number | null, label: string): v is number => {
    if (v === null) return false;
    if (!(v > 0) || !Number.isFinite(v)) {
      errors.push(`${label} must be a positive number (or empty for no limit)`);
      return false;
    }
    return true;
  };
  if (positive(b.paramsM, 'Max params')) {
    budgets[b.paramsKind === 'total' ? 'paramsTotal' : 'paramsDecoder'] = b.paramsM * 1e6;
  }
  if (positive(b.mflopsPerToken, 'FLOPs per token')) budgets.flopsPerToken = b.mflopsPerToken * 1e6;
  if (positive(b.memoryMB, 'Memory')) budgets.memoryBytes = b.memoryMB * 1e6;
  if (positive(b.latencyMs, 'Latency')) budgets.latencyMs = b.latencyMs;
  if (b.minDecoderParamsM !== null) {
    if (!(b.minDecoderParamsM >= 0) || !Number.isFinite(b.minDecoderParamsM)) {
      errors.push('Min decoder params must be a number >= 0 (or empty for no minimum)');
    } else if (b.minDecoderParamsM > 0) {
      budgets.paramsDecoderMin = b.minDecoderParamsM * 1e6;
      const max = budgets.paramsDecoder ?? budgets.paramsTotal;
      if (max !== undefined && budgets.paramsDecoderMin > max) {
        errors.push(`Min decoder params (${b.minDecoderParamsM} M) is above the params limit (${b.paramsM} M)`);
      }
    }
  }
  return { budgets, errors };
}

export function formToObjectives(o: ObjectivesForm): Objective[] {
  if (o.merino) return MERINO_OBJECTIVES.map((x) => ({ ...x }));
  return [
    { metric: o.proxy, sense: 'max' },
    { metric: 'latency', sense: 'min' },
  ];
}

export const MAX_EVALUATIONS = 2_000_000;

/** The whole SearchConfig, or the list of input errors to show. */
export function settingsToConfig(s: Settings): { config?: SearchConfig; errors: string[] } {
  const { space, errors } = formToSpace(s.space);
  const b = formToBudgets(s.budgets);
  errors.push(...b.errors);
  if (!isPositiveInt(s.evaluations) || s.evaluations > MAX_EVALUATIONS) {
    errors.push(`Evaluations must be an integer from 1 to ${MAX_EVALUATIONS.toLocaleString('en-US')}`);
  }
  if (!Number.isInteger(s.seed) || s.seed < 0) errors.push('Seed must be a non-negative integer');
  const { aAtt, aFfn, rho0 } = s.objectives.entropy;
  if (![aAtt, aFfn, rho0].every((v) => Number.isFinite(v) && v > 0)) {
    errors.push('Entropy parameters a_att, a_ffn and ρ0 must be positive numbers');
  }
  if (!space || errors.length) return { errors: unique(errors) };
  const config: SearchConfig = {
    space,
    objectives: formToObjectives(s.objectives),
    budgets: b.budgets,
    eval: {
      ...DEFAULT_EVAL,
      workload: s.objectives.workload,
      profile: s.profile,
      entropy: s.objectives.entropy,
      ...(s.predictor ? { predictor: s.predictor } : {}),
    },
    evaluations: s.evaluations,
    populationSize: 100,
    seed: s.seed,
    operators: DEFAULT_OPERATORS,
    algorithm: 'nsga2',
  };
  return { config, errors: [] };
}

export function presetSpaceForm(id: SpacePresetId): SpaceForm {
  return spaceToForm(spacePreset(id));
}

export const PRESET_OPTIONS = SPACE_PRESETS.map((p) => ({ id: p.id, label: p.label }));

/** Defaults: LTS GPT-2 space, at most 64M total params, decoder params vs analytic decode latency. */
export function defaultSettings(): Settings {
  return {
    presetId: 'lts-gpt2',
    space: presetSpaceForm('lts-gpt2'),
    budgets: { paramsM: 64, paramsKind: 'total', mflopsPerToken: null, memoryMB: null, latencyMs: null, minDecoderParamsM: null },
    objectives: { proxy: 'decoder-params', workload: 'decode', merino: false, entropy: DEFAULT_ENTROPY },
    evaluations: 20_000,
    seed: 1,
    profile: DEFAULT_PROFILE,
    predictor: null,
    baselines: [...BASELINE_IDS],
    paper: null,
  };
}

/**
 * The settings a paper preset asks for: its space, budgets (every other limit cleared),
 * objectives, entropy parameters and baselines, with `paper` set; null only clears `paper`.
 * Evaluations, seed, workload, profile and predictor stay as they are.
 */
export function paperSettings(s: Settings, id: PaperId | null): Settings {
  if (id === null) return { ...s, paper: null };
  const p = paperPreset(id);
  const b = p.budgets;
  const paramsKind: ParamsBudgetKind = b.paramsDecoder !== undefined ? 'decoder' : 'total';
  const paramsMax = b.paramsDecoder ?? b.paramsTotal;
  const merino = p.objectives[0].metric === 'entropy';
  const proxy = merino ? s.objectives.proxy : (p.objectives[0].metric as ProxyId);
  return {
    ...s,
    presetId: p.space,
    space: presetSpaceForm(p.space),
    budgets: {
      paramsM: paramsMax === undefined ? null : paramsMax / 1e6,
      paramsKind,
      mflopsPerToken: b.flopsPerToken === undefined ? null : b.flopsPerToken / 1e6,
      memoryMB: b.memoryBytes === undefined ? null : b.memoryBytes / 1e6,
      latencyMs: b.latencyMs ?? null,
      minDecoderParamsM: b.paramsDecoderMin === undefined ? null : b.paramsDecoderMin / 1e6,
    },
    objectives: { ...s.objectives, proxy, merino, entropy: p.entropy ? { ...p.entropy } : s.objectives.entropy },
    baselines: [...p.baselines],
    paper: id,
  };
}
