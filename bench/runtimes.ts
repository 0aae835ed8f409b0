// Runtimes benchmark: our tfjs path (tfjs-backend-wasm, the builder's graph) against ONNX Runtime
// Web's wasm build on the same models (core/onnx exports them with the same seeded weights), in
// headless Chromium on the bench page, both through the app's protocol (T = 128, warm-up, runs
// and time budget, round-robin slices). The 10 archs are the interleave bench's (the first 10 of
// the latency bench's seeded sample of the default space). Two passes, interleaved by runtime in
// the order tfjs, ORT, ORT, tfjs, so neither runtime gets the quieter stretch of the run; each
// runtime-pass times all 10 archs in ROUNDS round-robin slices. Reported per workload (prefill,
// decode): Spearman between the runtimes (each pass, and the means of the two) beside each
// runtime's own pass-to-pass Spearman (the floor that agreement can be judged by), and per arch
// the time ratio tfjs / ORT (mean of the two passes' ratios) and its inverse, tfjs's speed as a
// fraction of ORT's (the target: at least 0.9 on every arch). Then the matmuls alone (bench/browser/
// gemm.ts): the sample's projection and feed-forward shapes at T = 128, one matmul per run in each
// runtime, which bounds how close tfjs's prefill can come to ORT's.
import type { Arch } from '../src/core/arch';
import { countParams } from '../src/core/params';
import { median, spearman } from '../src/core/stats';
import type { RoundsOptions } from '../src/measure/rounds';
import type { MeasureOptions } from '../src/measure/timing';
import type { OrtRoundsOptions } from '../src/ort/timing';
import { EFFICIENCY_ARCHS, sampledArchs } from './latency';
import { withBenchPage, type Caller } from './page';
import type { BackendName } from '../src/core/backendNames';
import type { DeviceInfo } from '../src/core/deviceInfo';
import type { MeasureResult } from '../src/core/timingStats';
import type { GemmOptions, GemmRow } from './browser/gemm';

/** What bench/browser/main.ts puts on globalThis.lmBench (kept in step by hand: DOM vs Node tsconfig). */
interface RuntimesBenchApi {
  selectBackend(name: BackendName): Promise<BackendName>;
  deviceInfo(): Promise<DeviceInfo>;
  measureArch(arch: Arch, options?: Omit<MeasureOptions, 'onProgress' | 'signal'>): Promise<MeasureResult>;
  measureRounds(archs: Arch[], options: Omit<RoundsOptions, 'onSlice' | 'signal'>): Promise<MeasureResult[]>;
  selectOrtBackend(name: BackendName): Promise<BackendName>;
  ortDeviceInfo(): Promise<DeviceInfo>;
  measureRoundsOrt(archs: Arch[], options: Omit<OrtRoundsOptions, 'onSlice' | 'signal'>): Promise<MeasureResult[]>;
  gemm(options: GemmOptions): Promise<GemmRow[]>;
}

type Runtime = 'tfjs' | 'ort';
type Workload = 'prefill' | 'decode';
const WORKLOADS: readonly Workload[] = ['prefill', 'decode'];

const ARCHS = 10;
/** Round-robin slices per arch in a runtime-pass: the app's default (see the interleave bench). */
const ROUNDS = 4;
/** Per workload and runtime-pass: at least `runs` timed runs adding up to `minTimeMs`, the whole
 *  run (four runtime-passes) within about 8 minutes on this 2-core machine. */
const OPTIONS = { tokens: 128, runs: 8, warmup: 2, minTimeMs: 2000 };
const ORDER: readonly Runtime[] = ['tfjs', 'ort', 'ort', 'tfjs'];
/** Timed runs per runtime and shape in each of the matmul comparison's two halves. */
const GEMM_RUNS = 10;
/** tfjs's speed as a fraction of ORT's that our tfjs path aims for on every arch. */
export const SPEED_TARGET = 0.9;

export async function runRuntimesBench(log: (s: string) => void = () => {}) {
  return withBenchPage(async (call: Caller<RuntimesBenchApi>) => {
    await call('selectBackend', 'wasm');
    const tfjsDevice = await call('deviceInfo');
    await call('selectOrtBackend', 'wasm');
    const ortDevice = await call('ortDeviceInfo');
    log(
      `tfjs wasm ${tfjsDevice.wasmThreadCount ?? '?'} thread(s), ORT wasm ${ortDevice.wasmThreadCount ?? '?'} thread(s); ` +
        `crossOriginIsolated ${tfjsDevice.crossOriginIsolated}`,
    );
    const archs = sampledArchs(20).slice(0, ARCHS);
    // Warm each runtime's JIT and allocator on a throw-away model: a page's first builds run slower paths.
    const warm = EFFICIENCY_ARCHS[0].arch;
    const pass = (runtime: Runtime, list: Arch[], options: typeof OPTIONS & { rounds: number }) =>
      runtime === 'tfjs' ? call('measureRounds', list, options) : call('measureRoundsOrt', list, options);
    for (const runtime of ['tfjs', 'ort'] as const) await pass(runtime, [warm], { ...OPTIONS, minTimeMs: 0, runs: 2, rounds: 1 });

    const passes: { runtime: Runtime; seconds: number; prefillMs: number[]; decodeMs: number[]; leaked: number[] }[] = [];
    for (const runtime of ORDER) {
      const start = performance.now();
      const results = await pass(runtime, archs, { ...OPTIONS, rounds: ROUNDS });
      const seconds = (performance.now() - start) / 1000;
      passes.push({
        runtime,
        seconds,
        prefillMs: results.map((r) => r.prefill.medianMs),
        decodeMs: results.map((r) => r.decode.medianMs),
        leaked: results.map((r) => r.leakedTensors),
      });
      log(`${runtime} pass: ${seconds.toFixed(0)} s`);
    }
    const own = (runtime: Runtime) => passes.filter((p) => p.runtime === runtime);
    const [t1, t2] = own('tfjs');
    const [o1, o2] = own('ort');
    const key = (w: Workload): 'prefillMs' | 'decodeMs' => (w === 'prefill' ? 'prefillMs' : 'decodeMs');
    const mean = (a: number[], b: number[]) => a.map((x, i) => (x + b[i]) / 2);
    const agreement = WORKLOADS.map((w) => {
      const k = key(w);
      return {
        workload: w,
        /** Each runtime against itself, pass 1 vs pass 2: how far a ranking moves on this machine. */
        tfjsPassToPass: spearman(t1[k], t2[k]),
        ortPassToPass: spearman(o1[k], o2[k]),
        /** tfjs against ORT: within each pass (pass 1 is tfjs then ORT, pass 2 the reverse), and the means. */
        betweenRuntimesPass1: spearman(t1[k], o1[k]),
        betweenRuntimesPass2: spearman(t2[k], o2[k]),
        betweenRuntimesMeans: spearman(mean(t1[k], t2[k]), mean(o1[k], o2[k])),
      };
    });
    const perArch = archs.map((arch, i) => {
      const row = (w: Workload) => {
        const k = key(w);
        const tfjsMs = (t1[k][i] + t2[k][i]) / 2;
        const ortMs = (o1[k][i] + o2[k][i]) / 2;
        // Per pass, so each ratio compares two timings taken minutes apart at most.
        const ratios = [t1[k][i] / o1[k][i], t2[k][i] / o2[k][i]];
        const timeRatio = (ratios[0] + ratios[1]) / 2;
        return { tfjsMs, ortMs, timeRatioPerPass: ratios, timeRatio, tfjsSpeedVsOrt: 1 / timeRatio };
      };
      return {
        arch,
        params: countParams(arch).total,
        dModel: arch.dModel,
        layers: arch.layers.length,
        prefill: row('prefill'),
        decode: row('decode'),
      };
    });
    const speeds = (w: Workload) => perArch.map((a) => a[w].tfjsSpeedVsOrt);
    const summary = WORKLOADS.map((w) => ({
      workload: w,
      medianTimeRatio: median(perArch.map((a) => a[w].timeRatio)),
      minSpeed: Math.min(...speeds(w)),
      medianSpeed: median(speeds(w)),
      maxSpeed: Math.max(...speeds(w)),
      archsAtTarget: speeds(w).filter((s) => s >= SPEED_TARGET).length,
    }));
    // The matmuls alone: for each width in the sample, its attention projection and its widest
    // feed-forward pair (up and down) at the prefill's T.
    const widest = new Map<number, number>();
    for (const a of archs) for (const l of a.layers) widest.set(a.dModel, Math.max(widest.get(a.dModel) ?? 0, l.dInner));
    const shapes = [...widest]
      .sort((a, b) => a[0] - b[0])
      .flatMap(([d, f]): [number, number, number][] => [
        [OPTIONS.tokens, d, d],
        [OPTIONS.tokens, d, f],
        [OPTIONS.tokens, f, d],
      ]);
    const gemm = await call('gemm', { shapes, runs: GEMM_RUNS, warmup: 2 });
    const gemmSpeeds = gemm.map((g) => g.tfjsSpeedVsOrt);
    log(`matmuls alone: ${gemm.length} shapes`);
    return {
      bench: 'runtimes',
      devices: { tfjs: tfjsDevice, ort: ortDevice },
      protocol: { archs: ARCHS, rounds: ROUNDS, order: ORDER, ...OPTIONS, ortPrefillLogits: 'last position only (as tfjs)' },
      agreement,
      summary,
      perArch,
      passes,
      target: { tfjsSpeedVsOrt: SPEED_TARGET },
      gemm: {
        runsPerRuntime: 2 * GEMM_RUNS,
        shapes: gemm,
        minSpeed: Math.min(...gemmSpeeds),
        medianSpeed: median(gemmSpeeds),
        maxSpeed: Math.max(...gemmSpeeds),
      },
    };
  });
}
