// Latency benchmark: tfjs on the wasm backend in headless Chromium (Debian's), served by Vite
// with cross-origin isolation so wasm threads run. Everything is compared within this one run:
//   1. efficiency: prefill GFLOP/s (core's FLOP count / median time) as a ratio of the matmul
//      GFLOP/s the device profile measured; decode time against the memory-bound limit
//      (weight bytes / measured bandwidth), as limit / measured;
//   2. stability: CV of the median over 5 repeats per arch, and Spearman between two passes
//      over the first 10 sampled archs (the target) and over all 20. A repeat (and a
//      pass) measures its archs in ROUNDS interleaved slices (src/measure/rounds.ts), so a slow
//      stretch of this shared machine lands on a slice of every arch rather than on all of one;
//      repeats and passes follow one another, never overlap. Every timed run is followed by a
//      reference kernel (src/measure/referenceKernels.ts), and both figures are also given with this
//      machine's memory drift removed run by run (src/core/driftCorrection.ts); the JSON also
//      keeps the plain ratios workload / reference;
//   3. analytic vs measured: core's roofline calibrated with the measured profile, Spearman and
//      median absolute percentage error over 20 archs;
//   4. leaks: 50 build-measure-dispose cycles, tensor count unchanged.
import { homogeneous, type Arch } from '../src/core/arch';
import { countParams } from '../src/core/params';
import { prefillFlops } from '../src/core/flops';
import { analyticLatency, type DeviceProfile } from '../src/core/latency';
import { compileSpace, toArch } from '../src/core/genome';
import { sampleGenome } from '../src/core/operators';
import { makeRng } from '../src/core/random';
import { DEFAULT_SPACE } from '../src/core/space';
import { median, spearman, summarize } from '../src/core/stats';
import type { MeasuredProfile, ProfileOptions } from '../src/measure/profile';
import type { MeasureOptions } from '../src/measure/timing';
import type { RoundsOptions } from '../src/measure/rounds';
import { withBenchPage, type Caller } from './page';
import { driftCorrectedMedian, driftScaledMedian } from '../src/core/driftCorrection';
import type { BackendName } from '../src/core/backendNames';
import type { DeviceInfo } from '../src/core/deviceInfo';
import type { MeasureResult, PairedTiming, WorkloadTiming } from '../src/core/timingStats';

/** What bench/browser/main.ts puts on globalThis.lmBench (kept in step by hand: DOM vs Node tsconfig). */
interface LatencyBenchApi {
  selectBackend(name: BackendName): Promise<BackendName>;
  deviceInfo(): Promise<DeviceInfo>;
  profile(options?: ProfileOptions): Promise<MeasuredProfile>;
  measureArch(arch: Arch, options?: Omit<MeasureOptions, 'onProgress' | 'signal'>): Promise<MeasureResult>;
  measureRounds(archs: Arch[], options: Omit<RoundsOptions, 'onSlice' | 'signal'>): Promise<MeasureResult[]>;
  numTensors(): number;
}

const TOKENS = 128;
/** Timed runs per workload: at least RUNS, and until they add up to MIN_TIME_MS. The median of
 *  a window shrugs off bursts of load shorter than half the window, and this machine has bursts
 *  of a second or two: 1.5 s windows left decode CVs of 6-15 % (one slow repeat in five), the
 *  7 s windows of GPT-2 small's prefill 1.2 %. */
const RUNS = 10;
const MIN_TIME_MS = 4000;
const REPEATS = 5;
/** Slices per arch in a repeat or pass, taken round-robin (the app's default too). In the
 *  interleave bench (bench/interleave.ts), three sequential passes over 10 archs had decode
 *  Spearmans of 0.95, 0.73 and 0.83 between them, three 4-slice passes in the same 14 minutes
 *  1.00, 0.99 and 0.99. */
const ROUNDS = 4;
/** The pass-to-pass Spearman target is over 10 archs (the first 10 of the 20 sampled). */
const PASS_ARCHS = 10;
const gpt2 = (nLayer: number, d: number, heads: number) =>
  homogeneous({ family: 'gpt2', vocabSize: 50257, contextLength: 1024, dModel: d, tieEmbeddings: true }, nLayer, {
    nHead: heads,
    dInner: 4 * d,
  });

export const EFFICIENCY_ARCHS: { name: string; arch: Arch; target?: number }[] = [
  { name: 'small 4 x 256', arch: gpt2(4, 256, 4) },
  { name: 'budget max 8 x 512', arch: gpt2(8, 512, 8), target: 0.65 },
  { name: 'GPT-2 small 12 x 768', arch: gpt2(12, 768, 12), target: 0.8 },
];

/** 20 archs from the default space within its 64M budget, seeded: the analytic-vs-measured set. */
export function sampledArchs(n: number, seed = 11): Arch[] {
  const cs = compileSpace(DEFAULT_SPACE);
  const rng = makeRng(seed);
  const out: Arch[] = [];
  while (out.length < n) {
    const a = toArch(cs, sampleGenome(cs, rng));
    if (countParams(a).total <= 64e6) out.push(a);
  }
  return out;
}

/** The control micro-benchmark: best square matmul of two sizes (the profile's definition,
 *  without its slowest size) and the GEMV bandwidth probe, about a second in all. */
const CONTROL: ProfileOptions = {
  matmulSizes: [256, 512],
  gemvMatrices: 8,
  tinyOps: 50,
  elementwiseSize: 1 << 16,
  minBatchMs: 40,
  batches: 3,
};
interface Control {
  gflops: number;
  gbps: number;
  overheadMsPerKernel: number;
}
interface Controlled {
  result: MeasureResult;
  /** Mean of the controls measured just before and just after the bench. */
  control: Control;
}
const toControl = (p: MeasuredProfile): Control => ({ gflops: p.gflops, gbps: p.gbps, overheadMsPerKernel: p.overheadMsPerKernel });

const paired = (t: WorkloadTiming): PairedTiming => {
  if (!t.paired) throw new Error('the bench asked for paired timing and got none');
  return t.paired;
};

const mape = (pred: number[], meas: number[]) => median(pred.map((p, i) => Math.abs(p - meas[i]) / meas[i]));

export async function runLatencyBench(log: (s: string) => void = () => {}) {
  return withBenchPage(async (call: Caller<LatencyBenchApi>) => {
    const backend = await call('selectBackend', 'wasm');
    const device = await call('deviceInfo');
    log(`backend ${backend}; crossOriginIsolated ${device.crossOriginIsolated}`);
    const profile = await call('profile', {});
    log(
      `profile: ${profile.gflops.toFixed(1)} GFLOP/s, ${profile.gbps.toFixed(1)} GB/s, ${(profile.overheadMsPerKernel * 1000).toFixed(1)} µs/kernel`,
    );
    // Paired: each timed run is followed by a reference kernel (src/measure/referenceKernels.ts), so the
    // figures workload / reference, free of this machine's drift, sit beside the raw ones.
    const options = { tokens: TOKENS, runs: RUNS, warmup: 2, minTimeMs: MIN_TIME_MS, paired: true };
    // Warm the JIT and the allocator on a throw-away model first: the first builds of a page
    // run slower code paths, which would land on the first arch's first repeat.
    for (let i = 0; i < 3; i++) await call('measureArch', EFFICIENCY_ARCHS[0].arch, { ...options, minTimeMs: 0 });

    // The control: this machine's speed drifts by tens of percent over tens of seconds (a fixed
    // JS loop, alone on it, had 10-second medians from 7.5 to 12.2 ms), so the denominators of
    // the ratios are measured around each repeat and pass, not once at the start: a short
    // micro-benchmark between consecutive ones, each getting the mean of the one before and
    // after it. (Scaling the medians by it did not lower their CV: the drift is faster than that.)
    const controls: Control[] = [toControl(await call('profile', CONTROL))];
    const controlled = async (archs: Arch[]): Promise<Controlled[]> => {
      const results = await call('measureRounds', archs, { ...options, rounds: ROUNDS });
      const before = controls[controls.length - 1];
      const after = toControl(await call('profile', CONTROL));
      controls.push(after);
      const mean = (k: keyof Control) => (before[k] + after[k]) / 2;
      const control = { gflops: mean('gflops'), gbps: mean('gbps'), overheadMsPerKernel: mean('overheadMsPerKernel') };
      return results.map((result) => ({ result, control }));
    };

    // 1 + 2a: efficiency and repeat stability of three archs, each repeat all three interleaved.
    const reps: Controlled[][] = EFFICIENCY_ARCHS.map(() => []);
    for (let r = 0; r < REPEATS; r++) {
      const repeat = await controlled(EFFICIENCY_ARCHS.map((e) => e.arch));
      repeat.forEach((x, i) => reps[i].push(x));
      log(`repeat ${r + 1} of ${REPEATS} done`);
    }
    const efficiency = EFFICIENCY_ARCHS.map(({ name, arch, target }, i) => {
      const flops = prefillFlops(arch, TOKENS).total;
      const weightBytes = 4 * countParams(arch).total;
      const prefillMedians = reps[i].map((x) => x.result.prefill.medianMs);
      const decodeMedians = reps[i].map((x) => x.result.decode.medianMs);
      const prefillPaired = reps[i].map((x) => paired(x.result.prefill).ratioMedian);
      const decodePaired = reps[i].map((x) => paired(x.result.decode).ratioMedian);
      const prefillMs = median(prefillMedians);
      const decodeMs = median(decodeMedians);
      const gflops = flops / (prefillMs * 1e6);
      // Memory-bound limit of a decode step: the weights read once at the bandwidth measured
      // around each repeat (median over repeats), and at the start-of-run bandwidth.
      const decodeLimitMs = median(reps[i].map((x) => weightBytes / (x.control.gbps * 1e6)));
      const decodeLimitMsStart = weightBytes / (profile.gbps * 1e6);
      // Per repeat, against the control measured around it.
      const prefillRatios = reps[i].map((x) => flops / (x.result.prefill.medianMs * 1e6) / x.control.gflops);
      const decodeRatios = reps[i].map((x) => weightBytes / (x.control.gbps * 1e6) / x.result.decode.medianMs);
      const row = {
        name,
        params: countParams(arch).total,
        prefillMs,
        prefillGflops: gflops,
        /** Median over repeats of GFLOP/s / the matmul GFLOP/s measured around that repeat. */
        prefillRatio: median(prefillRatios),
        prefillRatioStart: gflops / profile.gflops,
        prefillTarget: target,
        decodeMs,
        decodeLimitMs,
        /** Median over repeats of (weight bytes / bandwidth measured around it) / decode time. */
        decodeRatio: median(decodeRatios),
        decodeLimitMsStart,
        decodeRatioStart: decodeLimitMsStart / decodeMs,
        prefillMedians,
        decodeMedians,
        controls: reps[i].map((x) => x.control),
        prefillCvOfMedians: summarize(prefillMedians).cv,
        decodeCvOfMedians: summarize(decodeMedians).cv,
        /** Per repeat, the median over runs of workload / the reference timed right after it. */
        prefillPairedMedians: prefillPaired,
        decodePairedMedians: decodePaired,
        prefillPairedCv: summarize(prefillPaired).cv,
        decodePairedCv: summarize(decodePaired).cv,
        /** Decode against the memory-bound limit at the bandwidth the GEMV reference reached
         *  right after each step: (weight bytes / reference bytes) / (decode / reference). */
        decodeRatioPaired: median(decodePaired.map((r) => weightBytes / paired(reps[i][0].result.decode).referenceBytes / r)),
        // The control's own spread over the same repeats: the machine's drift.
        controlGflopsCv: summarize(reps[i].map((x) => x.control.gflops)).cv,
        controlGbpsCv: summarize(reps[i].map((x) => x.control.gbps)).cv,
        timedRuns: reps[i].map((x) => ({ prefill: x.result.prefill.runs, decode: x.result.decode.runs })),
        leaked: reps[i].map((x) => x.result.leakedTensors),
      };
      log(
        `${name}: prefill ${prefillMs.toFixed(1)} ms (${gflops.toFixed(1)} GFLOP/s, ${row.prefillRatio.toFixed(2)} of the matmul around it, ` +
          `${row.prefillRatioStart.toFixed(2)} of the start one), decode ${decodeMs.toFixed(2)} ms`,
      );
      return row;
    });

    // 2b + 3: two passes over 20 sampled archs.
    const archs = sampledArchs(20);
    const passes: Controlled[][] = [];
    for (let p = 0; p < 2; p++) {
      passes.push(await controlled(archs));
      log(`pass ${p + 1} of 2 done`);
    }
    type Workload = 'prefill' | 'decode';
    const m = (p: Controlled[], w: Workload) => p.map((x) => x.result[w].medianMs);
    const measured = (w: Workload) => m(passes[0], w).map((v, i) => (v + m(passes[1], w)[i]) / 2);
    // Core's analytic latency calibrated with the median of every control of the run (a single
    // profile, like the start one, can land in a slow or fast moment of this machine).
    const med = (k: keyof Control) => median(controls.map((c) => c[k]));
    const calibrated: DeviceProfile = {
      gflops: med('gflops'),
      gbps: med('gbps'),
      overheadMsPerKernel: med('overheadMsPerKernel'),
      label: `median of ${controls.length} control profiles of this run`,
    };
    const analytic = archs.map((a) => analyticLatency(a, calibrated, TOKENS));
    const first = (x: number[]) => x.slice(0, PASS_ARCHS);
    const ratio = (p: Controlled[], w: Workload) => p.map((x) => paired(x.result[w]).ratioMedian);
    const agreement = (['prefill', 'decode'] as const).map((w) => ({
      workload: w,
      passSpearman: spearman(first(m(passes[0], w)), first(m(passes[1], w))),
      passSpearmanAll: spearman(m(passes[0], w), m(passes[1], w)),
      passSpearmanPaired: spearman(first(ratio(passes[0], w)), first(ratio(passes[1], w))),
      passSpearmanPairedAll: spearman(ratio(passes[0], w), ratio(passes[1], w)),
      analyticSpearman: spearman(
        analytic.map((x) => (w === 'prefill' ? x.prefillMs : x.decodeMs)),
        measured(w),
      ),
      analyticMape: mape(
        analytic.map((x) => (w === 'prefill' ? x.prefillMs : x.decodeMs)),
        measured(w),
      ),
    }));

    // 2c: the same stability figures with the drift removed run by run (src/core/driftCorrection.ts):
    // a decode step moved to the run's median GEMV reference time by its share of streamed bytes,
    // a prefill scaled with its matmul reference to the run's median.
    const everyBench = [...reps.flat(), ...passes.flat()].map((x) => x.result);
    const atReferenceMs = {
      prefill: median(everyBench.flatMap((r) => paired(r.prefill).referenceTimesMs)),
      decode: median(everyBench.flatMap((r) => paired(r.decode).referenceTimesMs)),
    };
    const corrected = (arch: Arch, r: MeasureResult, w: Workload): number => {
      const p = paired(r[w]);
      const runs = { timesMs: r[w].timesMs, referenceTimesMs: p.referenceTimesMs };
      if (w === 'prefill') return driftScaledMedian(runs, atReferenceMs.prefill);
      return driftCorrectedMedian(runs, (4 * countParams(arch).total) / p.referenceBytes, atReferenceMs.decode);
    };
    const stabilityCorrected = EFFICIENCY_ARCHS.map(({ name, arch }, i) => {
      const prefillMedians = reps[i].map((x) => corrected(arch, x.result, 'prefill'));
      const decodeMedians = reps[i].map((x) => corrected(arch, x.result, 'decode'));
      return { name, prefillMedians, decodeMedians, prefillCv: summarize(prefillMedians).cv, decodeCv: summarize(decodeMedians).cv };
    });
    const passCorrected = (p: Controlled[], w: Workload) => p.map((x, i) => corrected(archs[i], x.result, w));
    const agreementCorrected = (['prefill', 'decode'] as const).map((w) => ({
      workload: w,
      passSpearman: spearman(first(passCorrected(passes[0], w)), first(passCorrected(passes[1], w))),
      passSpearmanAll: spearman(passCorrected(passes[0], w), passCorrected(passes[1], w)),
    }));

    // 4: leak check.
    const before = await call('numTensors');
    const tiny = gpt2(2, 64, 2);
    for (let i = 0; i < 50; i++)
      await call('measureArch', { ...tiny, vocabSize: 512, contextLength: 64 }, { tokens: 16, runs: 1, warmup: 1 });
    const after = await call('numTensors');
    return {
      bench: 'latency',
      backend,
      device,
      tokens: TOKENS,
      protocol: {
        runs: RUNS,
        minTimeMs: MIN_TIME_MS,
        rounds: ROUNDS,
        warmup: 2,
        repeats: REPEATS,
        passArchs: PASS_ARCHS,
        control: CONTROL,
        references: { prefill: paired(reps[0][0].result.prefill).description, decode: paired(reps[0][0].result.decode).description },
      },
      profile,
      efficiency,
      archs: archs.map((a, i) => ({
        arch: a,
        analytic: analytic[i],
        measured: { prefillMs: measured('prefill')[i], decodeMs: measured('decode')[i] },
        passes: passes.map((p) => ({
          prefillMs: p[i].result.prefill.medianMs,
          decodeMs: p[i].result.decode.medianMs,
          prefillPaired: paired(p[i].result.prefill).ratioMedian,
          decodePaired: paired(p[i].result.decode).ratioMedian,
          control: p[i].control,
        })),
      })),
      agreement,
      driftCorrected: {
        method:
          'prefill: t x (median matmul reference / its reference); decode: t + (weight bytes / reference bytes) x (median GEMV reference - its reference)',
        atReferenceMs,
        stability: stabilityCorrected,
        agreement: agreementCorrected,
      },
      calibrated,
      leak: { cycles: 50, tensorsBefore: before, tensorsAfter: after },
      targets: { prefillRatio8x512: 0.65, prefillRatio12x768: 0.8, cv: 0.05, passSpearman: 0.95 },
    };
  });
}
