// Drift benchmark: evidence for what limits the latency bench's repeat stability here. One
// GPT-2 8 x 512 model (the default budget's largest), built once, decode steps timed for
// SECONDS in WINDOW_MS windows, each step followed by the GEMV reference kernel, and a fixed
// JS loop timed once per window (bench/browser/drift.ts). Reported: the spread of the window
// medians of each, as CV and max / min, and of two drift-free figures built from the pairs:
// decode / reference, and decode moved to the run's median reference time
// (src/bench/driftCorrection.ts).
import { median, summarize } from '../src/core/stats';
import type { Arch } from '../src/core/arch';
import { countParams } from '../src/core/params';
import { driftCorrectedMedian } from '../src/bench/driftCorrection';
import type { BackendName } from '../src/bench/backends';
import type { DriftOptions, DriftRun } from './browser/drift';
import { EFFICIENCY_ARCHS } from './latency';
import { withBenchPage, type Caller } from './page';

interface DriftBenchApi {
  selectBackend(name: BackendName): Promise<BackendName>;
  drift(arch: Arch, options: DriftOptions): Promise<DriftRun>;
}

const SECONDS = 120;
const WINDOW_MS = 2000;
const TOKENS = 128;

const spread = (xs: number[]) => {
  const s = summarize(xs);
  return { median: s.median, cv: s.cv, maxOverMin: Math.max(...xs) / Math.min(...xs) };
};

export async function runDriftBench() {
  const { name, arch } = EFFICIENCY_ARCHS[1];
  return withBenchPage(async (call: Caller<DriftBenchApi>) => {
    const backend = await call('selectBackend', 'wasm');
    const { reference, referenceBytes, windows } = await call('drift', arch, { seconds: SECONDS, windowMs: WINDOW_MS, tokens: TOKENS });
    // Streamed bytes of a decode step over the reference's: the share of the drift it takes.
    const share = (4 * countParams(arch).total) / referenceBytes;
    const atReferenceMs = median(windows.flatMap((w) => w.referenceMs));
    const rows = windows.map((w) => ({
      atS: Number(w.atS.toFixed(1)),
      steps: w.decodeMs.length,
      decodeMs: median(w.decodeMs),
      referenceMs: median(w.referenceMs),
      ratio: median(w.decodeMs.map((d, i) => d / w.referenceMs[i])),
      correctedMs: driftCorrectedMedian({ timesMs: w.decodeMs, referenceTimesMs: w.referenceMs }, share, atReferenceMs),
      loopMs: w.loopMs,
    }));
    const of = (k: keyof (typeof rows)[number]) => spread(rows.map((r) => r[k]));
    return {
      bench: 'drift',
      backend,
      arch: name,
      protocol: { seconds: SECONDS, windowMs: WINDOW_MS, tokens: TOKENS, reference, loop: '3e6 dependent multiply-adds, median of 5 a window' },
      share,
      atReferenceMs,
      spread: { decodeMs: of('decodeMs'), referenceMs: of('referenceMs'), ratio: of('ratio'), correctedMs: of('correctedMs'), loopMs: of('loopMs') },
      windows: rows,
    };
  });
}
