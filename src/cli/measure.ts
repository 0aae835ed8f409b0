// `npm run cli -- measure <preset | arch.json | '{...}'>... [--runtime tfjs|ort] [--backend wasm|cpu]
//  [--tokens 128] [--runs 10] [--min-time-ms 0] [--warmup 2] [--seed 1] [--max-mb N]
//  [--paired off|on] [--rounds N]`
// Times a randomly initialised model in Node with the same protocol as the browser (src/measure;
// `--runtime ort`: ONNX Runtime Web's wasm build on the same seeded weights, src/ort) and returns
// a plain JSON object. Several models are timed round-robin, as the app's Measure
// does (src/measure/rounds.ts: `--rounds` slices each, default 4), so a slow stretch of the device
// lands on all of them rather than on whichever ran then; the output is then
// { backend, device, rounds, models: [one object per model, in order] }. Bad input (arguments, arch, unavailable backend, a model over
// the memory limit) throws a UsageError with a one-line message; a failure while measuring throws
// a plain Error, also one line.
// Node only runs tfjs's wasm and pure-JS cpu backends here (no tfjs-node, no GPU), and ORT's wasm.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import type { Arch } from '../core/arch';
import { PRESETS, findPreset } from '../core/presets';
import { formatErrors, parseArch } from '../core/validate';
import { selectBackend, silenceNodeBanner } from '../measure/backends';
import { deviceInfo } from '../measure/device';
import { checkMemory } from '../core/memoryGuard';
import { measureRounds } from '../measure/rounds';
import { choiceFlag, numberFlag, parseArgs, UsageError } from './args';
import type { BackendName, RuntimeName } from '../core/backendNames';
import { ortDeviceInfo, selectOrtBackend } from '../ort/runtime';
import { measureRoundsOrt, ortGuard } from '../ort/timing';
import { onnxExportErrors } from '../core/onnx';
import { describeDevice } from '../core/deviceInfo';
import { pairedReferenceBytes } from '../core/referenceShapes';
import type { MeasureResult, WorkloadTiming } from '../core/timingStats';

const NODE_BACKENDS = ['wasm', 'cpu'] as const;
const FLAGS = ['runtime', 'backend', 'tokens', 'runs', 'min-time-ms', 'warmup', 'seed', 'max-mb', 'paired', 'rounds'] as const;
const USAGE =
  'usage: measure <preset | arch.json>... [--runtime tfjs|ort] [--backend wasm|cpu] [--tokens 128] [--runs 10] [--min-time-ms 0]' +
  ' [--warmup 2] [--seed 1] [--max-mb N] [--paired off|on] [--rounds 4]';
/** Slices per model when several are timed (the interleave bench's choice, as the app's). */
export const DEFAULT_ROUNDS = 4;

export interface MeasureArgs {
  /** One model or several, each a preset name, an arch JSON file or inline JSON. */
  targets: string[];
  /** Round-robin slices per model: 1 for a single model. */
  rounds: number;
  /** tfjs (default) or ONNX Runtime Web ('ort', wasm only in Node). */
  runtime: RuntimeName;
  backend: BackendName;
  tokens: number;
  runs: number;
  /** Keep timing each workload until its runs add up to this (see MeasureOptions.minTimeMs). */
  minTimeMs: number;
  warmup: number;
  seed: number;
  maxBytes?: number;
  /** Time a reference kernel after every run (see MeasureOptions.paired). */
  paired: boolean;
}

export function parseMeasureArgs(argv: readonly string[]): MeasureArgs {
  const { positionals, flags } = parseArgs(argv[0] === 'measure' ? argv.slice(1) : argv, FLAGS);
  if (positionals.length === 0) throw new UsageError(`missing the model to measure; ${USAGE}`);
  const rounds = numberFlag(flags, 'rounds', DEFAULT_ROUNDS, { int: true, min: 1, max: 100 });
  if (positionals.length === 1 && flags.has('rounds') && rounds > 1) {
    throw new UsageError(`--rounds interleaves several models; give two or more, or leave it out`);
  }
  const raw = flags.get('backend');
  if (raw === 'webgl' || raw === 'webgpu') {
    throw new UsageError(`--backend ${raw} needs a browser (open the app's Measure page); Node runs wasm or cpu`);
  }
  const runtime = choiceFlag(flags, 'runtime', ['tfjs', 'ort'] as const, 'tfjs');
  const backend = choiceFlag(flags, 'backend', NODE_BACKENDS, 'wasm');
  const paired = choiceFlag(flags, 'paired', ['off', 'on'] as const, 'off') === 'on';
  if (runtime === 'ort' && backend !== 'wasm')
    throw new UsageError(`--runtime ort runs on wasm in Node (ONNX Runtime Web has no ${backend} backend here)`);
  if (runtime === 'ort' && paired) {
    throw new UsageError('--paired on times tfjs reference kernels after each run; it is not available with --runtime ort');
  }
  const maxMb = flags.has('max-mb') ? numberFlag(flags, 'max-mb', 0, { min: 1 }) : undefined;
  return {
    targets: positionals,
    rounds: positionals.length > 1 ? rounds : 1,
    runtime,
    backend,
    tokens: numberFlag(flags, 'tokens', 128, { int: true, min: 1, max: 1_000_000 }),
    runs: numberFlag(flags, 'runs', 10, { int: true, min: 1, max: 10_000 }),
    minTimeMs: numberFlag(flags, 'min-time-ms', 0, { min: 0, max: 3_600_000 }),
    warmup: numberFlag(flags, 'warmup', 2, { int: true, min: 1, max: 1_000 }),
    seed: numberFlag(flags, 'seed', 1, { int: true, min: 0, max: 2 ** 32 - 1 }),
    maxBytes: maxMb === undefined ? undefined : maxMb * 1e6,
    paired,
  };
}

/** A preset name, an inline JSON object, or a path to an arch JSON file. */
export async function resolveArch(target: string): Promise<Arch> {
  const preset = findPreset(target);
  if (preset) return preset.arch;
  const inline = target.trimStart().startsWith('{');
  let text: string;
  if (inline) text = target;
  else if (existsSync(target)) text = await readFile(target, 'utf8');
  else throw new UsageError(`'${target}' is neither a preset (${PRESETS.map((p) => p.name).join(', ')}) nor an arch JSON file`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${inline ? 'the arch' : target} is not valid JSON: ${(err as Error).message}`);
  }
  const parsed = parseArch(json);
  if (!parsed.ok) throw new UsageError(`invalid arch: ${formatErrors(parsed.errors)}`);
  return parsed.value;
}

const round = (x: number, digits: number): number => Number(x.toFixed(digits));

function timingJson(t: WorkloadTiming) {
  return {
    medianMs: round(t.medianMs, 3),
    p10Ms: round(t.p10Ms, 3),
    p90Ms: round(t.p90Ms, 3),
    cv: round(t.cv, 4),
    firstRunMs: round(t.firstRunMs, 3),
    runs: t.runs,
    // Every timed run, in order, so a user can compute their own statistics or spot drift.
    timesMs: t.timesMs.map((ms) => round(ms, 3)),
    ...(t.paired
      ? {
          paired: {
            reference: t.paired.description,
            referenceMedianMs: round(t.paired.referenceMedianMs, 3),
            ratioMedian: round(t.paired.ratioMedian, 4),
            ratioP10: round(t.paired.ratioP10, 4),
            ratioP90: round(t.paired.ratioP90, 4),
            ratioCv: round(t.paired.ratioCv, 4),
          },
        }
      : {}),
  };
}

/** One model's figures, as printed. */
function resultJson(result: MeasureResult) {
  return {
    arch: result.arch,
    params: result.params,
    tokens: result.tokens,
    prefill: timingJson(result.prefill),
    decode: timingJson(result.decode),
    peakBytes: result.peakBytes,
    ...(result.memoryNote ? { memoryNote: result.memoryNote } : {}),
    estimatedBytes: result.estimatedBytes,
    ...(result.wasmHeapBytes === undefined ? {} : { wasmHeapBytes: result.wasmHeapBytes }),
    leakedTensors: result.leakedTensors,
    ...(result.slices ? { slices: result.slices } : {}),
  };
}

/** The `measure` command: returns the JSON object main.ts prints. */
export async function measureCommand(argv: string[]): Promise<object> {
  const args = parseMeasureArgs(argv);
  const archs: Arch[] = [];
  for (const target of args.targets) {
    const arch = await resolveArch(target);
    const which = args.targets.length > 1 ? `${target}: ` : '';
    if (args.tokens + 1 > arch.contextLength) {
      throw new UsageError(`${which}--tokens ${args.tokens} leaves no room for a decode step in contextLength ${arch.contextLength}`);
    }
    if (args.runtime === 'ort') {
      const errors = onnxExportErrors(arch);
      if (errors.length) throw new UsageError(`${which}cannot run on ONNX Runtime: ${errors.join('; ')}`);
    }
    // Refuse before touching tfjs or ORT (measureArch repeats this check with the same numbers).
    const fits = checkMemory(
      arch,
      args.runtime === 'ort'
        ? ortGuard(arch, 'wasm', { tokens: args.tokens, maxBytes: args.maxBytes })
        : {
            backend: args.backend,
            tokens: args.tokens,
            capacity: args.tokens + 1,
            maxBytes: args.maxBytes,
            extraWeightBytes: args.paired ? pairedReferenceBytes(args.backend) : 0,
          },
    );
    if (!fits.ok) throw new UsageError(`${which}${fits.message}`);
    archs.push(arch);
  }
  const ort = args.runtime === 'ort';
  if (!ort) silenceNodeBanner();
  let backend: BackendName;
  try {
    backend = ort ? await selectOrtBackend(args.backend) : await selectBackend(args.backend);
  } catch (err) {
    throw new UsageError(oneLine(err));
  }
  // Round r times every model once, in order (A, B, C, A, B, C, ...); a model's slices are pooled.
  let current = 0;
  let results: MeasureResult[];
  const options = {
    tokens: args.tokens,
    runs: args.runs,
    minTimeMs: args.minTimeMs,
    warmup: args.warmup,
    seed: args.seed,
    maxBytes: args.maxBytes,
    rounds: args.rounds,
    onSlice: (i: number) => (current = i),
  };
  try {
    results = ort ? await measureRoundsOrt(archs, options) : await measureRounds(archs, { ...options, paired: args.paired });
  } catch (err) {
    throw new Error(`${archs.length > 1 ? `${args.targets[current]}: ` : ''}${oneLine(err)}`, { cause: err });
  }
  const info = ort ? await ortDeviceInfo() : await deviceInfo();
  const cpus = os.cpus();
  const device = {
    ...info,
    summary: describeDevice(info),
    node: process.version,
    platform: `${os.platform()} ${os.arch()}`,
    cpu: cpus[0]?.model,
    cores: cpus.length,
  };
  if (archs.length === 1) {
    const { slices: _one, ...result } = results[0]; // one slice: nothing was interleaved
    return { runtime: args.runtime, backend, device, ...resultJson(result) };
  }
  return { runtime: args.runtime, backend, device, rounds: args.rounds, models: results.map(resultJson) };
}

const oneLine = (err: unknown): string => (err instanceof Error ? err.message : String(err)).split('\n')[0];
