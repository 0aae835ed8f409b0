// What the "Validate proxies" lab draws and saves, from a validation report (core/validation):
// scatter points per proxy, the rank-agreement table beside LTS's figures, the models table, the
// summary and progress lines, loss curves as SVG polylines, CSV and JSON exports, and the est.
// ppl fit on the models trained here. Every perplexity says its unit: the lab trains byte-level
// models, whose perplexity is per byte and not comparable to LTS's per-word WikiText-103 figures.
import { archKey, archSummary } from '../core/arch';
import { csvCell } from '../core/export';
import { decoderParams } from '../core/params';
import { PROXY_IDS, PROXIES, type ProxyId } from '../core/proxies';
import { fitPowerLaw, type PowerLawFit, type ProxyCorrelation } from '../core/referenceModels';
import type { CorpusInfo, ProxyValidation, TrainedModel, ValidationProgress, ValidationReport } from '../core/validation';
import { formatCount, formatElapsed, formatInt, sig } from './format';

/** "byte-level perplexity" for the byte tokenizer, else "perplexity per token (<tokenizer>)". */
export const perplexityUnit = (corpus: Pick<CorpusInfo, 'tokenizer' | 'vocabSize'>): string =>
  corpus.vocabSize === 256 && /^byte/i.test(corpus.tokenizer) ? 'byte-level perplexity' : `perplexity per token (${corpus.tokenizer})`;

/** The corpus's short name: "Moby-Dick" from "Moby-Dick (Herman Melville; …), without contents.txt";
 *  a file name as is. */
export const shortCorpusName = (name: string): string => name.replace(/\s*\(.*\)(, without [^()]*)?\s*$/, '').trim() || name;

/** The honest label of every trained figure: "trained here, 300 steps, byte-level perplexity". */
export const trainedLabel = (report: Pick<ValidationReport, 'settings' | 'corpus'>): string =>
  `trained here, ${formatInt(report.settings.steps)} steps, ${perplexityUnit(report.corpus)}`;

/** The est. ppl fit's data set when the lab's models replace LTS's: "Moby-Dick, 12 models trained
 *  here, per-byte ppl" (the axis reads "est. ppl (<this> fit)"). */
export function trainedDataset(report: Pick<ValidationReport, 'corpus' | 'models'>): string {
  const unit = perplexityUnit(report.corpus) === 'byte-level perplexity' ? 'per-byte ppl' : 'per-token ppl';
  const n = report.models.length;
  return `${shortCorpusName(report.corpus.name)}, ${n} model${n === 1 ? '' : 's'} trained here, ${unit}`;
}

/**
 * The power-law fit of held-out perplexity on decoder parameters of the models trained here (the
 * scaled-down archs, as trained), or why there is none: fewer than 3 models with a perplexity,
 * or all of one size (no slope).
 */
export function trainedFit(report: Pick<ValidationReport, 'corpus' | 'models'>): { fit: PowerLawFit } | { error: string } {
  const points = report.models.filter((m) => Number.isFinite(m.ppl) && m.ppl > 0).map((m) => ({ n: decoderParams(m.arch), ppl: m.ppl }));
  if (points.length < 3) return { error: `a fit needs at least 3 trained models with a perplexity; this report has ${points.length}` };
  if (new Set(points.map((p) => p.n)).size < 2)
    return { error: 'every trained model has the same decoder parameter count: no slope to fit' };
  const fit = fitPowerLaw(points, trainedDataset(report));
  if (![fit.a, fit.b].every(Number.isFinite)) return { error: 'the fit did not converge to finite numbers' };
  return { fit };
}

export interface ScatterPoint {
  /** The proxy's value for the trained arch. */
  x: number;
  ppl: number;
  /** 0-based model index (the models table's row). */
  model: number;
}

/** One proxy against measured perplexity, a point per trained model with a finite value of both. */
export const scatterPoints = (models: readonly TrainedModel[], proxy: ProxyId): ScatterPoint[] =>
  models
    .filter((m) => Number.isFinite(m.proxies[proxy]) && m.ppl > 0 && Number.isFinite(m.ppl))
    .map((m) => ({ x: m.proxies[proxy], ppl: m.ppl, model: m.index }));

/** A correlation to three decimals, "–" when undefined (all tied, or too few models). */
export const formatCorr = (v: number): string => (Number.isFinite(v) ? v.toFixed(3) : '–');
/** "0.41 to 0.93", "–" when the bootstrap had too few usable resamples. */
export const formatCi = ([lo, hi]: readonly [number, number]): string =>
  Number.isFinite(lo) && Number.isFinite(hi) ? `${lo.toFixed(2)} to ${hi.toFixed(2)}` : '–';

export interface ProxyRow {
  proxy: ProxyId;
  label: string;
  spearman: string;
  spearmanCi: string;
  kendall: string;
  kendallCi: string;
  n: string;
  /** LTS's figures on its 200 released models (Proxy check), "…" while they load. */
  ltsSpearman: string;
  ltsKendall: string;
  ltsN: string;
}

/** The "Proxy validation" table: each proxy here (with 95 % intervals) beside LTS's figures. */
export function proxyRows(here: readonly ProxyValidation[], lts: readonly ProxyCorrelation[] | null): ProxyRow[] {
  return PROXY_IDS.map((id) => {
    const h = here.find((p) => p.proxy === id);
    const l = lts?.find((c) => c.proxy === id);
    return {
      proxy: id,
      label: PROXIES[id].label,
      spearman: h ? formatCorr(h.spearman) : '–',
      spearmanCi: h ? formatCi(h.spearmanCi) : '–',
      kendall: h ? formatCorr(h.kendall) : '–',
      kendallCi: h ? formatCi(h.kendallCi) : '–',
      n: h ? formatInt(h.n) : '0',
      ltsSpearman: l ? formatCorr(l.spearman) : '…',
      ltsKendall: l ? formatCorr(l.kendall) : '…',
      ltsN: l ? formatInt(l.n) : '…',
    };
  });
}

export interface ModelRow {
  /** 1-based, as people count. */
  n: number;
  sampled: string;
  trained: string;
  params: string;
  decoderParams: string;
  finalLoss: string;
  heldOutLoss: string;
  ppl: string;
  time: string;
}

/** The last finite training loss (NaN when none). */
const lastLoss = (losses: readonly number[]): number => {
  for (let i = losses.length - 1; i >= 0; i--) if (Number.isFinite(losses[i])) return losses[i];
  return NaN;
};

export const modelRows = (models: readonly TrainedModel[]): ModelRow[] =>
  models.map((m) => ({
    n: m.index + 1,
    sampled: archSummary(m.source),
    trained: archSummary(m.arch),
    params: formatCount(m.params),
    decoderParams: formatCount(decoderParams(m.arch)),
    finalLoss: sig(lastLoss(m.losses)),
    heldOutLoss: sig(m.heldOutLoss),
    ppl: sig(m.ppl),
    time: formatElapsed(m.ms),
  }));

/** The report in two sentences: what was trained, on what, how, and what was held out. */
export function reportSummary(report: ValidationReport, stopped = false): string {
  const s = report.settings;
  const n = report.models.length;
  const models = stopped ? `${n} of ${s.k} models (stopped)` : `${n} model${n === 1 ? '' : 's'}`;
  return (
    `${models} trained here on ${report.corpus.name}, ${formatInt(s.steps)} Adam steps each (learning rate ${s.learningRate}, ` +
    `batch ${s.batchSize} × ${s.seqLen} tokens, seed ${s.seed}) on ${report.backend}; ${report.corpus.tokenizer}. ` +
    `Split: ${report.corpus.split}; perplexity over ${formatInt(s.evalTokens)} held-out tokens is ${perplexityUnit(report.corpus)}.`
  );
}

/** "model 2 of 12 · step 40 of 300 · loss 2.31" (building and scoring say so). */
export function progressText(p: ValidationProgress): string {
  const model = `model ${p.model + 1} of ${p.k}`;
  if (p.phase === 'build') return `${model} · building`;
  if (p.phase === 'score') return `${model} · scoring the held-out text`;
  return `${model} · step ${formatInt(p.step)} of ${formatInt(p.steps)} · loss ${Number.isFinite(p.loss) ? p.loss.toFixed(3) : '–'}`;
}

/** One loss curve as it grows: losses[s - 1] is the loss of step s (NaN where not reported). */
export type LossCurve = readonly number[];

/** [lo, hi] of the finite losses of every curve (one scale for all), [0, 1] when there are none. */
export function lossRange(curves: readonly LossCurve[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const c of curves)
    for (const v of c)
      if (Number.isFinite(v)) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
  if (!(hi >= lo)) return [0, 1];
  return hi > lo ? [lo, hi] : [lo - 0.5, hi + 0.5];
}

/** SVG polyline points of a loss curve over `steps` steps in a width × height box, y within `range`
 *  (a higher loss nearer the top, as on any plot); unreported steps are skipped. */
export function lossPolyline(curve: LossCurve, steps: number, range: readonly [number, number], width: number, height: number): string {
  const [lo, hi] = range;
  const xs = steps > 1 ? width / (steps - 1) : 0;
  const out: string[] = [];
  for (let i = 0; i < curve.length; i++) {
    const v = curve[i];
    if (!Number.isFinite(v)) continue;
    const x = i * xs;
    const y = height - ((v - lo) / (hi - lo)) * height;
    out.push(`${x.toFixed(1)},${y.toFixed(1)}`);
  }
  return out.join(' ');
}

export const CSV_HEADER = [
  'model',
  'sampled_arch',
  'trained_arch',
  'trained_key',
  'params',
  'decoder_params',
  ...PROXY_IDS.map((id) => `proxy_${id.replace('-', '_')}`),
  'final_train_loss_nats',
  'held_out_loss_nats',
  'ppl',
  'ppl_unit',
  'steps',
  'seed',
  'backend',
  'corpus',
  'train_ms',
] as const;

/** One row per trained model; each row names its corpus, unit, steps, seed and backend, so a row
 *  pasted elsewhere still says what it is. */
export function validationCsv(report: ValidationReport): string {
  const unit = perplexityUnit(report.corpus);
  const lines = [CSV_HEADER.join(',')];
  for (const m of report.models) {
    const row: (string | number)[] = [
      m.index + 1,
      archSummary(m.source),
      archSummary(m.arch),
      archKey(m.arch),
      m.params,
      decoderParams(m.arch),
      ...PROXY_IDS.map((id) => m.proxies[id]),
      lastLoss(m.losses),
      m.heldOutLoss,
      m.ppl,
      unit,
      report.settings.steps,
      report.settings.seed,
      report.backend,
      report.corpus.name,
      Math.round(m.ms),
    ];
    lines.push(row.map(csvCell).join(','));
  }
  return lines.join('\n') + '\n';
}

/** The report as saved: the whole of it (settings, corpus and split, scale rule, every model with
 *  its loss curve, the statistics), framed and with its perplexity unit spelt out. */
export const validationJson = (report: ValidationReport, stopped = false) => ({
  format: 'lm-frontier/proxy-validation',
  ...report,
  ...(stopped ? { stopped: `stopped after ${report.models.length} of ${report.settings.k} models` } : {}),
  pplUnit: perplexityUnit(report.corpus),
});

/** "proxy-validation-moby-dick-k12-s300-seed1.csv". */
export function validationFilename(report: Pick<ValidationReport, 'settings' | 'corpus'>, ext: 'csv' | 'json'): string {
  const corpus =
    shortCorpusName(report.corpus.name)
      .toLowerCase()
      .replace(/\.txt$/, '')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 32) || 'text';
  const s = report.settings;
  return `proxy-validation-${corpus}-k${s.k}-s${s.steps}-seed${s.seed}.${ext}`;
}
