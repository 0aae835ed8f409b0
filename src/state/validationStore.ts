// The proxy validation lab's state and actions (a store of its own, as the LTS reference data
// has): the form (K, steps, seed, backend, the user's .txt), the run (progress and each model's
// loss curve so far, the models finished), the report on screen, and "use as est. ppl
// reference", which hands the fit on the models trained here to the reference store. Only these
// actions talk to the train worker (through a ValidationRunner, faked in unit tests). Errors a
// user can cause get a sentence at their field or the panel and lose nothing: a bad .txt keeps
// the text chosen before, a refused run keeps the report on screen, Stop and failures keep the
// models already trained.
import { createStore, type StoreApi } from 'zustand/vanilla';
import { BACKENDS, type BackendName } from '../core/backendNames';
import { CorpusError, minCorpusBytes, splitCorpus } from '../core/corpus';
import type { PowerLawFit } from '../core/referenceModels';
import { SCALE_RULE } from '../core/scaleDown';
import type { SearchSpace } from '../core/space';
import {
  DEFAULT_TRAIN,
  type CorpusInfo,
  type TrainedModel,
  type TrainSettings,
  type ValidationProgress,
  type ValidationReport,
} from '../core/validation';
import { proxyValidation } from '../core/validationStats';
import { formatInt } from '../view/format';
import { trainedFit, type LossCurve } from '../view/validation';
import { isAbortError } from '../workers/bridge';
import type { ValidationRun, ValidationRunner } from './validationClient';
import { loadValidation, saveValidation, VALIDATION_VERSION } from './validationStorage';
import type { StorageLike } from './storage';

export interface ValidationForm {
  k: number;
  steps: number;
  seed: number;
  backend: BackendName;
}

/** Bounds of the form. K of 3 is the fewest that ranks anything (two models always agree or
 *  disagree perfectly); the most keep a run to tens of minutes on a laptop's cpu backend. */
export const FORM_LIMITS = {
  k: { min: 3, max: 48 },
  steps: { min: 1, max: 5000 },
  seed: { min: 0, max: 2 ** 31 - 1 },
} as const;

export type FormField = keyof typeof FORM_LIMITS;

const FIELD_NAMES: Record<FormField, string> = { k: 'Models (K)', steps: 'Steps per model', seed: 'Training seed' };

/** Each field's problem, in words for the user (empty when the form can run). */
export function formErrors(form: ValidationForm): Partial<Record<FormField, string>> {
  const out: Partial<Record<FormField, string>> = {};
  for (const f of Object.keys(FORM_LIMITS) as FormField[]) {
    const v = form[f];
    const { min, max } = FORM_LIMITS[f];
    if (!Number.isInteger(v) || v < min || v > max)
      out[f] = `${FIELD_NAMES[f]} must be a whole number from ${formatInt(min)} to ${formatInt(max)}${Number.isNaN(v) ? '' : `, not ${v}`}`;
  }
  return out;
}

/** The user's training text, checked when chosen. */
export interface UserText {
  name: string;
  text: string;
  bytes: number;
}

/** Biggest .txt the lab reads (the page holds it, the worker a copy and its bytes). */
export const MAX_TEXT_BYTES = 32e6;

/**
 * The user's .txt as text, or the sentence that says why not: empty, not UTF-8 text (a binary
 * file: NUL bytes or invalid UTF-8), too large, or too short for the held-out split (core/corpus
 * says how short is too short).
 */
export function readUserText(name: string, bytes: Uint8Array, seqLen = DEFAULT_TRAIN.seqLen): UserText | { error: string } {
  const file = `“${name}”`;
  if (bytes.length === 0) return { error: `${file} is empty` };
  if (bytes.length > MAX_TEXT_BYTES)
    return { error: `${file} is ${formatInt(bytes.length)} bytes; the lab reads at most ${formatInt(MAX_TEXT_BYTES)}` };
  if (bytes.includes(0)) return { error: `${file} is not a text file (it holds NUL bytes)` };
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { error: `${file} is not UTF-8 text` };
  }
  if (text.trim().length === 0) return { error: `${file} holds only white space` };
  try {
    splitCorpus({ name, documents: [text] }, undefined, seqLen);
  } catch (e) {
    if (e instanceof CorpusError) return { error: `${file}: ${e.message}` };
    throw e;
  }
  return { name, text, bytes: bytes.length };
}

/** Fewest bytes a user's text may have, for the hint beside the file control. */
export const MIN_TEXT_BYTES = minCorpusBytes(0.1, DEFAULT_TRAIN.seqLen);

export type LabStatus = 'idle' | 'running' | 'done' | 'stopped' | 'failed';

export interface LabRun {
  id: number;
  settings: TrainSettings;
  backend: BackendName;
  /** The text trained on, as the panel names it before the report does. */
  corpusName: string;
  progress: ValidationProgress | null;
  /** Per model (by index), its training loss per step so far (see view/validation LossCurve). */
  curves: LossCurve[];
  /** Models trained and scored so far, in order. */
  models: TrainedModel[];
  /** The held-out split, from the first finished model on. */
  corpus: CorpusInfo | null;
}

export interface ValidationState {
  form: ValidationForm;
  /** The user's text; null trains on Moby-Dick. */
  text: UserText | null;
  /** Why the last file chosen was refused (the text chosen before stays). */
  textError: string | null;
  status: LabStatus;
  /** The current or last run (null before the first). */
  run: LabRun | null;
  /** On screen: the last run's report, or a stopped or failed run's models so far (`partial`). */
  report: ValidationReport | null;
  partial: boolean;
  /** A sentence for the panel: a run that could not start or failed (what was on screen stays). */
  error: string | null;
  /** One-line outcome of the last run. */
  notice: string | null;
  /** Why the report cannot be the est. ppl reference, or why local storage refused. */
  referenceError: string | null;
  storageMessage: string | null;
  actions: ValidationActions;
}

export interface ValidationActions {
  updateForm(patch: Partial<ValidationForm>): void;
  /** A .txt the user chose or dropped, as bytes. */
  chooseText(name: string, bytes: Uint8Array): void;
  /** Back to Moby-Dick. */
  clearText(): void;
  /** "Validate proxies" on the explorer's current search space. */
  start(): void;
  /** Stop: the worker is terminated; the models finished so far stay. */
  stop(): void;
  /** The report's fit becomes est. ppl's for this visit (true), or LTS's WikiText-103 fit again (false). */
  useAsReference(on: boolean): void;
}

export type ValidationStore = StoreApi<ValidationState>;

export interface ValidationDeps {
  runner: ValidationRunner;
  /** The explorer's search space as its form stands (state/settings formToSpace). */
  currentSpace: () => { space?: SearchSpace; errors: string[] };
  /** Where est. ppl takes its fit (the reference store's setEstFit). */
  setEstFit: (fit: PowerLawFit | null) => void;
  storage?: StorageLike;
  /** How often progress redraws the panel (every update is kept; only drawing is throttled). */
  refreshMs?: number;
  now?: () => string;
}

export const DEFAULT_FORM: ValidationForm = { k: DEFAULT_TRAIN.k, steps: DEFAULT_TRAIN.steps, seed: DEFAULT_TRAIN.seed, backend: 'wasm' };

/** A report of the models a stopped or failed run finished: their figures, with the same seeded
 *  bootstrap as a full report (core/validationStats). */
export function partialReport(run: LabRun, corpus: CorpusInfo, finishedAt: string): ValidationReport {
  return {
    version: 1,
    settings: run.settings,
    corpus,
    backend: run.backend,
    scaleRule: SCALE_RULE,
    models: run.models,
    proxies: proxyValidation(run.models, run.settings.seed),
    finishedAt,
  };
}

export function createValidationStore(deps: ValidationDeps): ValidationStore {
  const { runner, storage } = deps;
  const refreshMs = deps.refreshMs ?? 100;
  const now = deps.now ?? (() => new Date().toISOString());
  const loaded = loadValidation(storage);

  return createStore<ValidationState>()((set, get) => {
    let active: ValidationRun | null = null;
    let runSeq = 0;

    const persist = () => {
      const { report, partial } = get();
      set({ storageMessage: saveValidation(storage, { version: VALIDATION_VERSION, report, partial }) });
    };

    // Progress arrives every training step; the run object is updated in place between redraws and
    // copied into the state at most every refreshMs (a new object, so the panel re-renders).
    let buffered: LabRun | null = null;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const flush = () => {
      if (timer) clearTimeout(timer);
      timer = null;
      const run = get().run;
      if (!buffered || run?.id !== buffered.id) return;
      set({ run: { ...buffered, curves: buffered.curves.map((c) => [...c]), models: [...buffered.models] } });
    };
    const schedule = () => {
      if (!timer) timer = setTimeout(flush, refreshMs);
    };

    const onProgress = (runId: number, p: ValidationProgress) => {
      if (buffered?.id !== runId || get().status !== 'running') return; // a stopped run's late messages
      buffered.progress = p;
      if (p.phase === 'train' && p.step >= 1 && Number.isFinite(p.loss)) {
        const curve = (buffered.curves[p.model] ??= []) as number[];
        while (curve.length < p.step - 1) curve.push(NaN);
        curve[p.step - 1] = p.loss;
      }
      schedule();
    };

    const onModel = (runId: number, m: TrainedModel, corpus: CorpusInfo) => {
      if (buffered?.id !== runId || get().status !== 'running') return;
      buffered.models.push(m);
      buffered.curves[m.index] = m.losses; // the full curve, whatever progress missed
      buffered.corpus ??= corpus;
      flush();
    };

    /** A stopped or failed run: its finished models become the report on screen (if any). */
    const keepFinished = (status: 'stopped' | 'failed', error: string | null) => {
      flush();
      const run = get().run;
      active = null;
      const kept = run && run.corpus && run.models.length > 0 ? partialReport(run, run.corpus, now()) : null;
      const n = run?.models.length ?? 0;
      const of = run?.settings.k ?? 0;
      const notice =
        status === 'stopped'
          ? n > 0
            ? `Stopped after ${n} of ${of} models; the ${n === 1 ? 'model' : 'models'} trained so far ${n === 1 ? 'is' : 'are'} kept.`
            : `Stopped before the first of ${of} models was trained; the report on screen is the earlier one.`
          : null;
      set({
        status,
        error,
        notice,
        ...(kept ? { report: kept, partial: true } : {}),
      });
      if (kept) persist();
    };

    const actions: ValidationActions = {
      updateForm: (patch) => set({ form: { ...get().form, ...patch } }),

      chooseText(name, bytes) {
        const r = readUserText(name, bytes);
        if ('error' in r) set({ textError: r.error });
        else set({ text: r, textError: null });
      },

      clearText: () => set({ text: null, textError: null }),

      start() {
        const state = get();
        if (state.status === 'running') return;
        const fields = Object.values(formErrors(state.form));
        if (fields.length) return set({ error: `Fix the form first: ${fields.join('; ')}.`, notice: null });
        if (!BACKENDS.includes(state.form.backend)) return set({ error: `unknown backend “${state.form.backend}”`, notice: null });
        const { space, errors } = deps.currentSpace();
        if (!space) return set({ error: `The search space has errors (Search space panel): ${errors.join('; ')}.`, notice: null });
        const settings: TrainSettings = { ...DEFAULT_TRAIN, k: state.form.k, steps: state.form.steps, seed: state.form.seed };
        const id = ++runSeq;
        const run: LabRun = {
          id,
          settings,
          backend: state.form.backend,
          corpusName: state.text ? state.text.name : 'Moby-Dick',
          progress: null,
          curves: [],
          models: [],
          corpus: null,
        };
        buffered = run;
        set({ status: 'running', run: { ...run }, error: null, notice: null });
        const corpus = state.text ? { name: state.text.name, documents: [state.text.text] } : undefined;
        active = runner.validate(
          { space, settings, backend: state.form.backend },
          corpus,
          (p) => onProgress(id, p),
          (m, info) => onModel(id, m, info),
        );
        active.result.then(
          (report) => {
            if (buffered?.id !== id || get().status !== 'running') return;
            flush();
            active = null;
            const curves = report.models.map((m) => m.losses);
            set({
              status: 'done',
              report,
              partial: false,
              run: { ...get().run!, curves, models: report.models, corpus: report.corpus },
              notice: `Done: ${report.models.length} models trained and scored.`,
            });
            persist();
          },
          (e: unknown) => {
            if (buffered?.id !== id || get().status !== 'running') return;
            if (isAbortError(e)) return; // stop() already updated the state
            const message = e instanceof Error ? e.message.split('\n')[0] : String(e);
            const n = get().run?.models.length ?? 0;
            keepFinished(
              'failed',
              `Validation failed: ${message}.${n > 0 ? ` The ${n} model${n === 1 ? '' : 's'} trained before it ${n === 1 ? 'is' : 'are'} kept.` : ''}`,
            );
          },
        );
      },

      stop() {
        if (get().status !== 'running') return;
        active?.abort();
        keepFinished('stopped', null);
      },

      useAsReference(on) {
        if (!on) {
          deps.setEstFit(null);
          return set({ referenceError: null });
        }
        const { report } = get();
        if (!report) return set({ referenceError: 'there is no report to take a fit from yet' });
        const r = trainedFit(report);
        if ('error' in r) return set({ referenceError: `This report cannot be the est. ppl reference: ${r.error}.` });
        deps.setEstFit(r.fit);
        set({ referenceError: null });
      },
    };

    return {
      form: DEFAULT_FORM,
      text: null,
      textError: null,
      status: 'idle',
      run: null,
      report: loaded.saved.report,
      partial: loaded.saved.partial,
      error: null,
      notice: null,
      referenceError: null,
      storageMessage: loaded.message,
      actions,
    };
  });
}
