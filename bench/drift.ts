// Drift benchmark: evidence for what limits the latency bench's repeat stability here. For two
// GPT-2 models (4 x 256, and 8 x 512, the default budget's largest), each built once, decode
// steps are timed for SECONDS in WINDOW_MS windows, each step followed by the GEMV reference
// kernel, and a fixed JS loop is timed at the end of each window (bench/browser/drift.ts).
// Reported per model: the spread of the window medians of each, as CV and max / min, and of two
// drift-free figures built from the pairs: decode / reference, and decode moved to the run's
// median reference time by its share of streamed bytes (src/core/driftCorrection.ts); and the
// least-squares slope of the window medians of decode on the reference's, the share the drift
// really takes, against the byte count's.
import { leastSquaresSlope, median, summarize } from '../src/core/stats';
import type { Arch } from '../src/core/arch';
import { countParams } from '../src/core/params';
import { driftCorrectedMedian } from '../src/core/driftCorrection';
import type { DriftOptions, DriftRun } from './browser/drift';
import { EFFICIENCY_ARCHS } from './latency';
import { withBenchPage, type Caller } from './page';
import { nativeGemv, nodeWasmGemv, windowsOf, type TimedCall } from './gemvOutsideBrowser';
import type { BackendName } from '../src/core/backendNames';

interface DriftBenchApi {
  selectBackend(name: BackendName): Promise<BackendName>;
  drift(arch: Arch, options: DriftOptions): Promise<DriftRun>;
}

const SECONDS = 90;
const WINDOW_MS = 2000;
const TOKENS = 128;

const spread = (xs: number[]) => {
  const s = summarize(xs);
  return { median: s.median, cv: s.cv, maxOverMin: Math.max(...xs) / Math.min(...xs) };
};

function analyse(name: string, arch: Arch, { reference, referenceBytes, windows }: DriftRun) {
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
    arch: name,
    reference,
    share,
    fittedShare: leastSquaresSlope(
      rows.map((r) => r.referenceMs),
      rows.map((r) => r.decodeMs),
    ),
    atReferenceMs,
    spread: {
      decodeMs: of('decodeMs'),
      referenceMs: of('referenceMs'),
      ratio: of('ratio'),
      correctedMs: of('correctedMs'),
      loopMs: of('loopMs'),
    },
    windows: rows,
  };
}

/** Spread of the window medians of a control timed outside the browser. */
function outside(description: string, calls: TimedCall[]) {
  const medians = windowsOf(calls, WINDOW_MS, SECONDS).map(median);
  return { description, calls: calls.length, windows: medians.length, spread: spread(medians), windowMedians: medians };
}

export async function runDriftBench(log: (s: string) => void = () => {}) {
  const inBrowser = await withBenchPage(async (call: Caller<DriftBenchApi>) => {
    const backend = await call('selectBackend', 'wasm');
    const models = [];
    for (const { name, arch } of [EFFICIENCY_ARCHS[0], EFFICIENCY_ARCHS[1]]) {
      models.push(analyse(name, arch, await call('drift', arch, { seconds: SECONDS, windowMs: WINDOW_MS, tokens: TOKENS })));
      log(`${name} done`);
    }
    return { backend, models };
  });
  // After the browser has closed, so that nothing else runs beside them.
  const node = await nodeWasmGemv(SECONDS);
  log('GEMV in Node (wasm) done');
  const native = nativeGemv(SECONDS);
  log('native GEMV done');
  return {
    bench: 'drift',
    backend: inBrowser.backend,
    protocol: { seconds: SECONDS, windowMs: WINDOW_MS, tokens: TOKENS, loop: '3e6 dependent multiply-adds, median of 5 a window' },
    models: inBrowser.models,
    outsideBrowser: {
      nodeWasm: outside(`${node.description}, Node's tfjs-backend-wasm`, node.calls),
      native: 'skipped' in native ? native : outside(`the same GEMV in C (bench/native/gemv.c, ${native.compiler})`, native.calls),
    },
  };
}
