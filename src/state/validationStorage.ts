// The proxy validation lab's last report in local storage (one versioned key). Read once when the
// lab's store is created (with the Proxy check tab); written after each run. Saved data this app cannot read is refused with a sentence that
// names the field, never half-loaded; a browser that refuses storage gets a sentence and the
// report stays on screen.
import { isBackendName } from '../core/backendNames';
import { PROXY_IDS, type ProxyId } from '../core/proxies';
import type { CorpusInfo, ProxyValidation, TrainedModel, TrainSettings, ValidationReport } from '../core/validation';
import { formatErrors, parseArch } from '../core/validate';
import type { StorageLike } from './storage';

export const VALIDATION_KEY = 'lm-frontier.validation';
export const VALIDATION_VERSION = 1;

/** What is saved: the report on screen, partial when its run was stopped or failed. (Taking its
 *  fit for est. ppl lasts for the visit: the lab loads with its tab, and est. ppl must not change
 *  when a tab opens.) */
export interface SavedValidation {
  version: typeof VALIDATION_VERSION;
  report: ValidationReport | null;
  partial: boolean;
}

/** Bounds of what a saved report may hold: the form's limits with room to spare. */
export const SAVED_LIMITS = { models: 256, steps: 100_000, text: 4096 } as const;

class Bad extends Error {}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function obj(v: unknown, field: string): Record<string, unknown> {
  if (!isObj(v)) throw new Bad(`${field} is not an object`);
  return v;
}

/** A finite number; `nullable` numbers may be null in JSON (NaN and infinities are saved as null). */
function num(v: unknown, field: string, nullable = false): number {
  if (nullable && v === null) return NaN;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new Bad(`${field} is ${v === null ? 'null' : typeof v}, not a number`);
  return v;
}

function posInt(v: unknown, field: string): number {
  const n = num(v, field);
  if (!Number.isInteger(n) || n < 0) throw new Bad(`${field} ${n} is not a whole number`);
  return n;
}

function str(v: unknown, field: string): string {
  if (typeof v !== 'string') throw new Bad(`${field} is not text`);
  if (v.length > SAVED_LIMITS.text) throw new Bad(`${field} is longer than ${SAVED_LIMITS.text} characters`);
  return v;
}

function pair(v: unknown, field: string): [number, number] {
  if (!Array.isArray(v) || v.length !== 2) throw new Bad(`${field} is not a [low, high] pair`);
  return [num(v[0], `${field}[0]`, true), num(v[1], `${field}[1]`, true)];
}

function arch(v: unknown, field: string) {
  const r = parseArch(v);
  if (!r.ok) throw new Bad(`${field}: ${formatErrors(r.errors)}`);
  return r.value;
}

function proxies(v: unknown, field: string): Record<ProxyId, number> {
  const o = obj(v, field);
  return Object.fromEntries(PROXY_IDS.map((id) => [id, num(o[id], `${field}.${id}`, true)])) as Record<ProxyId, number>;
}

function settings(v: unknown): TrainSettings {
  const o = obj(v, 'settings');
  const s: TrainSettings = {
    k: posInt(o.k, 'settings.k'),
    steps: posInt(o.steps, 'settings.steps'),
    seed: posInt(o.seed, 'settings.seed'),
    batchSize: posInt(o.batchSize, 'settings.batchSize'),
    seqLen: posInt(o.seqLen, 'settings.seqLen'),
    learningRate: num(o.learningRate, 'settings.learningRate'),
    evalTokens: posInt(o.evalTokens, 'settings.evalTokens'),
  };
  if (s.steps > SAVED_LIMITS.steps) throw new Bad(`settings.steps ${s.steps} is over ${SAVED_LIMITS.steps}`);
  return s;
}

function corpus(v: unknown): CorpusInfo {
  const o = obj(v, 'corpus');
  return {
    name: str(o.name, 'corpus.name'),
    tokenizer: str(o.tokenizer, 'corpus.tokenizer'),
    vocabSize: posInt(o.vocabSize, 'corpus.vocabSize'),
    trainTokens: posInt(o.trainTokens, 'corpus.trainTokens'),
    heldOutTokens: posInt(o.heldOutTokens, 'corpus.heldOutTokens'),
    split: str(o.split, 'corpus.split'),
  };
}

function model(v: unknown, field: string, steps: number): TrainedModel {
  const o = obj(v, field);
  if (!Array.isArray(o.losses)) throw new Bad(`${field}.losses is not a list`);
  if (o.losses.length > steps) throw new Bad(`${field}.losses has ${o.losses.length} entries for ${steps} steps`);
  return {
    index: posInt(o.index, `${field}.index`),
    source: arch(o.source, `${field}.source`),
    arch: arch(o.arch, `${field}.arch`),
    params: posInt(o.params, `${field}.params`),
    proxies: proxies(o.proxies, `${field}.proxies`),
    losses: o.losses.map((l, i) => num(l, `${field}.losses[${i}]`, true)),
    heldOutLoss: num(o.heldOutLoss, `${field}.heldOutLoss`, true),
    ppl: num(o.ppl, `${field}.ppl`, true),
    ms: num(o.ms, `${field}.ms`),
  };
}

function proxyValidation(v: unknown, field: string): ProxyValidation {
  const o = obj(v, field);
  const proxy = str(o.proxy, `${field}.proxy`);
  if (!(PROXY_IDS as readonly string[]).includes(proxy)) throw new Bad(`${field}.proxy "${proxy}" is not a proxy this app knows`);
  return {
    proxy: proxy as ProxyId,
    label: str(o.label, `${field}.label`),
    spearman: num(o.spearman, `${field}.spearman`, true),
    kendall: num(o.kendall, `${field}.kendall`, true),
    spearmanCi: pair(o.spearmanCi, `${field}.spearmanCi`),
    kendallCi: pair(o.kendallCi, `${field}.kendallCi`),
    n: posInt(o.n, `${field}.n`),
  };
}

/** A validation report from JSON, or a sentence naming what is wrong (the first problem found). */
export function parseValidationReport(v: unknown): ValidationReport {
  try {
    const o = obj(v, 'report');
    if (o.version !== 1) throw new Bad(`report version ${JSON.stringify(o.version)} is not one this app reads (1)`);
    const s = settings(o.settings);
    const backend = str(o.backend, 'backend');
    if (!isBackendName(backend)) throw new Bad(`backend "${backend}" is not a backend this app knows`);
    if (!Array.isArray(o.models)) throw new Bad('models is not a list');
    if (o.models.length > SAVED_LIMITS.models) throw new Bad(`${o.models.length} models, more than ${SAVED_LIMITS.models}`);
    if (!Array.isArray(o.proxies)) throw new Bad('proxies is not a list');
    return {
      version: 1,
      settings: s,
      corpus: corpus(o.corpus),
      backend,
      scaleRule: str(o.scaleRule, 'scaleRule'),
      models: o.models.map((m, i) => model(m, `models[${i}]`, s.steps)),
      proxies: o.proxies.map((p, i) => proxyValidation(p, `proxies[${i}]`)),
      ...(o.warning === undefined ? {} : { warning: str(o.warning, 'warning') }),
      finishedAt: str(o.finishedAt, 'finishedAt'),
    };
  } catch (e) {
    throw e instanceof Bad ? new Error(`the saved validation report cannot be read: ${e.message}`) : e;
  }
}

export const EMPTY_SAVED: SavedValidation = { version: VALIDATION_VERSION, report: null, partial: false };

/** What the key holds, or the reason it cannot be used (then nothing of it is used). */
export function loadValidation(storage: StorageLike | undefined): { saved: SavedValidation; message: string | null } {
  let raw: string | null;
  try {
    raw = storage?.getItem(VALIDATION_KEY) ?? null;
  } catch (e) {
    return { saved: EMPTY_SAVED, message: `this browser refused to read the saved validation report: ${(e as Error).message}` };
  }
  if (!raw) return { saved: EMPTY_SAVED, message: null };
  try {
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      throw new Bad('it is not JSON');
    }
    const o = obj(json, 'the saved data');
    if (o.version !== VALIDATION_VERSION)
      throw new Bad(`version ${JSON.stringify(o.version)} is not one this app reads (${VALIDATION_VERSION})`);
    const report = o.report === null ? null : parseValidationReport(o.report);
    return { saved: { version: VALIDATION_VERSION, report, partial: o.partial === true }, message: null };
  } catch (e) {
    const reason = e instanceof Error ? e.message.replace(/^the saved validation report cannot be read: /, '') : String(e);
    return { saved: EMPTY_SAVED, message: `The saved validation report was not loaded: ${reason}.` };
  }
}

/** Saves; returns null, or a sentence when the browser refused (full, private mode). */
export function saveValidation(storage: StorageLike | undefined, saved: SavedValidation): string | null {
  if (!storage) return 'this browser gives the page no local storage: the report stays until the page is closed';
  try {
    storage.setItem(VALIDATION_KEY, JSON.stringify(saved));
    return null;
  } catch (e) {
    return `the report could not be saved in this browser (${(e as Error).message}); it stays until the page is closed`;
  }
}
