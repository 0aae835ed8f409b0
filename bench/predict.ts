// Predicted latency against measurement (issue "Predicted latency per device"): on wasm, in
// headless Chromium and in Node, 40 archs sampled from the default space are measured
// round-robin in one pass; the predictor (src/core/predictor.ts) is fitted on the first 20 and
// predicts the other 20. Beside its figures: the calibrated analytic latency on the same 20
// (the device profile measured at the start of the run) and a second measurement pass of those
// 20 against the first (the floor this machine's noise allows any predictor).
import os from 'node:os';
import { archKey, type Arch } from '../src/core/arch';
import type { BackendName } from '../src/core/backendNames';
import { analyticLatency, type DeviceProfile } from '../src/core/latency';
import { fitPredictor, predictionErrors, predictLatency, type LatencySample } from '../src/core/predictor';
import type { MeasureResult } from '../src/core/timingStats';
import { selectBackend, silenceNodeBanner } from '../src/measure/backends';
import { measureDeviceProfile, type MeasuredProfile, type ProfileOptions } from '../src/measure/profile';
import { measureRounds, type RoundsOptions } from '../src/measure/rounds';
import { sampledArchs } from './latency';
import { withBenchPage, type Caller } from './page';

const TOKENS = 128;
/** The app's defaults: at least 10 timed runs and 1 s per workload, 4 round-robin slices. */
const OPTIONS = { tokens: TOKENS, runs: 10, warmup: 2, minTimeMs: 1000, rounds: 4 };
const ARCHS = 40;
const TRAIN = 20;

interface Runtime {
  profile(options?: ProfileOptions): Promise<MeasuredProfile>;
  measureRounds(archs: Arch[], options: Omit<RoundsOptions, 'onSlice' | 'signal'>): Promise<MeasureResult[]>;
}

interface PageApi {
  selectBackend(name: BackendName): Promise<BackendName>;
  profile(options?: ProfileOptions): Promise<MeasuredProfile>;
  measureRounds(archs: Arch[], options: Omit<RoundsOptions, 'onSlice' | 'signal'>): Promise<MeasureResult[]>;
}

type Figures = ReturnType<typeof predictionErrors>;
export interface WorkloadFigures {
  predicted: Figures;
  analytic: Figures;
  /** Second pass against the first, same 20 archs. */
  floor: Figures;
  model: string;
  looMedianApe: number;
}
export interface RuntimeFigures {
  runtime: string;
  profile: DeviceProfile;
  prefill: WorkloadFigures;
  decode: WorkloadFigures;
  /** Wall time of the fit on the 20 (all three models, leave-one-out included), ms. */
  fitMs: number;
  /** The predictor's choices: model and, for 'cache', C in bytes, per workload. */
  fits: Record<'prefill' | 'decode', { model: string; cacheBytes?: number; tried: object }>;
  /** Every arch's medians, ms (pass 2: the last 20 again), so a fit can be redone offline. */
  samples: { arch: string; prefillMs: number; decodeMs: number; pass2?: { prefillMs: number; decodeMs: number } }[];
  seconds: number;
}

async function runOn(runtime: string, rt: Runtime, log: (s: string) => void): Promise<RuntimeFigures> {
  const t0 = performance.now();
  const p = await rt.profile({});
  const profile: DeviceProfile = {
    gflops: p.gflops,
    gbps: p.gbps,
    overheadMsPerKernel: p.overheadMsPerKernel,
    label: `calibrated (${runtime})`,
  };
  log(
    `${runtime}: profile ${p.gflops.toFixed(1)} GFLOP/s, ${p.gbps.toFixed(1)} GB/s, ${(p.overheadMsPerKernel * 1000).toFixed(1)} µs/kernel`,
  );
  const archs = sampledArchs(ARCHS, 17);
  const pass1 = await rt.measureRounds(archs, OPTIONS);
  log(`${runtime}: pass 1 (${ARCHS} archs) done`);
  const test = archs.slice(TRAIN);
  const pass2 = await rt.measureRounds(test, OPTIONS);
  log(`${runtime}: pass 2 (${test.length} archs) done`);
  const samples: LatencySample[] = archs.map((arch, i) => ({
    arch,
    prefillMs: pass1[i].prefill.medianMs,
    decodeMs: pass1[i].decode.medianMs,
  }));
  const f0 = performance.now();
  const predictor = fitPredictor(samples.slice(0, TRAIN), TOKENS, profile, `wasm (${runtime})`);
  const fitMs = performance.now() - f0;
  const figures = (w: 'prefill' | 'decode'): WorkloadFigures => {
    const key = w === 'prefill' ? 'prefillMs' : 'decodeMs';
    const measured = samples.slice(TRAIN).map((s) => s[key]);
    return {
      predicted: predictionErrors(
        test.map((a) => predictLatency(predictor, a)[key]),
        measured,
      ),
      analytic: predictionErrors(
        test.map((a) => analyticLatency(a, profile, TOKENS)[key]),
        measured,
      ),
      floor: predictionErrors(
        pass2.map((r) => r[w].medianMs),
        measured,
      ),
      model: predictor[w].model,
      looMedianApe: predictor[w].looMedianApe,
    };
  };
  const fitOf = (w: 'prefill' | 'decode') => ({
    model: predictor[w].model,
    cacheBytes: predictor[w].cacheBytes,
    tried: predictor[w].tried,
  });
  return {
    runtime,
    profile,
    prefill: figures('prefill'),
    decode: figures('decode'),
    fitMs,
    fits: { prefill: fitOf('prefill'), decode: fitOf('decode') },
    samples: samples.map((s, i) => ({
      arch: archKey(s.arch),
      prefillMs: s.prefillMs,
      decodeMs: s.decodeMs,
      ...(i >= TRAIN ? { pass2: { prefillMs: pass2[i - TRAIN].prefill.medianMs, decodeMs: pass2[i - TRAIN].decode.medianMs } } : {}),
    })),
    seconds: (performance.now() - t0) / 1000,
  };
}

export async function runPredictBench(log: (s: string) => void = () => {}): Promise<{ runtimes: RuntimeFigures[]; protocol: object }> {
  const chromium = await withBenchPage(async (call: Caller<PageApi>) => {
    await call('selectBackend', 'wasm');
    return runOn('Chromium', { profile: (o) => call('profile', o), measureRounds: (a, o) => call('measureRounds', a, o) }, log);
  });
  silenceNodeBanner();
  await selectBackend('wasm');
  const node = await runOn(`Node ${process.version}`, { profile: measureDeviceProfile, measureRounds }, log);
  return {
    runtimes: [chromium, node],
    protocol: { archs: ARCHS, train: TRAIN, seed: 17, ...OPTIONS, cpu: os.cpus()[0]?.model, cores: os.cpus().length },
  };
}
