// Interleave benchmark: evidence for measuring a batch of archs in round-robin slices
// (src/bench/rounds.ts) rather than one after the other. Two passes of each protocol over the
// same 10 sampled archs as the latency bench's pass-to-pass target, in the order sequential,
// round-robin, round-robin, sequential (so a slow half of the run weighs on both alike), with
// the same time budget per workload; reported per protocol: the Spearman between its two
// passes, and its wall time per pass.
import type { Arch } from '../src/core/arch';
import { spearman } from '../src/core/stats';
import type { BackendName } from '../src/bench/backends';
import type { RoundsOptions } from '../src/bench/rounds';
import type { BenchOptions, BenchResult } from '../src/bench/timing';
import { EFFICIENCY_ARCHS, sampledArchs } from './latency';
import { withBenchPage, type Caller } from './page';

interface InterleaveBenchApi {
  selectBackend(name: BackendName): Promise<BackendName>;
  bench(arch: Arch, options?: Omit<BenchOptions, 'onProgress' | 'signal'>): Promise<BenchResult>;
  benchRounds(archs: Arch[], options: Omit<RoundsOptions, 'onSlice' | 'signal'>): Promise<BenchResult[]>;
}

const ARCHS = 10;
const ROUNDS = 4;
const OPTIONS = { tokens: 128, runs: 10, warmup: 2, minTimeMs: 4000 };

export async function runInterleaveBench(log: (s: string) => void = () => {}) {
  return withBenchPage(async (call: Caller<InterleaveBenchApi>) => {
    const backend = await call('selectBackend', 'wasm');
    const archs = sampledArchs(20).slice(0, ARCHS);
    for (let i = 0; i < 3; i++) await call('bench', EFFICIENCY_ARCHS[0].arch, { ...OPTIONS, minTimeMs: 0 });
    const order = [1, ROUNDS, ROUNDS, 1];
    const passes: { rounds: number; seconds: number; prefillMs: number[]; decodeMs: number[] }[] = [];
    for (const rounds of order) {
      const start = performance.now();
      const results = await call('benchRounds', archs, { ...OPTIONS, rounds });
      const seconds = (performance.now() - start) / 1000;
      passes.push({ rounds, seconds, prefillMs: results.map((r) => r.prefill.medianMs), decodeMs: results.map((r) => r.decode.medianMs) });
      log(`pass with ${rounds} round${rounds === 1 ? '' : 's'}: ${seconds.toFixed(0)} s`);
    }
    const protocol = (rounds: number) => {
      const [a, b] = passes.filter((p) => p.rounds === rounds);
      return {
        rounds,
        prefillSpearman: spearman(a.prefillMs, b.prefillMs),
        decodeSpearman: spearman(a.decodeMs, b.decodeMs),
        secondsPerPass: (a.seconds + b.seconds) / 2,
      };
    };
    return {
      bench: 'interleave',
      backend,
      protocol: { archs: ARCHS, order, ...OPTIONS },
      sequential: protocol(1),
      roundRobin: protocol(ROUNDS),
      passes,
    };
  });
}
