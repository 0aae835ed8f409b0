// `npm run cli -- predict --train measured.json [more.json ...] --archs archs.json`
// Fits core's latency predictor (core/predictor.ts) on what `cli measure` printed (one model, or
// several under "models"; each model's "arch" key names it) and predicts every arch of
// archs.json. Prints {"fit": {"prefill": {...}, "decode": {...}}, "predictions": [...]} with the
// predictions in the order of archs.json. Every training file must hold measurements at one T.
// Bad input exits 2 with one line.
import { archKey, parseArchKey } from '../core/arch';
import { DEFAULT_PROFILE } from '../core/latency';
import { fitPredictor, MIN_SAMPLES, predictLatency, type LatencySample, type WorkloadFit } from '../core/predictor';
import { parseArgs, UsageError } from './args';
import { loadArchs, readJson } from './commands';

const USAGE = 'usage: predict --train measured.json [more.json ...] --archs archs.json';

interface MeasuredModel {
  arch: string;
  tokens: number;
  prefill: { medianMs: number };
  decode: { medianMs: number };
}

const isModel = (m: unknown): m is MeasuredModel => {
  const o = m as MeasuredModel;
  return (
    !!o &&
    typeof o.arch === 'string' &&
    Number.isInteger(o.tokens) &&
    typeof o.prefill?.medianMs === 'number' &&
    typeof o.decode?.medianMs === 'number'
  );
};

/** The measured models of one `cli measure` output. */
function modelsOf(path: string): MeasuredModel[] {
  const json = readJson(path) as { models?: unknown[] };
  const models = Array.isArray(json?.models) ? json.models : [json];
  models.forEach((m, i) => {
    if (!isModel(m))
      throw new UsageError(
        `${path}${json?.models ? ` models[${i}]` : ''} is not what \`cli measure\` prints (arch, tokens, prefill and decode medians)`,
      );
  });
  return models as MeasuredModel[];
}

const fitJson = (f: WorkloadFit) => ({
  n: f.n,
  looMedianApe: Number(f.looMedianApe.toFixed(4)),
  looWithin10: Number(f.looWithin10.toFixed(4)),
  spearman: Number(f.spearman.toFixed(4)),
  model: f.model,
  ...(f.cacheBytes !== undefined ? { cacheMiB: f.cacheBytes / 2 ** 20 } : {}),
});

export function predictCommand(argv: readonly string[]): object {
  const { positionals, flags } = parseArgs(argv[0] === 'predict' ? argv.slice(1) : argv, ['train', 'archs']);
  const train = [flags.get('train'), ...positionals].filter((p): p is string => !!p);
  if (train.length === 0) throw new UsageError(`missing --train; ${USAGE}`);
  if (!flags.has('archs')) throw new UsageError(`missing --archs; ${USAGE}`);
  const byKey = new Map<string, LatencySample>();
  let tokens: number | undefined;
  for (const path of train) {
    for (const m of modelsOf(path)) {
      const arch = parseArchKey(m.arch);
      if (!arch) throw new UsageError(`${path}: "${m.arch}" is not an arch key this version reads`);
      if (tokens !== undefined && m.tokens !== tokens)
        throw new UsageError(`${path}: measured at T = ${m.tokens}, the others at T = ${tokens}; fit one T at a time`);
      tokens = m.tokens;
      byKey.set(archKey(arch), { arch, prefillMs: m.prefill.medianMs, decodeMs: m.decode.medianMs }); // a repeat replaces
    }
  }
  const samples = [...byKey.values()];
  if (samples.length < MIN_SAMPLES)
    throw new UsageError(`the training files hold ${samples.length} distinct archs; a fit needs at least ${MIN_SAMPLES}`);
  let fit;
  try {
    fit = fitPredictor(samples, tokens!, DEFAULT_PROFILE, train.join(', '));
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const { archs } = loadArchs(flags.get('archs'));
  return {
    tokens,
    fit: { prefill: fitJson(fit.prefill), decode: fitJson(fit.decode) },
    predictions: archs.map((arch) => {
      const p = predictLatency(fit, arch);
      return { arch: archKey(arch), prefillMs: Number(p.prefillMs.toFixed(3)), decodeMs: Number(p.decodeMs.toFixed(3)) };
    }),
  };
}
