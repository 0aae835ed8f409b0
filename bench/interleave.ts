// Interleave benchmark: evidence for measuring a batch of archs in round-robin slices
// (src/measure/rounds.ts) rather than one after the other. Three passes of each protocol over the
// same 10 sampled archs as the latency bench's pass-to-pass target, with the same time budget
// per workload, in the order S R R S S R (S sequential, R round-robin), so neither protocol
// gets the quieter stretch of the run. Reported per protocol: the Spearman of each of its three
// pairs of passes, and the median over archs of each arch's CV across its three passes.
import type { Arch } from '../src/core/arch';
import { median, spearman, summarize } from '../src/core/stats';
import type { RoundsOptions } from '../src/measure/rounds';
import type { MeasureOptions } from '../src/measure/timing';
import { EFFICIENCY_ARCHS, sampledArchs } from './latency';
import { withBenchPage, type Caller } from './page';
import type { BackendName } from '../src/core/backendNames';
import type { MeasureResult } from '../src/core/timingStats';

interface InterleaveBenchApi {
  selectBackend(name: BackendName): Promise<BackendName>;
  measureArch(arch: Arch, options?: Omit<MeasureOptions, 'onProgress' | 'signal'>): Promise<MeasureResult>;
  measureRounds(archs: Arch[], options: Omit<RoundsOptions, 'onSlice' | 'signal'>): Promise<MeasureResult[]>;
}

const ARCHS = 10;
const ROUNDS = 4;
const OPTIONS = { tokens: 128, runs: 10, warmup: 2, minTimeMs: 4000 };

export async function runInterleaveBench(log: (s: string) => void = () => {}) {
  return withBenchPage(async (call: Caller<InterleaveBenchApi>) => {
    const backend = await call('selectBackend', 'wasm');
    const archs = sampledArchs(20).slice(0, ARCHS);
    for (let i = 0; i < 3; i++) await call('measureArch', EFFICIENCY_ARCHS[0].arch, { ...OPTIONS, minTimeMs: 0 });
    const order = [1, ROUNDS, ROUNDS, 1, 1, ROUNDS];
    const passes: { rounds: number; seconds: number; prefillMs: number[]; decodeMs: number[] }[] = [];
    for (const rounds of order) {
      const start = performance.now();
      const results = await call('measureRounds', archs, { ...OPTIONS, rounds });
      const seconds = (performance.now() - start) / 1000;
      passes.push({ rounds, seconds, prefillMs: results.map((r) => r.prefill.medianMs), decodeMs: results.map((r) => r.decode.medianMs) });
      log(`pass with ${rounds} round${rounds === 1 ? '' : 's'}: ${seconds.toFixed(0)} s`);
    }
    const protocol = (rounds: number) => {
      const own = passes.filter((p) => p.rounds === rounds);
      const pairs = own.flatMap((a, i) => own.slice(i + 1).map((b) => [a, b] as const));
      const cvAcrossPasses = (w: 'prefillMs' | 'decodeMs') => median(archs.map((_, k) => summarize(own.map((p) => p[w][k])).cv));
      return {
        rounds,
        prefillSpearmans: pairs.map(([a, b]) => spearman(a.prefillMs, b.prefillMs)),
        decodeSpearmans: pairs.map(([a, b]) => spearman(a.decodeMs, b.decodeMs)),
        prefillCvAcrossPasses: cvAcrossPasses('prefillMs'),
        decodeCvAcrossPasses: cvAcrossPasses('decodeMs'),
        secondsPerPass: median(own.map((p) => p.seconds)),
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
