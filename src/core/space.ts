// Search spaces: choice lists plus rules. Presets reproduce LTS's GPT-2 space (Javaheripi et al.,
// NeurIPS 2022, archai neurips-lts) and two of our own for OPT (MeRino-like) and Llama-style models.
import type { Family } from './arch';

export interface SpaceRules {
  /** dInner >= minFfnRatio * dModel (LTS uses 1.7). 0 disables the rule. */
  minFfnRatio: number;
}

export interface SearchSpace {
  family: Family;
  vocabSize: number;
  contextLength: number;
  tieEmbeddings: boolean;
  nLayer: number[];
  dModel: number[];
  nHead: number[];
  dInner: number[];
  /** llama only: nKvHead choices (each must divide the layer's nHead; invalid ones are skipped). */
  nKvHead?: number[];
  /** Per-layer nHead / nKvHead / dInner (LTS) or one shared layer shape. */
  heterogeneous: boolean;
  rules: SpaceRules;
}

export const range = (lo: number, hi: number, step: number): number[] => {
  const out: number[] = [];
  for (let v = lo; v <= hi; v += step) out.push(v);
  return out;
};

export type SpacePresetId = 'lts-gpt2' | 'merino-opt' | 'llama';

export interface SpacePreset {
  id: SpacePresetId;
  label: string;
  space: SearchSpace;
}

export const SPACE_PRESETS: readonly SpacePreset[] = [
  {
    id: 'lts-gpt2',
    label: 'LTS GPT-2',
    space: {
      family: 'gpt2',
      vocabSize: 50257,
      contextLength: 1024,
      tieEmbeddings: true,
      nLayer: range(2, 16, 1),
      dModel: range(128, 960, 64),
      nHead: [2, 4, 8],
      dInner: range(128, 4032, 64),
      heterogeneous: true,
      rules: { minFfnRatio: 1.7 },
    },
  },
  {
    id: 'merino-opt',
    label: 'MeRino-like (OPT)',
    space: {
      family: 'opt',
      vocabSize: 50272,
      contextLength: 2048,
      tieEmbeddings: true,
      nLayer: range(2, 16, 1),
      dModel: range(128, 1024, 64),
      nHead: [2, 4, 8, 16],
      dInner: range(256, 4096, 128),
      heterogeneous: true,
      rules: { minFfnRatio: 1.7 },
    },
  },
  {
    id: 'llama',
    label: 'Llama-style',
    space: {
      family: 'llama',
      vocabSize: 32000,
      contextLength: 2048,
      tieEmbeddings: true,
      nLayer: range(2, 24, 1),
      dModel: range(128, 1024, 64),
      nHead: [2, 4, 8, 16],
      nKvHead: [1, 2, 4, 8, 16],
      dInner: range(256, 4096, 64),
      heterogeneous: false,
      rules: { minFfnRatio: 1.7 },
    },
  },
];

export const DEFAULT_SPACE: SearchSpace = SPACE_PRESETS[0].space;

export function spacePreset(id: SpacePresetId): SearchSpace {
  const p = SPACE_PRESETS.find((s) => s.id === id);
  if (!p) throw new Error(`unknown space preset ${id}`);
  return structuredClone(p.space);
}
