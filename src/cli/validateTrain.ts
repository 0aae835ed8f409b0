// `npm run cli -- validate-train [--k 12] [--steps 300] [--seed 1] [--backend wasm|cpu]
//  [--space preset|space.json] [--text file.txt] [--batch 8] [--seq 64] [--lr 0.003] [--eval-tokens 8192]`
// The proxy validation lab in Node: samples K archs from the space, scales each down
// (core/scaleDown.ts), trains it with Adam on Moby-Dick (or --text) and scores it on the held-out
// part, then ranks every proxy against the perplexities (src/measure/validate.ts, the code the
// app's train worker runs). Prints the report as JSON on stdout and progress lines on stderr.
// Bad input exits 2 with one line (UsageError); a failure while training exits 1.
import os from 'node:os';
import type { BackendName } from '../core/backendNames';
import { CorpusError } from '../core/corpus';
import { validateSpace } from '../core/genome';
import { DEFAULT_SEARCH } from '../core/search';
import { SPACE_PRESETS, spacePreset, type SearchSpace, type SpacePresetId } from '../core/space';
import { DEFAULT_TRAIN, type CorpusSource, type TrainSettings, type ValidationProgress, type ValidationReport } from '../core/validation';
import { checkTrainSettings, fewModels, MIN_MODELS, sampleScaledArchs, TRAIN_LIMITS } from '../core/validationStats';
import { selectBackend, silenceNodeBanner } from '../measure/backends';
import { runValidation } from '../measure/validate';
import { choiceFlag, numberFlag, parseArgs, UsageError } from './args';
import { readJson } from './commands';
import { mobyDick, textFile } from './corpus';

const FLAGS = ['k', 'steps', 'seed', 'backend', 'space', 'text', 'batch', 'seq', 'lr', 'eval-tokens'] as const;
const NODE_BACKENDS = ['wasm', 'cpu'] as const;
/** Progress lines on stderr at most this often while a model trains (each model's end always prints). */
const LOG_INTERVAL_MS = 2000;

export interface ValidateTrainArgs {
  settings: TrainSettings;
  backend: BackendName;
  space: SearchSpace;
  /** Path of the user's text, or undefined for Moby-Dick. */
  text?: string;
}

/** A preset id or a JSON file of space fields over the LTS GPT-2 preset (as `search --space`). */
function loadSpace(spec: string | undefined): SearchSpace {
  if (spec === undefined) return DEFAULT_SEARCH.space;
  if (SPACE_PRESETS.some((p) => p.id === spec)) return spacePreset(spec as SpacePresetId);
  if (!spec.endsWith('.json')) {
    throw new UsageError(`unknown space ${spec} (presets: ${SPACE_PRESETS.map((p) => p.id).join(', ')}; or give a .json file)`);
  }
  const space = readJson(spec) as SearchSpace;
  const base = spacePreset('lts-gpt2');
  const merged: SearchSpace = { ...base, ...space, rules: { ...base.rules, ...(space?.rules ?? {}) } };
  const errors = validateSpace(merged);
  if (errors.length) throw new UsageError(`${spec}: ${errors.map((e) => e.message).join('; ')}`);
  return merged;
}

export function parseValidateTrainArgs(argv: readonly string[]): ValidateTrainArgs {
  const { positionals, flags } = parseArgs(argv[0] === 'validate-train' ? argv.slice(1) : argv, FLAGS);
  if (positionals.length) throw new UsageError(`validate-train takes no positional arguments, got ${positionals[0]}`);
  const raw = flags.get('backend');
  if (raw === 'webgl' || raw === 'webgpu') {
    throw new UsageError(`--backend ${raw} needs a browser (open the app's Validate proxies); Node runs wasm or cpu`);
  }
  const int = (key: string, fallback: number, limits: { min: number; max: number }) =>
    numberFlag(flags, key, fallback, { int: true, ...limits });
  const settings: TrainSettings = {
    k: int('k', DEFAULT_TRAIN.k, TRAIN_LIMITS.k),
    steps: int('steps', DEFAULT_TRAIN.steps, TRAIN_LIMITS.steps),
    seed: int('seed', DEFAULT_TRAIN.seed, { min: 0, max: 2 ** 32 - 1 }),
    batchSize: int('batch', DEFAULT_TRAIN.batchSize, TRAIN_LIMITS.batchSize),
    seqLen: int('seq', DEFAULT_TRAIN.seqLen, TRAIN_LIMITS.seqLen),
    learningRate: numberFlag(flags, 'lr', DEFAULT_TRAIN.learningRate, { min: 1e-9, max: 1 }),
    evalTokens: int('eval-tokens', DEFAULT_TRAIN.evalTokens, TRAIN_LIMITS.evalTokens),
  };
  const errors = checkTrainSettings(settings);
  if (errors.length) throw new UsageError(errors[0]);
  return {
    settings,
    backend: choiceFlag(flags, 'backend', NODE_BACKENDS, 'wasm'),
    space: loadSpace(flags.get('space')),
    text: flags.get('text'),
  };
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/** The `validate-train` command: returns the JSON object main.ts prints. */
export async function validateTrainCommand(argv: string[], log: (line: string) => void = (l) => process.stderr.write(l + '\n')) {
  const args = parseValidateTrainArgs(argv);
  // A space too small to give 3 distinct scaled models is the user's input: refuse it before training.
  const sample = sampleScaledArchs(args.space, args.settings.k, args.settings.seed, args.settings.seqLen);
  if (sample.samples.length < MIN_MODELS) throw new UsageError(fewModels(sample.samples.length));
  const corpus: CorpusSource = args.text === undefined ? mobyDick() : textFile(args.text);
  silenceNodeBanner();
  let backend: BackendName;
  try {
    backend = await selectBackend(args.backend);
  } catch (err) {
    throw new UsageError(oneLine(err));
  }
  const start = performance.now();
  let lastLog = -Infinity;
  const onProgress = (p: ValidationProgress) => {
    const now = performance.now();
    if (p.phase === 'train' && p.step < p.steps && now - lastLog < LOG_INTERVAL_MS) return;
    lastLog = now;
    const what =
      p.phase === 'build'
        ? 'building'
        : p.phase === 'score'
          ? 'scoring held-out text'
          : `step ${p.step}/${p.steps} loss ${p.loss.toFixed(3)}`;
    log(`model ${p.model + 1}/${p.k}: ${what} (${seconds(now - start)})`);
  };
  let report: ValidationReport;
  try {
    report = await runValidation({ space: args.space, settings: args.settings, corpus, backend }, onProgress, undefined, (m) =>
      log(`model ${m.index + 1}: ppl ${m.ppl.toFixed(3)}, ${m.params.toLocaleString('en-US')} params, ${seconds(m.ms)}`),
    );
  } catch (err) {
    if (err instanceof CorpusError) throw new UsageError(`${corpus.name}: ${err.message}`);
    throw new Error(oneLine(err), { cause: err });
  }
  if (report.warning) log(`warning: ${report.warning}`);
  const cpus = os.cpus();
  return {
    ...report,
    wallMs: Math.round(performance.now() - start),
    device: { node: process.version, platform: `${os.platform()} ${os.arch()}`, cpu: cpus[0]?.model, cores: cpus.length },
  };
}

const oneLine = (err: unknown): string => (err instanceof Error ? err.message : String(err)).split('\n')[0];
