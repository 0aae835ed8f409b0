// Tiny archs covering every builder path: heterogeneous heads, GQA/MQA, OPT's embedDim
// projection and post-LN, tied and untied Llama heads, Qwen2's q/k/v biases, GPT-NeoX's parallel
// residual and partial rotary (untied and tied). Small enough for the cpu backend.
import * as tf from '@tensorflow/tfjs';
import type { Arch } from '../../../src/core/arch';
import { selectBackend } from '../../../src/measure/backends';

export const TINY: Record<string, Arch> = {
  gpt2: {
    family: 'gpt2',
    vocabSize: 211,
    contextLength: 48,
    dModel: 48,
    tieEmbeddings: true,
    layers: [
      { nHead: 4, dInner: 96 },
      { nHead: 2, dInner: 160 },
    ],
  },
  'opt-pre': {
    family: 'opt',
    vocabSize: 223,
    contextLength: 48,
    dModel: 48,
    tieEmbeddings: true,
    layers: [
      { nHead: 3, dInner: 100 },
      { nHead: 6, dInner: 64 },
    ],
  },
  'opt-post-embedDim': {
    family: 'opt',
    vocabSize: 257,
    contextLength: 48,
    dModel: 64,
    tieEmbeddings: true,
    embedDim: 32,
    normPosition: 'post',
    layers: [
      { nHead: 4, dInner: 128 },
      { nHead: 8, dInner: 96 },
    ],
  },
  'llama-gqa-tied': {
    family: 'llama',
    vocabSize: 301,
    contextLength: 48,
    dModel: 64,
    tieEmbeddings: true,
    layers: [
      { nHead: 4, nKvHead: 2, dInner: 96 },
      { nHead: 8, nKvHead: 2, dInner: 128 },
    ],
  },
  'llama-mqa-untied': {
    family: 'llama',
    vocabSize: 150,
    contextLength: 48,
    dModel: 32,
    tieEmbeddings: false,
    layers: [
      { nHead: 2, nKvHead: 1, dInner: 64 },
      { nHead: 2, nKvHead: 2, dInner: 80 },
      { nHead: 4, nKvHead: 1, dInner: 48 },
    ],
  },
  'qwen2-gqa-tied': {
    family: 'llama',
    vocabSize: 173,
    contextLength: 48,
    dModel: 48,
    tieEmbeddings: true,
    qkvBias: true,
    layers: [
      { nHead: 6, nKvHead: 2, dInner: 80 },
      { nHead: 4, nKvHead: 4, dInner: 64 },
    ],
  },
  'neox-untied': {
    family: 'neox',
    vocabSize: 199,
    contextLength: 48,
    dModel: 64,
    tieEmbeddings: false,
    // head dims 16 and 8: rotary on their first 4 and 2 dims
    layers: [
      { nHead: 4, dInner: 128 },
      { nHead: 8, dInner: 96 },
    ],
  },
  'neox-tied': {
    family: 'neox',
    vocabSize: 131,
    contextLength: 48,
    dModel: 32,
    tieEmbeddings: true,
    layers: [{ nHead: 2, dInner: 64 }],
  },
};

export const TINY_CASES = Object.entries(TINY);

/** Every measure test runs on tfjs's pure-JS cpu backend unless it says otherwise. */
export async function useCpu(): Promise<void> {
  tf.enableProdMode(); // silences the "install tfjs-node" banner
  await selectBackend('cpu');
}

/** Deterministic token ids (no randomness shared with the weights). */
export const tokensFor = (arch: Arch, n: number): Int32Array => Int32Array.from({ length: n }, (_, i) => (i * 37 + 11) % arch.vocabSize);

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return Number.isNaN(m) ? Infinity : m;
}
