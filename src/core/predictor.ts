// Predicted latency: a per-device model learned from whole-model measurements (our own
// reconstruction in the spirit of HAT's and nn-Meter's per-device predictors, which learn from
// measurements; theirs learn from thousands of kernel samples, this one from about 20 models).
// Each candidate model is linear in terms the cost model already knows of an arch (core/latency's
// kernels: FLOPs and values moved, split by which roof binds under a reference profile; the
// kernel count; a constant), fitted by non-negative least squares on relative error (rows
// weighted by 1 / measured ms, so a 3 ms decode counts as much as a 300 ms one). The model with
// the lowest leave-one-out median error is kept. Deterministic: the same samples give the same
// coefficients on every engine (only +, -, *, / and comparisons).
import type { Arch } from './arch';
import {
  analyticLatencyMs,
  kernelSetOf,
  profileBackend,
  visitKernels,
  type DeviceProfile,
  type LatencyEstimate,
  type Workload,
} from './latency';
import { median, spearman } from './stats';

/** Fewer whole-model measurements than this and a fit refuses (4 coefficients need slack). */
export const MIN_SAMPLES = 6;

/**
 * The candidate models, each a list of features:
 *   roofline  FLOPs of compute-bound kernels (GFLOP), values moved by memory-bound ones (G
 *             fp32 values), kernel count, 1: the roofline with its three rates learned;
 *   sums      all FLOPs, all values moved, kernel count, 1: the same without the max;
 *   cache     all FLOPs, the values moved within the first C bytes a run reads, the values
 *             beyond them, kernel count, 1: sums with a cache of C bytes, C picked from
 *             CACHE_GRID_BYTES by the fit. Our own reconstruction, for what a decode step shows
 *             on a CPU whose cache holds part of the weights from one step to the next: a 2-core
 *             VM with 480 MiB of shared L3 ran the decode of models under about 80 MB of weights
 *             at 17-23 GB/s and of larger ones at 11-12 GB/s (bench/README.md, Predict), which
 *             no single rate per value fits;
 *   scaled    the analytic latency under the reference profile, 1: a scale and an offset.
 */
export type PredictorModel = 'roofline' | 'sums' | 'cache' | 'scaled';
export const PREDICTOR_MODELS: readonly PredictorModel[] = ['roofline', 'sums', 'cache', 'scaled'];

/** The cache sizes the 'cache' model tries: 1 MiB to 512 MiB, doubling (a phone's system cache
 *  to a server's L3). */
export const CACHE_GRID_BYTES: readonly number[] = Array.from({ length: 10 }, (_, i) => 2 ** (20 + i));

export interface WorkloadFit {
  model: PredictorModel;
  /** One per feature of the model, all >= 0. */
  coefficients: number[];
  /** The 'cache' model's C, bytes (one of CACHE_GRID_BYTES); absent for the other models. */
  cacheBytes?: number;
  /** Measurements behind the fit. */
  n: number;
  /** Leave-one-out: median |predicted - measured| / measured, share within ±10 %, Spearman. */
  looMedianApe: number;
  looWithin10: number;
  spearman: number;
  /** Each model's leave-one-out median error, for the record ("what was tried"). */
  tried: Partial<Record<PredictorModel, number>>;
}

export interface LatencyPredictor {
  /** "Pixel 8 · wasm · T = 128": the device series it was learned from. */
  device: string;
  /** Prefill length T of the measurements (features are taken at the same T). */
  tokens: number;
  /** Profile that splits kernels into compute- and memory-bound (and the 'scaled' model's base). */
  reference: DeviceProfile;
  prefill: WorkloadFit;
  decode: WorkloadFit;
}

export interface LatencySample {
  arch: Arch;
  prefillMs: number;
  decodeMs: number;
}

const workloadShape = (w: Workload, tokens: number): [number, number] => (w === 'prefill' ? [tokens, 0] : [1, tokens]);

/** What every model's features are made of, from one walk over the arch's kernels. */
interface KernelSums {
  analyticMs: number;
  computeFlops: number;
  memoryValues: number;
  flops: number;
  values: number;
  kernels: number;
}

/** `withAnalytic`: also the analytic latency (a second walk), which only 'scaled' reads; NaN without. */
function kernelSums(arch: Arch, workload: Workload, tokens: number, reference: DeviceProfile, withAnalytic: boolean): KernelSums {
  const [T, cached] = workloadShape(workload, tokens);
  const ratio = (reference.gflops * 1e9) / ((reference.gbps * 1e9) / 4); // FLOPs per value at the ridge
  const sums = {
    analyticMs: withAnalytic ? analyticLatencyMs(arch, reference, T, cached) : NaN,
    computeFlops: 0,
    memoryValues: 0,
    flops: 0,
    values: 0,
    kernels: 0,
  };
  sums.kernels = visitKernels(
    arch,
    T,
    cached,
    (f, v, times) => {
      sums.flops += f * times;
      sums.values += v * times;
      if (f > v * ratio) sums.computeFlops += f * times;
      else sums.memoryValues += v * times;
    },
    kernelSetOf(profileBackend(reference)),
  );
  return sums;
}

/** A model's features from the sums (units keep the coefficients near 1 to 1,000). */
function featuresOf(model: PredictorModel, s: KernelSums, cacheBytes = 0): number[] {
  if (model === 'scaled') return [s.analyticMs, 1];
  if (model === 'roofline') return [s.computeFlops / 1e9, s.memoryValues / 1e9, s.kernels / 1e3, 1];
  if (model === 'sums') return [s.flops / 1e9, s.values / 1e9, s.kernels / 1e3, 1];
  const within = Math.min(s.values, cacheBytes / 4);
  return [s.flops / 1e9, within / 1e9, (s.values - within) / 1e9, s.kernels / 1e3, 1];
}

/** The features of `arch` for `model` (`cacheBytes`: the 'cache' model's C). Once per workload
 *  of every candidate a search evaluates under a predictor: one walk of the kernels. */
export function features(
  model: PredictorModel,
  arch: Arch,
  workload: Workload,
  tokens: number,
  reference: DeviceProfile,
  cacheBytes = 0,
): number[] {
  if (model === 'scaled') return [analyticLatencyMs(arch, reference, ...workloadShape(workload, tokens)), 1];
  return featuresOf(model, kernelSums(arch, workload, tokens, reference, false), cacheBytes);
}

/** The normal equations of rows A against b: the Gram matrix AᵀA, Aᵀb and bᵀb. Least squares
 *  needs nothing else, so a fit without one row subtracts that row's part (leave-one-out in
 *  O(features²) per left-out row instead of refilling from every other row). */
interface Normal {
  g: number[][];
  r: number[];
  bb: number;
}

function normalOf(a: readonly number[][], b: readonly number[]): Normal {
  const p = a[0]?.length ?? 0;
  const n: Normal = { g: Array.from({ length: p }, () => new Array<number>(p).fill(0)), r: new Array<number>(p).fill(0), bb: 0 };
  a.forEach((row, i) => addRow(n, row, b[i], 1));
  return n;
}

/** Adds (sign 1) or removes (sign -1) one row's part, in place. */
function addRow(n: Normal, row: readonly number[], b: number, sign: 1 | -1): void {
  for (let j = 0; j < row.length; j++) {
    n.r[j] += sign * row[j] * b;
    for (let l = 0; l < row.length; l++) n.g[j][l] += sign * row[j] * row[l];
  }
  n.bb += sign * b * b;
}

const withoutRow = (n: Normal, row: readonly number[], b: number): Normal => {
  const copy = { g: n.g.map((r) => [...r]), r: [...n.r], bb: n.bb };
  addRow(copy, row, b, -1);
  return copy;
};

/** Solves the normal equations on the columns in `cols`; null when singular. Gaussian
 *  elimination with partial pivoting. */
function leastSquares({ g, r }: Normal, cols: readonly number[]): number[] | null {
  const k = cols.length;
  const m = cols.map((ci) => [...cols.map((cj) => g[ci][cj]), r[ci]]);
  for (let c = 0; c < k; c++) {
    let p = c;
    for (let i = c + 1; i < k; i++) if (Math.abs(m[i][c]) > Math.abs(m[p][c])) p = i;
    if (!(Math.abs(m[p][c]) > 1e-12 * (Math.abs(m[c][c]) + 1e-300))) return null;
    [m[c], m[p]] = [m[p], m[c]];
    for (let i = 0; i < k; i++) {
      if (i === c) continue;
      const f = m[i][c] / m[c][c];
      for (let j = c; j <= k; j++) m[i][j] -= f * m[c][j];
    }
  }
  return m.map((row, i) => row[k] / row[i]);
}

/**
 * Non-negative least squares for a handful of columns: the best unconstrained fit over every
 * subset of columns whose coefficients all come out >= 0 (exact NNLS for a few columns, and
 * deterministic). One coefficient per column (0 for those left out) and the squared error,
 * bᵀb - 2 xᵀAᵀb + xᵀAᵀA x.
 */
const subsetsByCount = new Map<number, number[][]>();
/** Every non-empty subset of columns 0..p-1, each in increasing order (made once per p). */
function columnSubsets(p: number): number[][] {
  let subsets = subsetsByCount.get(p);
  if (!subsets) {
    subsets = Array.from({ length: (1 << p) - 1 }, (_, i) => Array.from({ length: p }, (_, j) => j).filter((j) => (i + 1) & (1 << j)));
    subsetsByCount.set(p, subsets);
  }
  return subsets;
}

function nnlsNormal(n: Normal): { x: number[]; sse: number } {
  const p = n.r.length;
  let best: { x: number[]; sse: number } | null = null;
  for (const cols of columnSubsets(p)) {
    const sol = leastSquares(n, cols);
    if (!sol || sol.some((v) => !(v >= 0))) continue;
    const x = new Array<number>(p).fill(0);
    cols.forEach((j, i) => (x[j] = sol[i]));
    let sse = n.bb;
    for (let j = 0; j < p; j++) {
      sse -= 2 * x[j] * n.r[j];
      for (let l = 0; l < p; l++) sse += x[j] * n.g[j][l] * x[l];
    }
    if (!best || sse < best.sse) best = { x, sse };
  }
  return best ?? { x: new Array<number>(p).fill(0), sse: n.bb };
}

/** Non-negative least squares of rows `a` against `b` (see nnlsNormal). */
export const nnls = (a: readonly number[][], b: readonly number[]): number[] => nnlsNormal(normalOf(a, b)).x;

/** Rows `x` weighted by 1 / `t` against 1s: least squares on relative error. */
const relativeRows = (x: readonly number[][], t: readonly number[]) => x.map((row, i) => row.map((v) => v / t[i]));

/** Coefficients for rows `x` against times `t`, on relative error (each row weighted by 1 / t). */
export function fitLinear(x: readonly number[][], t: readonly number[]): number[] {
  return nnls(
    relativeRows(x, t),
    t.map(() => 1),
  );
}

const dot = (a: readonly number[], b: readonly number[]) => a.reduce((s, v, i) => s + v * b[i], 0);

/** Median absolute relative error, share within ±10 %, Spearman: of `predicted` against `measured`. */
export function predictionErrors(
  predicted: readonly number[],
  measured: readonly number[],
): { medianApe: number; within10: number; spearman: number } {
  const ape = predicted.map((p, i) => Math.abs(p - measured[i]) / measured[i]);
  return {
    medianApe: median(ape),
    within10: ape.filter((e) => e <= 0.1).length / ape.length,
    spearman: spearman([...predicted], [...measured]),
  };
}

interface ModelFit {
  coefficients: number[];
  cacheBytes?: number;
}

/** The cache sizes a model tries: the grid for 'cache', none (undefined) for the others. */
const cacheSizes = (model: PredictorModel): readonly (number | undefined)[] => (model === 'cache' ? CACHE_GRID_BYTES : [undefined]);

/**
 * `model` fitted to `sums` against `t`, and its leave-one-out predictions (each sample predicted
 * by a fit on all the others). The 'cache' model fits every C of the grid and keeps the one with
 * the least error (the smaller C on a tie), in the whole fit and again in each leave-one-out fit.
 */
function fitModel(model: PredictorModel, sums: readonly KernelSums[], t: readonly number[]): { fit: ModelFit; loo: number[] } {
  const ones = t.map(() => 1);
  const perSize = cacheSizes(model).map((cacheBytes) => {
    const x = sums.map((s) => featuresOf(model, s, cacheBytes));
    const rows = relativeRows(x, t);
    return { cacheBytes, x, rows, normal: normalOf(rows, ones) };
  });
  const best = <T extends { sse: number }>(fits: T[]): T => fits.reduce((a, f) => (f.sse < a.sse ? f : a));
  const whole = best(perSize.map((c) => ({ cacheBytes: c.cacheBytes, ...nnlsNormal(c.normal) })));
  const loo = sums.map((_, i) => {
    const fold = best(perSize.map((c) => ({ c, ...nnlsNormal(withoutRow(c.normal, c.rows[i], 1)) })));
    return dot(fold.c.x[i], fold.x);
  });
  return { fit: { coefficients: whole.x, ...(whole.cacheBytes !== undefined ? { cacheBytes: whole.cacheBytes } : {}) }, loo };
}

/** Fits one workload: every model, the one with the lowest leave-one-out median error kept.
 *  The 'cache' model's leave-one-out picks C again without each sample, so its error counts
 *  the choice of C too. */
export function fitWorkload(samples: readonly LatencySample[], workload: Workload, tokens: number, reference: DeviceProfile): WorkloadFit {
  if (samples.length < MIN_SAMPLES) {
    throw new RangeError(`a latency predictor needs at least ${MIN_SAMPLES} measured candidates; this series has ${samples.length}`);
  }
  const t = samples.map((s) => (workload === 'prefill' ? s.prefillMs : s.decodeMs));
  if (!t.every((v) => v > 0 && Number.isFinite(v))) throw new RangeError('every measured latency must be a positive number of ms');
  const sums = samples.map((s) => kernelSums(s.arch, workload, tokens, reference, true));
  const tried: WorkloadFit['tried'] = {};
  let best: WorkloadFit | null = null;
  for (const model of PREDICTOR_MODELS) {
    const { fit, loo: predicted } = fitModel(model, sums, t);
    const loo = predictionErrors(predicted, t);
    tried[model] = loo.medianApe;
    if (!best || loo.medianApe < best.looMedianApe) {
      best = {
        model,
        ...fit,
        n: samples.length,
        looMedianApe: loo.medianApe,
        looWithin10: loo.within10,
        spearman: loo.spearman,
        tried,
      };
    }
  }
  return { ...best!, tried };
}

export function fitPredictor(
  samples: readonly LatencySample[],
  tokens: number,
  reference: DeviceProfile,
  device: string,
): LatencyPredictor {
  return {
    device,
    tokens,
    reference,
    prefill: fitWorkload(samples, 'prefill', tokens, reference),
    decode: fitWorkload(samples, 'decode', tokens, reference),
  };
}

export function predictWorkload(p: LatencyPredictor, arch: Arch, workload: Workload): number {
  const fit = workload === 'prefill' ? p.prefill : p.decode;
  return dot(features(fit.model, arch, workload, p.tokens, p.reference, fit.cacheBytes), fit.coefficients);
}

export const predictLatency = (p: LatencyPredictor, arch: Arch): LatencyEstimate => ({
  prefillMs: predictWorkload(p, arch, 'prefill'),
  decodeMs: predictWorkload(p, arch, 'decode'),
});

/** "predicted, Pixel 8 · wasm · T = 128, n = 20, LOO 6 % (decode)": with every predicted figure. */
export function predictorLabel(p: LatencyPredictor, workload: Workload): string {
  const fit = workload === 'prefill' ? p.prefill : p.decode;
  return `predicted, ${p.device}, n = ${fit.n}, LOO ${(100 * fit.looMedianApe).toFixed(fit.looMedianApe < 0.1 ? 1 : 0)} %`;
}

const FEATURE_COUNT: Record<PredictorModel, number> = { roofline: 4, sums: 4, cache: 5, scaled: 2 };

/** A predictor read back from JSON (a share link, storage), or null when it is not one. */
export function parsePredictor(value: unknown): LatencyPredictor | null {
  const p = value as LatencyPredictor;
  const num = (v: unknown, min = 0) => typeof v === 'number' && Number.isFinite(v) && v >= min;
  const fitOk = (f: WorkloadFit) =>
    !!f &&
    PREDICTOR_MODELS.includes(f.model) &&
    Array.isArray(f.coefficients) &&
    f.coefficients.length === FEATURE_COUNT[f.model] &&
    f.coefficients.every((c) => num(c)) &&
    (f.model === 'cache' ? CACHE_GRID_BYTES.includes(f.cacheBytes!) : f.cacheBytes === undefined) &&
    Number.isInteger(f.n) &&
    f.n >= MIN_SAMPLES &&
    num(f.looMedianApe) &&
    num(f.looWithin10) &&
    typeof f.spearman === 'number';
  const r = p?.reference;
  const ok =
    !!p &&
    typeof p.device === 'string' &&
    Number.isInteger(p.tokens) &&
    p.tokens >= 1 &&
    !!r &&
    num(r.gflops, 1e-9) &&
    num(r.gbps, 1e-9) &&
    num(r.overheadMsPerKernel) &&
    typeof r.label === 'string' &&
    fitOk(p.prefill) &&
    fitOk(p.decode);
  return ok
    ? { ...p, prefill: { ...p.prefill, tried: p.prefill.tried ?? {} }, decode: { ...p.decode, tried: p.decode.tried ?? {} } }
    : null;
}
