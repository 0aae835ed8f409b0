// The two papers the app reproduces, as presets: the space, budgets, objectives and baselines of
// each, and each headline claim as data (its text, where it is printed, and which computation of
// a run's frontier answers it: view/papers.ts). Pure data, no imports outside core.
import type { BaselineId } from './baselines';
import { MERINO_OBJECTIVES, type Budgets, type Objective } from './budgets';
import { DEFAULT_ENTROPY, type EntropyParams } from './proxies';
import type { SpacePresetId } from './space';

export type PaperId = 'lts' | 'merino';
export const PAPER_IDS: readonly PaperId[] = ['lts', 'merino'];

/** How a claim is answered from a run (view/papers.ts). */
export type ClaimComputation =
  /** The frontier's fastest candidate with at least the baseline's decoder params (the LTS
   *  proxy's quality): its latency and memory ratios; or, when none reaches it, the nearest below. */
  | { kind: 'speedup-at-quality'; baseline: BaselineId }
  /** The same quality test, reported as MeRino does: speedup, size (total params) and decoder
   *  params against the baseline; when none reaches it, the candidate of highest quality. */
  | { kind: 'size-speed-at-quality'; baseline: BaselineId };

export interface PaperClaim {
  /** What the paper reported, in its words (quoted from where `source` says). */
  text: string;
  source: string;
  computation: ClaimComputation;
}

export interface PaperPreset {
  id: PaperId;
  label: string;
  space: SpacePresetId;
  budgets: Budgets;
  objectives: readonly Objective[];
  /** MeRino mode's entropy parameters (the app's defaults: effectiveness ρ0 = 1/16). */
  entropy?: EntropyParams;
  baselines: readonly BaselineId[];
  claims: readonly PaperClaim[];
}

const LTS_SOURCE =
  'Javaheripi et al., NeurIPS 2022, abstract (arXiv 2203.02094); device not stated in the abstract: ARM CPUs to NVIDIA GPUs';

export const PAPER_PRESETS: readonly PaperPreset[] = [
  {
    id: 'lts',
    label: 'Reproduce LTS (GPT-2 space)',
    // Our 'lts-gpt2' space against archai's neurips_lts run_search.sh for GPT-2: archai passes
    // --n_layer 2..15 (we allow 2 to 16, so the 16-layer baseline's depth is in the space), d_model
    // 128–960 step 64, n_head 2/4/8, d_inner 128–4032 step 64 per layer and the rule d_inner >=
    // 1.7 d_model, as ours. Its proxy is the decoder-param count; latency there is measured on the
    // target device, here analytic or predicted.
    space: 'lts-gpt2',
    // archai: --param_constraint_lower 6000000 --param_constraint_upper 100000000 (decoder params).
    budgets: { paramsDecoder: 100e6, paramsDecoderMin: 6e6 },
    objectives: [
      { metric: 'decoder-params', sense: 'max' },
      { metric: 'latency', sense: 'min' },
    ],
    baselines: ['lts-gpt2-16l', 'gpt2', 'gpt2-medium', 'opt-350m'],
    claims: [
      {
        text: 'the perplexity of 16-layer GPT-2 ... with up to 1.5x faster runtime and 1.2x lower peak memory',
        source: LTS_SOURCE,
        computation: { kind: 'speedup-at-quality', baseline: 'lts-gpt2-16l' },
      },
      {
        text: 'higher average zero/one-shot accuracy than OPT-350M across 14 tasks with up to 1.6x lower latency',
        source: 'Javaheripi et al., NeurIPS 2022, abstract (arXiv 2203.02094)',
        computation: { kind: 'speedup-at-quality', baseline: 'opt-350m' },
      },
    ],
  },
  {
    id: 'merino',
    label: 'Reproduce MeRino (64 M budget)',
    space: 'merino-opt',
    budgets: { paramsTotal: 64e6 },
    objectives: MERINO_OBJECTIVES,
    entropy: DEFAULT_ENTROPY,
    baselines: ['opt-350m', 'opt-125m'],
    claims: [
      {
        text: 'similar or better performance than OPT-350M, 4.9x faster on NVIDIA Jetson Nano, 5.5x smaller',
        source: 'Zhao et al., AAAI 2025, abstract (arXiv 2403.07921)',
        computation: { kind: 'size-speed-at-quality', baseline: 'opt-350m' },
      },
    ],
  },
];

export function paperPreset(id: PaperId): PaperPreset {
  const p = PAPER_PRESETS.find((x) => x.id === id);
  if (!p) throw new Error(`unknown paper ${id}`);
  return p;
}
