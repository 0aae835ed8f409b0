// The LTS reference data (200 GPT-2 models trained on WikiText-103, microsoft/archai, MIT),
// loaded on demand with a dynamic import so the main bundle stays small, and what the app
// derives from it: each proxy's rank correlation with trained perplexity and the power-law fit
// behind "est. ppl".
import { createStore, type StoreApi } from 'zustand/vanilla';
import { DEFAULT_EVAL, evaluate, type Evaluation } from '../core/evaluate';
import { PROXY_IDS, type ProxyId } from '../core/proxies';
import {
  fitReference,
  parseReferenceFile,
  referenceArch,
  proxyCorrelations,
  type PowerLawFit,
  type ProxyCorrelation,
  type ReferenceFile,
} from '../core/referenceModels';
import { REFERENCE_DATASET } from '../view/axes';

export interface ReferenceAnalysis {
  n: number;
  source: string;
  correlations: ProxyCorrelation[];
  fit: PowerLawFit;
  /** Per proxy: (proxy value, validation perplexity) of every reference model. */
  points: Record<ProxyId, { x: number; ppl: number }[]>;
}

type LoadState =
  | { status: 'idle' | 'loading'; analysis: null; error: null }
  | { status: 'ready'; analysis: ReferenceAnalysis; error: null }
  | { status: 'error'; analysis: null; error: string };

/** The fit "est. ppl" uses: LTS's once loaded, unless the user took another (the proxy validation
 *  lab's models trained here); every label names the fit's data set. */
export interface EstFit {
  estFit: PowerLawFit | null;
  /** The fit used instead of LTS's; null: LTS's. */
  override: PowerLawFit | null;
  /** Use `fit` for est. ppl, or null to go back to LTS's WikiText-103 fit. */
  setEstFit(fit: PowerLawFit | null): void;
}

export type ReferenceState = LoadState & EstFit;

/** Models evaluated per task: evaluating all 200 at once (plus the fit) was one 60-90 ms task on
 *  the main thread right after the first search; 25 at a time keeps each task a few ms. */
const MODELS_PER_TASK = 25;
const nextTask = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

export async function analyseReference(ref: ReferenceFile): Promise<ReferenceAnalysis> {
  const evals: Evaluation[] = [];
  for (let i = 0; i < ref.models.length; i++) {
    evals.push(evaluate(referenceArch(ref.models[i]), DEFAULT_EVAL));
    if ((i + 1) % MODELS_PER_TASK === 0) await nextTask();
  }
  const ppl = ref.models.map((m) => m.valid_ppl);
  const points = Object.fromEntries(
    PROXY_IDS.map((id) => [id, evals.map((e, i) => ({ x: e.scores[id], ppl: ppl[i] }))]),
  ) as ReferenceAnalysis['points'];
  const correlations = proxyCorrelations(
    evals.map((e) => e.scores),
    ppl,
  );
  await nextTask();
  return {
    n: ref.models.length,
    source: ref.source ?? 'LTS reference data',
    correlations,
    fit: fitReference(ref, REFERENCE_DATASET),
    points,
  };
}

export type ReferenceStore = StoreApi<ReferenceState & { load(): Promise<void> }>;

export function createReferenceStore(
  importData: () => Promise<unknown> = () => import('../data/lts/random_GPT2_wt103.json').then((m) => m.default),
): ReferenceStore {
  return createStore<ReferenceState & { load(): Promise<void> }>()((set, get) => ({
    status: 'idle',
    analysis: null,
    error: null,
    estFit: null,
    override: null,
    setEstFit: (fit) => set({ override: fit, estFit: fit ?? get().analysis?.fit ?? null }),
    async load() {
      if (get().status === 'loading' || get().status === 'ready') return;
      set({ status: 'loading', analysis: null, error: null });
      try {
        const analysis = await analyseReference(parseReferenceFile(await importData()));
        set({ status: 'ready', analysis, error: null, estFit: get().override ?? analysis.fit });
      } catch (e) {
        set({ status: 'error', analysis: null, error: `could not load the reference data: ${(e as Error).message}` });
      }
    },
  }));
}
