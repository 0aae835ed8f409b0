// Frontier exports: CSV (one row per frontier candidate) and JSON (the search settings plus the
// full candidates), and the JSON of one arch. Pure: strings and plain objects in, the UI only
// turns them into downloads. Latency is labelled with its source and device profile, perplexity
// (when present) with the fit it comes from, never as measured. Measured latency (timed on a
// device, state/measurements) sits in columns and fields of its own, with its device and T.
import { archKey, archSummary, hfModelType, isHomogeneous, kvHeads, type Arch } from './arch';
import type { Candidate } from './archive';
import { HETEROGENEOUS_REASON } from './hfconfig';
import { estimatePerplexity, type PowerLawFit } from './referenceModels';
import type { SearchConfig } from './search';

export interface ExportStats {
  generation: number;
  evaluated: number;
  feasible: number;
  hypervolume: number;
  reference: number[];
}

/** RFC 4180 cell: quoted when it holds a comma, a quote or a line break. */
export function csvCell(v: string | number | boolean | undefined): string {
  if (v === undefined) return '';
  const s = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One value for homogeneous layers, else the per-layer values joined by ';'. */
const perLayer = (xs: number[]): string => (xs.every((x) => x === xs[0]) ? String(xs[0]) : xs.join(';'));

export const CSV_COLUMNS = [
  'id',
  'summary',
  'key',
  'family',
  'model_type',
  'n_layer',
  'd_model',
  'n_head',
  'n_kv_head',
  'd_inner',
  'params_total',
  'params_decoder',
  'params_embedding',
  'flops_prefill',
  'flops_decode_step',
  'memory_bytes',
  'proxy_decoder_params',
  'proxy_entropy',
  'proxy_flops',
  'latency_prefill_ms',
  'latency_decode_ms',
  'latency_source',
  'est_ppl',
  'measured_on',
  'measured_tokens',
  'measured_prefill_median_ms',
  'measured_prefill_p10_ms',
  'measured_prefill_p90_ms',
  'measured_decode_median_ms',
  'measured_decode_p10_ms',
  'measured_decode_p90_ms',
] as const;

/** A candidate's latency as timed on a device: the series' label (backend, device, T), T and
 *  the statistics of its timed runs. */
export interface MeasuredExport {
  on: string;
  tokens: number;
  prefill: { medianMs: number; p10Ms: number; p90Ms: number; runs?: number };
  decode: { medianMs: number; p10Ms: number; p90Ms: number; runs?: number };
  /** Round-robin slices the runs came from; absent = one. */
  slices?: number;
  at: string;
}

/** Measured figures by arch key: for the CSV one series' (the table's), for the JSON every one. */
export type MeasuredByKey = (key: string) => readonly MeasuredExport[];

/** Frontier as CSV: a header line, then one line per candidate (in the given order). The measured
 *  columns hold the first of `measured(key)` (empty when the candidate was not timed). */
export function frontierCsv(cands: readonly Candidate[], fit?: PowerLawFit, measured?: MeasuredByKey): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const c of cands) {
    const a = c.arch;
    const m = measured?.(c.key)[0];
    const row: (string | number | undefined)[] = [
      c.id,
      archSummary(a),
      c.key,
      a.family,
      hfModelType(a),
      a.layers.length,
      a.dModel,
      perLayer(a.layers.map((l) => l.nHead)),
      a.family === 'llama' ? perLayer(a.layers.map(kvHeads)) : undefined,
      perLayer(a.layers.map((l) => l.dInner)),
      c.params.total,
      c.params.decoder,
      c.params.embedding,
      c.flops.prefill,
      c.flops.decodeStep,
      c.memory.total,
      c.scores['decoder-params'],
      c.scores.entropy,
      c.scores.flops,
      c.latency.prefillMs,
      c.latency.decodeMs,
      c.latency.source,
      fit ? estimatePerplexity(fit, c.params.decoder) : undefined,
      m?.on,
      m?.tokens,
      m?.prefill.medianMs,
      m?.prefill.p10Ms,
      m?.prefill.p90Ms,
      m?.decode.medianMs,
      m?.decode.p10Ms,
      m?.decode.p90Ms,
    ];
    lines.push(row.map(csvCell).join(','));
  }
  return lines.join('\n') + '\n';
}

/** Frontier as a JSON-ready object: how it was searched, how latency and ppl are labelled, the
 *  candidates, each with what was measured of it (`measured`: one entry per device series). */
export function frontierJson(
  config: SearchConfig,
  cands: readonly Candidate[],
  stats: ExportStats,
  fit?: PowerLawFit,
  measured?: MeasuredByKey,
) {
  return {
    format: 'lm-frontier/frontier',
    version: 1,
    search: {
      space: config.space,
      budgets: config.budgets,
      objectives: config.objectives,
      evaluations: config.evaluations,
      populationSize: config.populationSize,
      seed: config.seed,
      algorithm: config.algorithm,
      eval: {
        tokens: config.eval.tokens,
        workload: config.eval.workload,
        weightDtype: config.eval.weightDtype,
        entropy: config.eval.entropy,
      },
    },
    latency: {
      source: config.eval.predictor ? 'predicted' : 'analytic',
      profile: config.eval.profile,
      ...(config.eval.predictor
        ? {
            predictor: {
              device: config.eval.predictor.device,
              tokens: config.eval.predictor.tokens,
              prefill: config.eval.predictor.prefill,
              decode: config.eval.predictor.decode,
            },
          }
        : {}),
      measured: 'per candidate, timed on a device with random weights: median, p10, p90 ms of the timed runs, with the device and T',
    },
    estimatedPerplexity: fit
      ? { dataset: fit.dataset, formula: 'ppl = exp(a) * N_decoder^b', a: fit.a, b: fit.b, spearman: fit.spearman, rmse: fit.rmse }
      : null,
    stats,
    frontier: cands.map((c) => ({
      id: c.id,
      summary: archSummary(c.arch),
      key: c.key,
      arch: c.arch,
      params: c.params,
      flops: c.flops,
      memory: c.memory,
      scores: c.scores,
      latency: c.latency,
      objectives: c.objectives,
      ...(fit ? { estPpl: estimatePerplexity(fit, c.params.decoder) } : {}),
      measured: measured?.(c.key) ?? [],
    })),
  };
}

/**
 * One arch as JSON that core/validate's parseArch reads back (extra keys are ignored there).
 * Heterogeneous archs carry a note saying why this is not a Hugging Face config.
 */
export function archJson(arch: Arch) {
  return {
    format: 'lm-frontier/arch',
    ...(isHomogeneous(arch) ? {} : { note: HETEROGENEOUS_REASON }),
    summary: archSummary(arch),
    key: archKey(arch),
    ...arch,
  };
}
