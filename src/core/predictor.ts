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
import { analyticLatencyMs, kernelSetOf, visitKernels, type DeviceProfile, type LatencyEstimate, type Workload } from './latency';
import { median, spearman } from './stats';

/** Fewer whole-model measurements than this and a fit refuses (4 coefficients need slack). */
export const MIN_SAMPLES = 6;

/**
 * The candidate models, each a list of features:
 *   roofline  FLOPs of compute-bound kernels (GFLOP), values moved by memory-bound ones (G
 *             fp32 values), kernel count, 1: the roofline with its three rates learned;
 *   sums      all FLOPs, all values moved, kernel count, 1: the same without the max;
 *   scaled    the analytic latency under the reference profile, 1: a scale and an offset.
 */
export type PredictorModel = 'roofline' | 'sums' | 'scaled';
export const PREDICTOR_MODELS: readonly PredictorModel[] = ['roofline', 'sums', 'scaled'];

export interface WorkloadFit {
  model: PredictorModel;
  /** One per feature of the model, all >= 0. */
  coefficients: number[];
  /** Measurements behind the fit. */
  n: number;
  /** Leave-one-out: median |predicted - measured| / measured, share within ±10 %, Spearman. */
  looMedianApe: number;
  looWithin10: number;
  spearman: number;
  /** Each model's leave-one-out median error, for the record ("what was tried"). */
  tried: Record<PredictorModel, number>;
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

/** The features of `arch` for `model` (units keep the coefficients near 1 to 1,000). */
export function features(model: PredictorModel, arch: Arch, workload: Workload, tokens: number, reference: DeviceProfile): number[] {
  const [T, cached] = workloadShape(workload, tokens);
  if (model === 'scaled') return [analyticLatencyMs(arch, reference, T, cached), 1];
  const ratio = (reference.gflops * 1e9) / ((reference.gbps * 1e9) / 4); // FLOPs per value at the ridge
  let computeFlops = 0;
  let memoryValues = 0;
  let flops = 0;
  let values = 0;
  const kernels = visitKernels(
    arch,
    T,
    cached,
    (f, v, times) => {
      flops += f * times;
      values += v * times;
      if (f > v * ratio) computeFlops += f * times;
      else memoryValues += v * times;
    },
    kernelSetOf(reference.backend),
  );
  return model === 'roofline' ? [computeFlops / 1e9, memoryValues / 1e9, kernels / 1e3, 1] : [flops / 1e9, values / 1e9, kernels / 1e3, 1];
}

/** Solves the normal equations of rows `a` (already weighted) against `b` on the columns in
 *  `cols`; null when singular. Gaussian elimination with partial pivoting. */
function leastSquares(a: readonly number[][], b: readonly number[], cols: readonly number[]): number[] | null {
  const k = cols.length;
  const m = Array.from({ length: k }, (_, i) => {
    const row = new Array<number>(k + 1).fill(0);
    for (let r = 0; r < a.length; r++) {
      for (let j = 0; j < k; j++) row[j] += a[r][cols[i]] * a[r][cols[j]];
      row[k] += a[r][cols[i]] * b[r];
    }
    return row;
  });
  for (let c = 0; c < k; c++) {
    let p = c;
    for (let r = c + 1; r < k; r++) if (Math.abs(m[r][c]) > Math.abs(m[p][c])) p = r;
    if (!(Math.abs(m[p][c]) > 1e-12 * (Math.abs(m[c][c]) + 1e-300))) return null;
    [m[c], m[p]] = [m[p], m[c]];
    for (let r = 0; r < k; r++) {
      if (r === c) continue;
      const f = m[r][c] / m[c][c];
      for (let j = c; j <= k; j++) m[r][j] -= f * m[c][j];
    }
  }
  return m.map((row, i) => row[k] / row[i]);
}

/**
 * Non-negative least squares for a handful of columns: the best unconstrained fit over every
 * subset of columns whose coefficients all come out >= 0 (exact NNLS for a few columns, and
 * deterministic). Returns one coefficient per column (0 for those left out).
 */
export function nnls(a: readonly number[][], b: readonly number[]): number[] {
  const p = a[0]?.length ?? 0;
  let best: { x: number[]; sse: number } | null = null;
  for (let mask = 1; mask < 1 << p; mask++) {
    const cols = Array.from({ length: p }, (_, j) => j).filter((j) => mask & (1 << j));
    const sol = leastSquares(a, b, cols);
    if (!sol || sol.some((v) => !(v >= 0))) continue;
    const x = new Array<number>(p).fill(0);
    cols.forEach((j, i) => (x[j] = sol[i]));
    let sse = 0;
    for (let r = 0; r < a.length; r++) {
      let e = -b[r];
      for (let j = 0; j < p; j++) e += a[r][j] * x[j];
      sse += e * e;
    }
    if (!best || sse < best.sse) best = { x, sse };
  }
  return best?.x ?? new Array<number>(p).fill(0);
}

/** Coefficients for rows `x` against times `t`, on relative error (each row weighted by 1 / t). */
export function fitLinear(x: readonly number[][], t: readonly number[]): number[] {
  return nnls(
    x.map((row, i) => row.map((v) => v / t[i])),
    t.map(() => 1),
  );
}

const dot = (a: readonly number[], b: readonly number[]) => a.reduce((s, v, i) => s + v * b[i], 0);

/** Leave-one-out predictions: each sample predicted by a fit on all the others. */
export function leaveOneOut(x: readonly number[][], t: readonly number[]): number[] {
  return x.map((row, i) =>
    dot(
      row,
      fitLinear(
        x.filter((_, j) => j !== i),
        t.filter((_, j) => j !== i),
      ),
    ),
  );
}

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

/** Fits one workload: every model, the one with the lowest leave-one-out median error kept. */
export function fitWorkload(samples: readonly LatencySample[], workload: Workload, tokens: number, reference: DeviceProfile): WorkloadFit {
  if (samples.length < MIN_SAMPLES) {
    throw new RangeError(`a latency predictor needs at least ${MIN_SAMPLES} measured candidates; this series has ${samples.length}`);
  }
  const t = samples.map((s) => (workload === 'prefill' ? s.prefillMs : s.decodeMs));
  if (!t.every((v) => v > 0 && Number.isFinite(v))) throw new RangeError('every measured latency must be a positive number of ms');
  const tried = {} as Record<PredictorModel, number>;
  let best: WorkloadFit | null = null;
  for (const model of PREDICTOR_MODELS) {
    const x = samples.map((s) => features(model, s.arch, workload, tokens, reference));
    const loo = predictionErrors(leaveOneOut(x, t), t);
    tried[model] = loo.medianApe;
    if (!best || loo.medianApe < best.looMedianApe) {
      best = {
        model,
        coefficients: fitLinear(x, t),
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
  return dot(features(fit.model, arch, workload, p.tokens, p.reference), fit.coefficients);
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

const FEATURE_COUNT: Record<PredictorModel, number> = { roofline: 4, sums: 4, scaled: 2 };

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
