// The run loop of the timing protocol (docs/architecture.md, Measuring), apart from what a run is:
// a first run timed on its own (shader compile, wasm warm-up, allocator), further untimed warm-up
// runs, then timed runs until there are at least `runs` and they add up to `minTimeMs` (at most
// `maxRuns`). Both runtimes time through it, so tfjs (src/measure/timing.ts) and ONNX Runtime
// (src/ort/timing.ts) share one protocol rather than two copies that drift apart. No tfjs here.
import type { Arch } from './arch';
import { makeRng } from './random';
import type { ReferenceInfo } from './referenceShapes';
import { pairedTiming, workloadTiming, type WorkloadTiming } from './timingStats';

/** A measurement's phases, as progress reports name them: 'build' (weights, or ORT's sessions),
 *  'prefill' and 'decode' (timed runs), 'peak' (tfjs's profiled passes). */
export type MeasurePhase = 'build' | 'prefill' | 'decode' | 'peak';

/** A reference kernel for paired timing (src/measure/referenceKernels.ts makes tfjs's). */
export interface TimedReference extends ReferenceInfo {
  /** Runs the kernel once, waits for its output, returns ms. */
  time(): Promise<number>;
}

export interface TimingLoopOptions {
  /** Timed runs, at least. */
  runs: number;
  /** Warm-up runs including the first (compile) run; at least 1. */
  warmup: number;
  /** Keep timing until the timed runs add up to this many ms (and `runs` are done). Default 0. */
  minTimeMs?: number;
  /** Cap on timed runs when `minTimeMs` asks for more. Default 1000. */
  maxRuns?: number;
  /** Checked before each run: abort stops the loop. */
  signal?: AbortSignal;
  /** After each timed run: runs done of the count expected so far (for a progress bar). */
  onRun?: (run: number, of: number) => void;
  /** Timed after each run (warm-ups included, so its weights are packed before timing). */
  reference?: TimedReference;
}

/** Times `once` (one run, resolving to its own ms) by the protocol above. */
export async function timeRuns(once: () => Promise<number>, opts: TimingLoopOptions): Promise<WorkloadTiming> {
  const reference = opts.reference;
  const run = () => {
    opts.signal?.throwIfAborted();
    return once();
  };
  const firstRunMs = await run();
  let lastMs = firstRunMs;
  await reference?.time();
  for (let i = 1; i < opts.warmup; i++) {
    lastMs = await run();
    await reference?.time();
  }
  const minTimeMs = opts.minTimeMs ?? 0;
  const maxRuns = Math.max(opts.runs, opts.maxRuns ?? 1000);
  // Expected count from the last warm-up run, for the progress bar only; the loop below decides.
  let expected = Math.min(maxRuns, Math.max(opts.runs, Math.ceil(minTimeMs / Math.max(lastMs, 1e-3))));
  const timesMs: number[] = [];
  const referenceTimesMs: number[] = [];
  let totalMs = 0;
  while (timesMs.length < opts.runs || (totalMs < minTimeMs && timesMs.length < maxRuns)) {
    const ms = await run();
    timesMs.push(ms);
    if (reference) referenceTimesMs.push(await reference.time());
    totalMs += ms;
    expected = Math.max(expected, timesMs.length);
    opts.onRun?.(timesMs.length, expected);
  }
  const timing = workloadTiming(timesMs, firstRunMs);
  if (reference) timing.paired = pairedTiming(reference, timesMs, referenceTimesMs);
  return timing;
}

/** Deterministic token ids in [0, vocab): both runtimes time the same prompt. */
export function sampleTokens(count: number, vocabSize: number, seed: number): Int32Array {
  const rng = makeRng(seed);
  return Int32Array.from({ length: count }, () => Math.floor(rng() * vocabSize));
}

/** The workload options every runtime's measureArch takes (src/measure/timing.ts documents them). */
export interface ProtocolOptions {
  tokens?: number;
  runs?: number;
  minTimeMs?: number;
  maxRuns?: number;
  warmup?: number;
  seed?: number;
}

function checkCount(name: string, v: number, min: number): void {
  if (!Number.isInteger(v) || v < min) throw new RangeError(`${name} must be an integer >= ${min}, got ${v}`);
}

/** `options` with their defaults (T 128, 10 runs, 2 warm-ups, seed 1, no time budget), checked:
 *  a RangeError names the first that is out of range, or a T that leaves no room to decode. */
export function protocolOptions(
  arch: Arch,
  options: ProtocolOptions,
): { tokens: number; runs: number; warmup: number; seed: number; minTimeMs: number } {
  const tokens = options.tokens ?? 128;
  const runs = options.runs ?? 10;
  const warmup = options.warmup ?? 2;
  const seed = options.seed ?? 1;
  checkCount('tokens', tokens, 1);
  checkCount('runs', runs, 1);
  checkCount('warmup', warmup, 1);
  const minTimeMs = options.minTimeMs ?? 0;
  if (!(minTimeMs >= 0 && Number.isFinite(minTimeMs))) throw new RangeError(`minTimeMs must be a finite number >= 0, got ${minTimeMs}`);
  if (options.maxRuns !== undefined) checkCount('maxRuns', options.maxRuns, 1);
  if (tokens + 1 > arch.contextLength) {
    throw new RangeError(`tokens ${tokens} leaves no room for a decode step in contextLength ${arch.contextLength}`);
  }
  return { tokens, runs, warmup, seed, minTimeMs };
}
