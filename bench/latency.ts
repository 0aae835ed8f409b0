// Latency benchmark: tfjs on the wasm backend in headless Chromium (Debian's), served by Vite
// with cross-origin isolation so wasm threads run. Everything is compared within this one run:
//   1. efficiency: prefill GFLOP/s (core's FLOP count / median time) as a ratio of the matmul
//      GFLOP/s the device profile measured; decode time against the memory-bound limit
//      (weight bytes / measured bandwidth), as limit / measured;
//   2. stability: CV of the median over 5 repeats per arch; Spearman between two passes;
//   3. analytic vs measured: core's roofline calibrated with the measured profile, Spearman and
//      median absolute percentage error over 20 archs;
//   4. leaks: 50 build-measure-dispose cycles, tensor count unchanged.
import type { Page } from 'playwright-core';
import { createServer } from 'vite';
import { launchBrowser } from '../tests/e2e/browser';
import { homogeneous, type Arch } from '../src/core/arch';
import { countParams } from '../src/core/params';
import { prefillFlops } from '../src/core/flops';
import { analyticLatency, type DeviceProfile } from '../src/core/latency';
import { compileSpace, toArch } from '../src/core/genome';
import { sampleGenome } from '../src/core/operators';
import { makeRng } from '../src/core/random';
import { DEFAULT_SPACE } from '../src/core/space';
import { median, spearman, summarize } from '../src/core/stats';
import type { BackendName } from '../src/bench/backends';
import type { DeviceInfo } from '../src/bench/device';
import type { MeasuredProfile, ProfileOptions } from '../src/bench/profile';
import type { BenchOptions, BenchResult } from '../src/bench/timing';

/** What bench/browser/main.ts puts on globalThis.lmBench (kept in step by hand: DOM vs Node tsconfig). */
interface LatencyBenchApi {
  selectBackend(name: BackendName): Promise<BackendName>;
  deviceInfo(): Promise<DeviceInfo>;
  profile(options?: ProfileOptions): Promise<MeasuredProfile>;
  bench(arch: Arch, options?: Omit<BenchOptions, 'onProgress' | 'signal'>): Promise<BenchResult>;
  numTensors(): number;
}

const TOKENS = 128;
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

type Call = <K extends keyof LatencyBenchApi>(name: K, ...args: Parameters<LatencyBenchApi[K]>) => Promise<Awaited<ReturnType<LatencyBenchApi[K]>>>;

function caller(page: Page): Call {
  return (name, ...args) =>
    page.evaluate(
      ([n, a]) => (globalThis as unknown as { lmBench: Record<string, (...x: unknown[]) => unknown> }).lmBench[n as string](...(a as unknown[])),
      [name, args] as const,
    ) as never;
}

const mape = (pred: number[], meas: number[]) => median(pred.map((p, i) => Math.abs(p - meas[i]) / meas[i]));

export async function runLatencyBench(log: (s: string) => void = () => {}) {
  // No HMR and no file watching: an edit elsewhere in the tree must not reload the page mid-run.
  const server = await createServer({
    configFile: 'vite.config.ts',
    logLevel: 'warn',
    server: { host: '127.0.0.1', port: 0, hmr: false, watch: { ignored: ['**/*'] } },
  });
  await server.listen();
  const url = `${server.resolvedUrls!.local[0]}bench/browser/index.html`;
  const browser = await launchBrowser();
  try {
    const context = await browser.newContext();
    await context.addInitScript('globalThis.__name = (f) => f;');
    const page = await context.newPage();
    page.setDefaultTimeout(0);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(url);
    await page.waitForFunction(() => 'lmBench' in globalThis, undefined, { timeout: 120_000 });
    const call = caller(page);
    const backend = await call('selectBackend', 'wasm');
    const device = await call('deviceInfo');
    log(`backend ${backend}; crossOriginIsolated ${device.crossOriginIsolated}`);
    const profile = await call('profile', {});
    log(`profile: ${profile.gflops.toFixed(1)} GFLOP/s, ${profile.gbps.toFixed(1)} GB/s, ${(profile.overheadMsPerKernel * 1000).toFixed(1)} µs/kernel`);
    const bench = (arch: Arch, runs: number): Promise<BenchResult> => call('bench', arch, { tokens: TOKENS, runs, warmup: 2 });

    // 1 + 2a: efficiency and repeat stability of three archs.
    const efficiency = [];
    for (const { name, arch, target } of EFFICIENCY_ARCHS) {
      const reps: BenchResult[] = [];
      for (let r = 0; r < 5; r++) reps.push(await bench(arch, 10));
      const prefillMs = median(reps.map((x) => x.prefill.medianMs));
      const decodeMs = median(reps.map((x) => x.decode.medianMs));
      const gflops = prefillFlops(arch, TOKENS).total / (prefillMs * 1e6);
      const weightBytes = 4 * countParams(arch).total;
      const decodeLimitMs = weightBytes / (profile.gbps * 1e6);
      const row = {
        name,
        params: countParams(arch).total,
        prefillMs,
        prefillGflops: gflops,
        prefillRatio: gflops / profile.gflops,
        prefillTarget: target,
        decodeMs,
        decodeLimitMs,
        decodeRatio: decodeLimitMs / decodeMs,
        prefillCvOfMedians: summarize(reps.map((x) => x.prefill.medianMs)).cv,
        decodeCvOfMedians: summarize(reps.map((x) => x.decode.medianMs)).cv,
        leaked: reps.map((x) => x.leakedTensors),
      };
      log(`${name}: prefill ${prefillMs.toFixed(1)} ms (${gflops.toFixed(1)} GFLOP/s, ${row.prefillRatio.toFixed(2)} of matmul), decode ${decodeMs.toFixed(2)} ms`);
      efficiency.push(row);
    }

    // 2b + 3: two passes over 20 sampled archs.
    const archs = sampledArchs(20);
    const passes: BenchResult[][] = [[], []];
    for (const pass of passes) {
      for (const arch of archs) pass.push(await bench(arch, 5));
      log(`pass ${passes.indexOf(pass) + 1} of 2 done`);
    }
    const m = (p: BenchResult[], w: 'prefill' | 'decode') => p.map((x) => x[w].medianMs);
    const measured = (w: 'prefill' | 'decode') => m(passes[0], w).map((v, i) => (v + m(passes[1], w)[i]) / 2);
    const calibrated: DeviceProfile = { gflops: profile.gflops, gbps: profile.gbps, overheadMsPerKernel: profile.overheadMsPerKernel, label: profile.label };
    const analytic = archs.map((a) => analyticLatency(a, calibrated, TOKENS));
    const agreement = (['prefill', 'decode'] as const).map((w) => ({
      workload: w,
      passSpearman: spearman(m(passes[0], w), m(passes[1], w)),
      analyticSpearman: spearman(analytic.map((x) => (w === 'prefill' ? x.prefillMs : x.decodeMs)), measured(w)),
      analyticMape: mape(analytic.map((x) => (w === 'prefill' ? x.prefillMs : x.decodeMs)), measured(w)),
    }));

    // 4: leak check.
    const before = await call('numTensors');
    const tiny = gpt2(2, 64, 2);
    for (let i = 0; i < 50; i++) await call('bench', { ...tiny, vocabSize: 512, contextLength: 64 }, { tokens: 16, runs: 1, warmup: 1 });
    const after = await call('numTensors');
    if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
    return {
      bench: 'latency',
      backend,
      device,
      tokens: TOKENS,
      profile,
      efficiency,
      archs: archs.map((a, i) => ({
        arch: a,
        analytic: analytic[i],
        measured: { prefillMs: measured('prefill')[i], decodeMs: measured('decode')[i] },
        passes: passes.map((p) => ({ prefillMs: p[i].prefill.medianMs, decodeMs: p[i].decode.medianMs })),
      })),
      agreement,
      leak: { cycles: 50, tensorsBefore: before, tensorsAfter: after },
      targets: { prefillRatio8x512: 0.65, prefillRatio12x768: 0.8, cv: 0.05, passSpearman: 0.95 },
    };
  } finally {
    await browser.close();
    await server.close();
  }
}
