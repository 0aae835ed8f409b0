// The LTS reference data (200 GPT-2 models trained on WikiText-103, microsoft/archai, MIT),
// loaded on demand with a dynamic import so the main bundle stays small, and what the app
// derives from it: each proxy's rank correlation with trained perplexity and the power-law fit
// behind "est. ppl".
import { createStore, type StoreApi } from 'zustand/vanilla';
import { DEFAULT_EVAL, evaluate } from '../core/evaluate';
import { PROXY_IDS, type ProxyId } from '../core/proxies';
import {
  fitReference,
  parseReferenceFile,
  referenceArch,
  validateProxies,
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

export type ReferenceState =
  | { status: 'idle' | 'loading'; analysis: null; error: null }
  | { status: 'ready'; analysis: ReferenceAnalysis; error: null }
  | { status: 'error'; analysis: null; error: string };

export function analyseReference(ref: ReferenceFile): ReferenceAnalysis {
  const evals = ref.models.map((m) => evaluate(referenceArch(m), DEFAULT_EVAL));
  const points = Object.fromEntries(
    PROXY_IDS.map((id) => [id, evals.map((e, i) => ({ x: e.scores[id], ppl: ref.models[i].valid_ppl }))]),
  ) as ReferenceAnalysis['points'];
  return {
    n: ref.models.length,
    source: ref.source ?? 'LTS reference data',
    correlations: validateProxies(ref, DEFAULT_EVAL),
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
    async load() {
      if (get().status === 'loading' || get().status === 'ready') return;
      set({ status: 'loading', analysis: null, error: null });
      try {
        const analysis = analyseReference(parseReferenceFile(await importData()));
        set({ status: 'ready', analysis, error: null });
      } catch (e) {
        set({ status: 'error', analysis: null, error: `could not load the reference data: ${(e as Error).message}` });
      }
    },
  }));
}
