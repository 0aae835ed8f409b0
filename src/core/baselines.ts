// Known models a frontier is judged against: the hub models of core/presets (exact Hugging Face
// parameter counts, pinned by the unit tests) and the 16-layer GPT-2 that LTS's headline claim is
// about. Each is an ordinary core Arch, so it gets the same costs, proxies and latency sources as
// any candidate, and can be measured like one.
import { homogeneous, type Arch, type Family } from './arch';
import { PRESETS } from './presets';

export type BaselineId =
  | 'gpt2'
  | 'gpt2-medium'
  | 'opt-125m'
  | 'opt-350m'
  | 'pythia-70m'
  | 'pythia-160m'
  | 'smollm-135m'
  | 'tinyllama-1.1b'
  | 'qwen2.5-0.5b'
  | 'lts-gpt2-16l';

export interface Baseline {
  id: BaselineId;
  /** Short label drawn on the chart. */
  name: string;
  arch: Arch;
  /** Where the config comes from: a hub id, or the paper / code it is read from. */
  source: string;
  /** Hugging Face's num_parameters() where the model is on the hub. */
  hfParams?: number;
}

/**
 * LTS's "16-layer GPT-2" (Javaheripi et al., NeurIPS 2022, abstract: "the perplexity of 16-layer
 * GPT-2 ... with up to 1.5x faster runtime"). OUR READING: the paper's table was not available to
 * us; the shape is archai's default HfGPT2Config on the neurips_lts branch (n_layer 16, d_model
 * 512, n_head 8, d_inner 2048), with the GPT-2 vocabulary and LTS's GPT-2 space context of 1024.
 */
export const LTS_GPT2_16L: Arch = homogeneous(
  { family: 'gpt2', vocabSize: 50257, contextLength: 1024, dModel: 512, tieEmbeddings: true },
  16,
  { nHead: 8, dInner: 2048 },
);

const HUB: readonly [BaselineId, string, string][] = [
  ['gpt2', 'gpt2', 'GPT-2'],
  ['gpt2-medium', 'gpt2-medium', 'GPT-2 medium'],
  ['opt-125m', 'opt-125m', 'OPT-125M'],
  ['opt-350m', 'opt-350m', 'OPT-350M'],
  ['pythia-70m', 'pythia-70m', 'Pythia-70M'],
  ['pythia-160m', 'pythia-160m', 'Pythia-160M'],
  ['smollm-135m', 'smollm-135m', 'SmolLM-135M'],
  ['tinyllama-1.1b', 'tinyllama-1.1b', 'TinyLlama-1.1B'],
  ['qwen2.5-0.5b', 'qwen2.5-0.5b', 'Qwen2.5-0.5B'],
];

export const BASELINES: readonly Baseline[] = [
  ...HUB.map(([id, preset, name]): Baseline => {
    const p = PRESETS.find((x) => x.name === preset);
    if (!p) throw new Error(`baseline ${id}: no preset ${preset}`);
    return { id, name, arch: p.arch, source: `Hugging Face ${p.hfId}`, hfParams: p.hfParams };
  }),
  {
    id: 'lts-gpt2-16l',
    name: 'LTS 16-layer GPT-2',
    arch: LTS_GPT2_16L,
    source: "LTS's 16-layer GPT-2 baseline (our reading: archai's default GPT-2 config, 16L d512 h8 ffn2048)",
  },
];

export const BASELINE_IDS: readonly BaselineId[] = BASELINES.map((b) => b.id);

export const baselineById = (id: string): Baseline | undefined => BASELINES.find((b) => b.id === id);

/**
 * Whether a value of `axis` can be compared between a baseline and a search's candidates.
 * Parameter counts, FLOPs, memory and latency are the same quantity in every family. The
 * entropy proxy (our reconstruction of MeRino's) sums log-widths of each family's own linear
 * maps: across families its numbers differ by construction (SwiGLU's extra gate, say), so a
 * comparison across families carries a warning.
 */
export function comparableAcross(axis: 'entropy' | 'other', baselineFamily: Family, searchFamily: Family): boolean {
  return axis !== 'entropy' || baselineFamily === searchFamily;
}
