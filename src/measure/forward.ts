// The family-specific forward pass over a named weight map (see weights.ts), shared by prefill,
// decode and the full recompute. What differs between those three is only how attention reads
// keys (`Attend`) and which rotary rows apply (`RotaryLookup`); everything else is here.
//   gpt2  pre-LN LayerNorm, GELU (tanh) MLP, learned positions, final LN, tied head.
//   opt   learned positions offset by 2 rows, ReLU MLP, biases, pre- or post-LN (post has no
//         final LN), project_in / project_out around the blocks when embedDim != dModel.
//   llama RMSNorm, SwiGLU, rotary positions, grouped-query attention, no biases (Qwen2: q/k/v
//         biases), tied or untied.
//   neox  LayerNorm, parallel residual (x + attn(ln1(x)) + mlp(ln2(x))), rotary on the first
//         quarter of each head, exact-erf GELU MLP, biases, final LN, tied or untied.
import * as tf from '@tensorflow/tfjs';
import { kvHeads, rmsNormEps, rotaryDims, type Arch, type LayerSpec } from '../core/arch';
import { applyRotary, geluErf, geluTanh, layerNorm, linear, rmsNorm, splitHeads, swiglu } from './ops';
import { layerWeight } from '../core/weights';

export type WeightMap = ReadonlyMap<string, tf.Tensor>;

/** How a block's attention reads keys: full causal self-attention, or against the KV cache.
 *  q is [heads, T, headDim] already rotated and scaled; k, v are the new [kvHeads, T, headDim];
 *  returns the merged context [T, heads * headDim]. */
export type Attend = (layer: number, q: tf.Tensor3D, k: tf.Tensor3D, v: tf.Tensor3D) => tf.Tensor2D;

export interface Rotary {
  cos: tf.Tensor2D;
  sin: tf.Tensor2D;
}

/** Rotary rows for the current call's positions, per head dimension (heterogeneous nHead gives
 *  layers different head dimensions); undefined for families with learned positions. Rows are
 *  [T, headDim], identity past the rotary dims (neox: see ops.ts applyRotary). */
export type RotaryLookup = ((headDim: number) => Rotary) | undefined;

export const headDimOf = (arch: Arch, layer: LayerSpec): number => arch.dModel / layer.nHead;
export const kvHeadsOf = (arch: Arch, layer: LayerSpec): number => (arch.family === 'llama' ? kvHeads(layer) : layer.nHead);

const isPostNorm = (arch: Arch): boolean => arch.family === 'opt' && arch.normPosition === 'post';

function need(weights: WeightMap, name: string): tf.Tensor {
  const t = weights.get(name);
  if (!t) throw new Error(`internal: weight ${name} missing (model disposed?)`);
  return t;
}

function norm(arch: Arch, weights: WeightMap, x: tf.Tensor2D, name: string): tf.Tensor2D {
  if (arch.family === 'llama') return rmsNorm(x, need(weights, `${name}.weight`), rmsNormEps(arch));
  return layerNorm(x, need(weights, `${name}.weight`), need(weights, `${name}.bias`));
}

/** How embedTokens reads the token table. 'gather' (the builder's): gather columns. 'one-hot'
 *  (training, src/measure/train.ts): a one-hot [ids, vocab] matrix times the table, the same
 *  values; tf.gather's gradient needs the UnsortedSegmentSum kernel, which tfjs-backend-wasm 4.22
 *  does not have, while a matmul's gradient runs everywhere. */
export type EmbedLookup = 'gather' | 'one-hot';

/** Token embeddings (through OPT's project_in when present): [ids, dModel]. The table is stored
 *  [width, vocab] (see weights.ts), so a lookup gathers columns and transposes them. */
export function embedTokens(weights: WeightMap, ids: tf.Tensor1D, lookup: EmbedLookup = 'gather'): tf.Tensor2D {
  const table = need(weights, 'embed.tokens') as tf.Tensor2D; // [width, vocab]
  let x: tf.Tensor2D;
  if (lookup === 'one-hot') {
    // An int32 one-hot, cast: asked for float32, tfjs-backend-wasm 4.22's OneHot gave values that
    // read as zeros in our runs (integer bits taken as floats).
    x = tf.matMul(tf.cast(tf.oneHot(ids, table.shape[1]), 'float32') as tf.Tensor2D, table, false, true);
  } else {
    const columns = tf.gather(table, ids, 1) as tf.Tensor2D; // [width, ids]
    const [width, n] = columns.shape;
    x = n === 1 ? tf.reshape(columns, [1, width]) : tf.transpose(columns);
  }
  const projectIn = weights.get('embed.project_in');
  return projectIn ? tf.matMul(x, projectIn as tf.Tensor2D) : x;
}

/** One decoder block: attention and feed-forward branches with their norms and residuals. */
function block(arch: Arch, weights: WeightMap, i: number, x: tf.Tensor2D, attend: Attend, rotary: RotaryLookup): tf.Tensor2D {
  const layer = arch.layers[i];
  const heads = layer.nHead;
  const kvH = kvHeadsOf(arch, layer);
  const headDim = headDimOf(arch, layer);
  const post = isPostNorm(arch);
  const w = (part: string) => need(weights, layerWeight(i, part));
  const bias = (part: string) => weights.get(layerWeight(i, part)); // absent for llama (but Qwen2's q/k/v)

  // Attention branch (pre-LN: norm first; OPT post-LN: norm after the residual add).
  const attnIn = post ? x : norm(arch, weights, x, layerWeight(i, 'norm1'));
  const project = (p: string) => linear(attnIn, w(`attn.${p}.weight`), bias(`attn.${p}.bias`));
  let q = splitHeads(project('q'), heads, headDim);
  let k = splitHeads(project('k'), kvH, headDim);
  const v = splitHeads(project('v'), kvH, headDim);
  if (rotary) {
    const { cos, sin } = rotary(headDim);
    const rotDim = rotaryDims(arch, headDim);
    q = applyRotary(q, cos, sin, rotDim);
    k = applyRotary(k, cos, sin, rotDim);
  }
  q = tf.mul(q, 1 / Math.sqrt(headDim));
  const context = attend(i, q, k, v);
  let h: tf.Tensor2D = tf.add(x, linear(context, w('attn.out.weight'), bias('attn.out.bias')));
  if (post) h = norm(arch, weights, h, layerWeight(i, 'norm1'));

  // Feed-forward branch. GPT-NeoX's parallel residual norms the block's input x, not h, and its
  // output joins the same sum: h + mlp = x + attn(ln1(x)) + mlp(ln2(x)).
  const ffnIn = post ? h : norm(arch, weights, arch.family === 'neox' ? x : h, layerWeight(i, 'norm2'));
  let hidden: tf.Tensor2D;
  if (arch.family === 'llama') {
    hidden = swiglu(linear(ffnIn, w('ffn.gate.weight')), linear(ffnIn, w('ffn.up.weight')));
  } else if (arch.family === 'opt') {
    hidden = linear(ffnIn, w('ffn.up.weight'), w('ffn.up.bias'), 'relu');
  } else if (arch.family === 'neox') {
    hidden = geluErf(linear(ffnIn, w('ffn.up.weight'), w('ffn.up.bias')));
  } else {
    hidden = geluTanh(linear(ffnIn, w('ffn.up.weight'), w('ffn.up.bias')));
  }
  let out: tf.Tensor2D = tf.add(h, linear(hidden, w('ffn.down.weight'), bias('ffn.down.bias')));
  if (post) out = norm(arch, weights, out, layerWeight(i, 'norm2'));
  return out;
}

/**
 * Runs every block, each in its own tidy so only one block's intermediates are alive at a time
 * (the activation peak core/memory assumes), not the whole forward's. Takes ownership of `x`.
 */
export function runBlocks(arch: Arch, weights: WeightMap, x: tf.Tensor2D, attend: Attend, rotary: RotaryLookup): tf.Tensor2D {
  let h = x;
  for (let i = 0; i < arch.layers.length; i++) {
    const next = tf.tidy(() => block(arch, weights, i, h, attend, rotary));
    h.dispose(); // the previous block's output: only the block just run reads it
    h = next;
  }
  return h;
}

/** Final norm, OPT's project_out and the output head for the given rows: [rows, vocab]. */
export function outputHead(arch: Arch, weights: WeightMap, x: tf.Tensor2D): tf.Tensor2D {
  let h = weights.has('final_norm.weight') ? norm(arch, weights, x, 'final_norm') : x;
  const projectOut = weights.get('embed.project_out');
  if (projectOut) h = tf.matMul(h, projectOut as tf.Tensor2D);
  const table = weights.get('head') ?? need(weights, 'embed.tokens'); // [width, vocab]
  return tf.matMul(h, table as tf.Tensor2D);
}
