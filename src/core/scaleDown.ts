// The proxy validation lab's scale-down rule: a sampled arch becomes one small enough to train
// for a few hundred steps on a laptop, keeping its shape (width and depth relative to the space's
// largest, FFN ratio, heads, grouped-query ratio, family options). Our own rule, stated in
// SCALE_RULE and in every report; pure, so the UI can show the scaled arch before training.
import type { Arch, Family, LayerSpec } from './arch';
import { BYTE_VOCAB } from './corpus';
import type { SearchSpace } from './space';

/** The space's largest dModel maps to this width, its largest nLayer to this depth. */
export const SCALE_CAPS = { dModel: 128, nLayer: 4 } as const;
/** Scaled widths are multiples of this (head dimensions of 8 for any power-of-two head count). */
export const WIDTH_STEP = 8;
/** Narrowest scaled dModel: two heads of 8. */
export const MIN_SCALED_DMODEL = 16;
export const MIN_HEAD_DIM = 8;

export const SCALE_RULE =
  `dModel × min(1, ${SCALE_CAPS.dModel} / the space's largest dModel), rounded to a multiple of ${WIDTH_STEP} ` +
  `(${MIN_SCALED_DMODEL} to ${SCALE_CAPS.dModel}); nLayer × min(1, ${SCALE_CAPS.nLayer} / the space's largest nLayer), rounded ` +
  `(at least 1; per-layer shapes from evenly spaced layers); each dInner keeps its dInner / dModel ratio (rounded); ` +
  `each nHead kept if it divides the new dModel with a head dimension of at least ${MIN_HEAD_DIM} (even with rotary, ` +
  `and with an even rotary quarter for GPT-NeoX), else the nearest head count that does (on a log scale, ties to fewer heads); nKvHead keeps nHead / nKvHead ` +
  `(nearest divisor); OPT's embedDim keeps its ratio; vocabulary ${BYTE_VOCAB} (bytes); contextLength = the training ` +
  `sequence length; family, tied head, norm position and q/k/v biases unchanged.`;

/** What the rule reads from the space: its largest width and depth. */
export interface ScaleBasis {
  maxDModel: number;
  maxNLayer: number;
}

export const scaleBasis = (space: Pick<SearchSpace, 'dModel' | 'nLayer'>): ScaleBasis => ({
  maxDModel: Math.max(...space.dModel),
  maxNLayer: Math.max(...space.nLayer),
});

/** A head dimension the builder runs for this family: at least 8; even for Llama's rotary;
 *  GPT-NeoX rotates int(headDim / 4) dims, which must be even (see measure/model.ts). */
export function headDimOk(family: Family, headDim: number): boolean {
  if (!Number.isInteger(headDim) || headDim < MIN_HEAD_DIM) return false;
  if (family === 'llama') return headDim % 2 === 0;
  if (family === 'neox') return Math.floor(headDim / 4) % 2 === 0;
  return true;
}

/** Nearest value on a log scale (a ratio away either way counts the same); ties go to the smaller. */
function nearestLog(candidates: readonly number[], target: number): number {
  let best = candidates[0];
  for (const c of candidates) {
    const dc = Math.abs(Math.log(c / target));
    const db = Math.abs(Math.log(best / target));
    if (dc < db - 1e-12 || (Math.abs(dc - db) <= 1e-12 && c < best)) best = c;
  }
  return best;
}

const divisorsOf = (n: number): number[] => {
  const out: number[] = [];
  for (let k = 1; k <= n; k++) if (n % k === 0) out.push(k);
  return out;
};

/** Head counts a scaled layer may have at width d. Never empty: d is a multiple of 8, so one
 *  head of d passes headDimOk for every family. */
export const validHeads = (family: Family, d: number): number[] => divisorsOf(d).filter((h) => headDimOk(family, d / h));

export function scaledWidth(dModel: number, basis: ScaleBasis): number {
  const s = Math.min(1, SCALE_CAPS.dModel / basis.maxDModel);
  const d = Math.round((dModel * s) / WIDTH_STEP) * WIDTH_STEP;
  return Math.min(SCALE_CAPS.dModel, Math.max(MIN_SCALED_DMODEL, d));
}

export function scaledDepth(nLayer: number, basis: ScaleBasis): number {
  const s = Math.min(1, SCALE_CAPS.nLayer / basis.maxNLayer);
  return Math.min(SCALE_CAPS.nLayer, Math.max(1, Math.round(nLayer * s)));
}

/** The arch actually trained for a sampled one (see SCALE_RULE). */
export function scaleDown(arch: Arch, basis: ScaleBasis, seqLen: number): Arch {
  const d = scaledWidth(arch.dModel, basis);
  const L = scaledDepth(arch.layers.length, basis);
  const heads = validHeads(arch.family, d);
  const ratio = d / arch.dModel;
  const source = arch.layers.length;
  const layers: LayerSpec[] = Array.from({ length: L }, (_, j) => {
    // Evenly spaced source layers: layer j of L stands for the middle of its share of the stack.
    const from = arch.layers[Math.min(source - 1, Math.floor(((j + 0.5) * source) / L))];
    const nHead = heads.includes(from.nHead) ? from.nHead : nearestLog(heads, from.nHead);
    const layer: LayerSpec = { nHead, dInner: Math.max(1, Math.round(from.dInner * ratio)) };
    if (from.nKvHead !== undefined) {
      const group = from.nHead / from.nKvHead;
      layer.nKvHead = nHead === from.nHead ? from.nKvHead : nearestLog(divisorsOf(nHead), nHead / group);
    }
    return layer;
  });
  const out: Arch = {
    family: arch.family,
    vocabSize: BYTE_VOCAB,
    contextLength: seqLen,
    dModel: d,
    tieEmbeddings: arch.tieEmbeddings,
    layers,
  };
  if (arch.embedDim !== undefined && arch.embedDim !== arch.dModel) {
    const e = Math.max(WIDTH_STEP, Math.round((arch.embedDim * ratio) / WIDTH_STEP) * WIDTH_STEP);
    if (e !== d) out.embedDim = e;
  }
  if (arch.normPosition !== undefined) out.normPosition = arch.normPosition;
  if (arch.qkvBias) out.qkvBias = true;
  return out;
}
