// LTS's released benchmark data (microsoft/archai neurips-lts, MIT; copy in src/data/lts):
// trained models with config, archai's parameter breakdown and validation perplexity.
// Here: mapping a config to our Arch, the proxies' rank correlation with perplexity, and the
// power-law perplexity estimate fitted to them (log ppl linear in log decoder params).
import type { Arch } from './arch';
import { DEFAULT_EVAL, evaluate, type EvalSettings } from './evaluate';
import { PROXIES, PROXY_IDS, type ProxyId } from './proxies';
import { kendall, leastSquaresSlope, spearman } from './stats';

export interface ReferenceModel {
  id: string;
  config: {
    n_layer: number;
    d_model: number;
    d_inner: number | number[];
    n_head: number | number[];
    n_token: number;
    tgt_len?: number;
    [k: string]: unknown;
  };
  params: { nonembedding: number; total?: number; [k: string]: number | undefined };
  valid_ppl: number;
  test_ppl?: number;
}

export interface ReferenceFile {
  source?: string;
  note?: string;
  models: ReferenceModel[];
}

const perLayer = (v: number | number[], n: number): number[] => (Array.isArray(v) ? v : Array(n).fill(v));

/** A reference config as a GPT-2 family arch (decoder blocks as archai's GPT-2 counts them). */
export function referenceArch(m: ReferenceModel): Arch {
  const n = m.config.n_layer;
  const heads = perLayer(m.config.n_head, n);
  const inner = perLayer(m.config.d_inner, n);
  return {
    family: 'gpt2',
    vocabSize: m.config.n_token,
    contextLength: m.config.tgt_len ?? 192,
    dModel: m.config.d_model,
    tieEmbeddings: true,
    layers: heads.map((nHead, i) => ({ nHead, dInner: inner[i] })),
  };
}

export function parseReferenceFile(json: unknown): ReferenceFile {
  const o = json as ReferenceFile;
  if (!o || !Array.isArray(o.models) || o.models.length < 3) {
    throw new Error('a reference file must hold {"models": [...]} with at least 3 models');
  }
  o.models.forEach((m, i) => {
    const c = m?.config;
    if (!c || !Number.isInteger(c.n_layer) || !Number.isInteger(c.d_model) || !(m.valid_ppl > 0)) {
      throw new Error(`models[${i}] needs config.n_layer, config.d_model and a positive valid_ppl`);
    }
  });
  return o;
}

export interface ProxyCorrelation {
  proxy: ProxyId;
  label: string;
  /** Rank correlation of the proxy with -perplexity (higher proxy should mean lower perplexity). */
  spearman: number;
  kendall: number;
  n: number;
}

/** Each proxy's Spearman and Kendall against validation perplexity, sign-flipped so 1 is perfect. */
export function validateProxies(ref: ReferenceFile, settings: EvalSettings = DEFAULT_EVAL): ProxyCorrelation[] {
  const evals = ref.models.map((m) => evaluate(referenceArch(m), settings));
  return proxyCorrelations(
    evals.map((e) => e.scores),
    ref.models.map((m) => m.valid_ppl),
  );
}

/** The same from proxy scores already computed, one record per model, beside their perplexities. */
export function proxyCorrelations(scores: readonly Record<ProxyId, number>[], ppl: readonly number[]): ProxyCorrelation[] {
  const negPpl = ppl.map((p) => -p);
  return PROXY_IDS.map((id) => {
    const xs = scores.map((s) => s[id]);
    return { proxy: id, label: PROXIES[id].label, spearman: spearman(xs, negPpl), kendall: kendall(xs, negPpl), n: xs.length };
  });
}

export interface PowerLawFit {
  /** ln ppl = a + b ln N, i.e. ppl = exp(a) * N^b, N = decoder params. */
  a: number;
  b: number;
  /** Spearman of the fitted estimate with measured perplexity (equals |Spearman of N|). */
  spearman: number;
  /** Root-mean-square error of the estimate, in perplexity points. */
  rmse: number;
  /** RMSE in ln ppl. */
  rmseLog: number;
  n: number;
  dataset: string;
}

/** Least-squares fit in log-log space of validation perplexity on decoder parameters. */
export function fitPowerLaw(points: readonly { n: number; ppl: number }[], dataset: string): PowerLawFit {
  const xs = points.map((p) => Math.log(p.n));
  const ys = points.map((p) => Math.log(p.ppl));
  const k = xs.length;
  const mx = xs.reduce((s, x) => s + x, 0) / k;
  const my = ys.reduce((s, y) => s + y, 0) / k;
  const b = leastSquaresSlope(xs, ys);
  const a = my - b * mx;
  let se = 0;
  let seLog = 0;
  const est: number[] = [];
  for (let i = 0; i < k; i++) {
    const lnHat = a + b * xs[i];
    est.push(Math.exp(lnHat));
    se += (Math.exp(lnHat) - points[i].ppl) ** 2;
    seLog += (lnHat - ys[i]) ** 2;
  }
  return {
    a,
    b,
    spearman: spearman(
      est,
      points.map((p) => p.ppl),
    ),
    rmse: Math.sqrt(se / k),
    rmseLog: Math.sqrt(seLog / k),
    n: k,
    dataset,
  };
}

export function fitReference(ref: ReferenceFile, dataset: string): PowerLawFit {
  return fitPowerLaw(
    ref.models.map((m) => ({ n: m.params.nonembedding, ppl: m.valid_ppl })),
    dataset,
  );
}

export const estimatePerplexity = (fit: PowerLawFit, decoderParams: number): number => Math.exp(fit.a + fit.b * Math.log(decoderParams));
