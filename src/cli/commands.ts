// CLI commands over core. Each returns plain data that main prints as JSON (or CSV text).
import { readFileSync } from 'node:fs';
import type { Arch } from '../core/arch';
import { BUDGET_KEYS, type BudgetKey, type Budgets, type Objective } from '../core/budgets';
import { DEFAULT_EVAL, evaluate, METRIC_LABELS, type EvalSettings, type MetricId } from '../core/evaluate';
import { validateSpace } from '../core/genome';
import { DTYPES } from '../core/memory';
import { WORKLOADS } from '../core/latency';
import { findPreset, PRESETS } from '../core/presets';
import { fitReference, parseReferenceFile, validateProxies } from '../core/referenceModels';
import { DEFAULT_SEARCH, searchToEnd, type SearchConfig } from '../core/search';
import { SPACE_PRESETS, spacePreset, type SearchSpace, type SpacePresetId } from '../core/space';
import { formatErrors, parseArch } from '../core/validate';
import { choiceFlag, numberFlag, parseArgs, UsageError } from './args';

export function readJson(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new UsageError(`cannot read ${path}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${path} is not valid JSON: ${(e as Error).message}`);
  }
}

/** A preset name or a JSON file holding one arch or an array of archs. */
export function loadArchs(spec: string | undefined): { archs: Arch[]; many: boolean } {
  if (!spec) throw new UsageError(`give a preset (${PRESETS.map((p) => p.name).join(', ')}) or an arch JSON file`);
  const preset = findPreset(spec);
  if (preset) return { archs: [preset.arch], many: false };
  if (!spec.endsWith('.json')) {
    throw new UsageError(`unknown preset ${spec} (presets: ${PRESETS.map((p) => p.name).join(', ')}; or give a .json file)`);
  }
  const json = readJson(spec);
  const items = Array.isArray(json) ? json : [json];
  const archs = items.map((item, i) => {
    const r = parseArch(item);
    if (!r.ok) throw new UsageError(`${Array.isArray(json) ? `[${i}] ` : ''}${formatErrors(r.errors)}`);
    return r.value;
  });
  return { archs, many: Array.isArray(json) };
}

function evalSettings(flags: Map<string, string>): EvalSettings {
  return {
    ...DEFAULT_EVAL,
    tokens: numberFlag(flags, 'tokens', DEFAULT_EVAL.tokens, { int: true, min: 1, max: 1 << 20 }),
    weightDtype: choiceFlag(flags, 'dtype', DTYPES, DEFAULT_EVAL.weightDtype),
    workload: choiceFlag(flags, 'workload', WORKLOADS, DEFAULT_EVAL.workload),
  };
}

export function costCommand(argv: string[]): unknown {
  const { positionals, flags } = parseArgs(argv, ['tokens', 'dtype']);
  const { archs, many } = loadArchs(positionals[0]);
  const settings = evalSettings(flags);
  const out = archs.map((arch) => {
    const e = evaluate(arch, settings);
    const { weights, kvCache, activations, total, weightDtype } = e.memory;
    return {
      params: { total: e.params.total, embedding: e.params.embedding, decoder: e.params.decoder },
      flops: { prefill: e.flops.prefill, decodeStep: e.flops.decodeStep, tokens: settings.tokens },
      memory: { weights, weightDtype, kvCache, kvTokens: arch.contextLength, activations, total },
    };
  });
  return many ? out : out[0];
}

const BUDGET_ALIASES: Record<string, BudgetKey> = {
  params: 'paramsTotal',
  'decoder-params': 'paramsDecoder',
  flops: 'flopsPerToken',
  memory: 'memoryBytes',
  latency: 'latencyMs',
  'min-decoder-params': 'paramsDecoderMin',
};

export function parseBudgets(spec: string | undefined): Budgets {
  if (spec === undefined) return { ...DEFAULT_SEARCH.budgets };
  const budgets: Budgets = {};
  if (spec === '' || spec === 'none') return budgets;
  for (const part of spec.split(',')) {
    const [name, raw] = part.split('=');
    const key = BUDGET_ALIASES[name] ?? (BUDGET_KEYS as readonly string[]).find((k) => k === name);
    if (!key) throw new UsageError(`unknown budget ${name} (known: ${Object.keys(BUDGET_ALIASES).join(', ')})`);
    const v = Number(raw);
    if (!(v > 0) || !Number.isFinite(v)) throw new UsageError(`budget ${name} must be a positive number, got ${raw}`);
    budgets[key as BudgetKey] = v;
  }
  return budgets;
}

const MIN_METRICS: readonly MetricId[] = ['latency', 'memory', 'params-total', 'flops-per-token'];

export function parseObjectives(spec: string | undefined): Objective[] {
  if (spec === undefined) return DEFAULT_SEARCH.objectives;
  const ids = Object.keys(METRIC_LABELS) as MetricId[];
  const objectives = spec.split(',').map((part) => {
    const [id, sense] = part.split(':');
    if (!ids.includes(id as MetricId)) throw new UsageError(`unknown objective ${id} (known: ${ids.join(', ')})`);
    if (sense !== undefined && sense !== 'min' && sense !== 'max') throw new UsageError(`objective ${part}: sense must be min or max`);
    const metric = id as MetricId;
    return { metric, sense: (sense as 'min' | 'max') ?? (MIN_METRICS.includes(metric) ? 'min' : 'max') };
  });
  if (objectives.length < 1 || objectives.length > 3) throw new UsageError('give 1 to 3 objectives');
  return objectives;
}

function loadSpace(spec: string | undefined): SearchSpace {
  if (spec === undefined) return DEFAULT_SEARCH.space;
  if (SPACE_PRESETS.some((p) => p.id === spec)) return spacePreset(spec as SpacePresetId);
  const space = readJson(spec) as SearchSpace;
  const base = spacePreset('lts-gpt2');
  const merged: SearchSpace = { ...base, ...space, rules: { ...base.rules, ...(space?.rules ?? {}) } };
  const errors = validateSpace(merged);
  if (errors.length) throw new UsageError(`${spec}: ${errors.map((e) => e.message).join('; ')}`);
  return merged;
}

export function searchConfigFromFlags(argv: string[]): { config: SearchConfig; format: 'json' | 'csv' } {
  const known = [
    'space',
    'budget',
    'objectives',
    'evals',
    'seed',
    'format',
    'algorithm',
    'population',
    'tokens',
    'dtype',
    'workload',
    'heterogeneous',
  ];
  const { positionals, flags } = parseArgs(argv, known);
  if (positionals.length) throw new UsageError(`search takes no positional arguments, got ${positionals[0]}`);
  const space = loadSpace(flags.get('space'));
  const het = flags.get('heterogeneous');
  if (het !== undefined && het !== 'true' && het !== 'false') throw new UsageError('--heterogeneous must be true or false');
  const config: SearchConfig = {
    ...DEFAULT_SEARCH,
    space: het === undefined ? space : { ...space, heterogeneous: het === 'true' },
    budgets: parseBudgets(flags.get('budget')),
    objectives: parseObjectives(flags.get('objectives')),
    eval: evalSettings(flags),
    evaluations: numberFlag(flags, 'evals', DEFAULT_SEARCH.evaluations, { int: true, min: 1, max: 10_000_000 }),
    populationSize: numberFlag(flags, 'population', DEFAULT_SEARCH.populationSize, { int: true, min: 4, max: 100_000 }),
    seed: numberFlag(flags, 'seed', DEFAULT_SEARCH.seed, { int: true, min: 0, max: 2 ** 32 - 1 }),
    algorithm: choiceFlag(flags, 'algorithm', ['nsga2', 'random', 'exhaustive'] as const, 'nsga2'),
  };
  return { config, format: choiceFlag(flags, 'format', ['json', 'csv'] as const, 'json') };
}

export function searchCommand(argv: string[]) {
  const { config, format } = searchConfigFromFlags(argv);
  const result = searchToEnd(config);
  const frontier = result.frontier.map((c) => ({
    arch: c.arch,
    params: { total: c.params.total, embedding: c.params.embedding, decoder: c.params.decoder },
    flops: c.flops,
    memory: c.memory.total,
    scores: c.scores,
    latency: c.latency,
    objectives: c.objectives,
  }));
  return {
    format,
    result: {
      objectives: config.objectives,
      budgets: config.budgets,
      seed: config.seed,
      frontier,
      evaluated: result.evaluated,
      feasible: result.feasible,
      hypervolume: result.hypervolume,
      reference: result.reference,
    },
    candidates: result.frontier,
  };
}

export function validateProxiesCommand(argv: string[]): unknown {
  const { positionals } = parseArgs(argv, []);
  const path = positionals[0];
  if (!path) throw new UsageError('give a reference JSON file, e.g. src/data/lts/random_GPT2_wt103.json');
  let ref;
  try {
    ref = parseReferenceFile(readJson(path));
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`${path}: ${(e as Error).message}`);
  }
  return { reference: path, models: ref.models.length, proxies: validateProxies(ref), fit: fitReference(ref, path) };
}
