// Building blocks of the decoder in plain tfjs ops (no tfjs-layers), batch 1, fp32.
// Activations are [tokens, width] matrices; attention works on [heads, tokens, headDim].
// Every function here allocates intermediates freely: callers run them inside tf.tidy.
import * as tf from '@tensorflow/tfjs';
import { canRunFused, NORM_KERNEL, ROTARY_KERNEL, untaped, type NormAttrs } from './fusedKernels';

/** Additive mask value for forbidden keys: exp() of it underflows to exactly 0 in fp32 softmax
 *  (and it saturates to -inf, still giving 0, on fp16 WebGL textures). */
export const MASKED = -1e9;

/**
 * x @ W (+ b) (+ activation) in one kernel where the backend fuses it (webgl, webgpu, wasm).
 * Outside a gradient tape (fusedKernels.ts untaped) it runs the _FusedMatMul kernel directly:
 * tf.fused.matMul wraps the same kernel in customGrad (a scope, closures, tensors saved for a backward pass that never comes), about 10 µs
 * a call on wasm (Node, measured: a [1, 256] x [256, 256] GEMV 21 µs through the op, 10 µs
 * direct), and a narrow model's decode step is mostly such calls. The same kernels and reshapes
 * as the op, so the same values and kernel count.
 */
export function linear(x: tf.Tensor2D, weight: tf.Tensor, bias?: tf.Tensor, activation: 'linear' | 'relu' = 'linear'): tf.Tensor2D {
  if (!untaped()) return tf.fused.matMul({ a: x, b: weight as tf.Tensor2D, bias, activation }) as tf.Tensor2D;
  const [rows, inner] = x.shape;
  const [, cols] = weight.shape as [number, number];
  const a = tf.reshape(x, [1, rows, inner]);
  const b = tf.reshape(weight, [1, inner, cols]);
  const attrs = { transposeA: false, transposeB: false, activation, leakyreluAlpha: 0.2 };
  const out = tf.engine().runKernel('_FusedMatMul', bias ? { a, b, bias } : { a, b }, attrs) as tf.Tensor3D;
  return tf.reshape(out, [rows, cols]);
}

/** LayerNorm or RMSNorm in one kernel where the backend has ours (wasm, cpu: fusedKernels.ts). */
const fusedNorm = (x: tf.Tensor2D, weight: tf.Tensor, bias: tf.Tensor | undefined, attrs: NormAttrs): tf.Tensor2D =>
  tf.engine().runKernel(NORM_KERNEL, bias ? { x, weight, bias } : { x, weight }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor2D;

/** LayerNorm over the last axis (GPT-2, OPT: eps 1e-5, biased variance as torch). */
export function layerNorm(x: tf.Tensor2D, weight: tf.Tensor, bias: tf.Tensor, eps = 1e-5): tf.Tensor2D {
  if (canRunFused(NORM_KERNEL)) return fusedNorm(x, weight, bias, { eps, rms: false });
  const { mean, variance } = tf.moments(x, -1, true);
  if (x.shape[0] === 1) return normalizeRow(x, mean, variance, weight, bias, eps);
  return tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, eps))), weight), bias);
}

/** RMSNorm over the last axis (Llama: x / sqrt(mean(x^2) + eps) * weight). */
export function rmsNorm(x: tf.Tensor2D, weight: tf.Tensor, eps: number): tf.Tensor2D {
  if (canRunFused(NORM_KERNEL)) return fusedNorm(x, weight, undefined, { eps, rms: true });
  const meanSquare = tf.mean(tf.square(x), -1, true);
  if (x.shape[0] === 1) return normalizeRow(x, tf.zeros([1, 1]), meanSquare, weight, undefined, eps);
  return tf.mul(tf.mul(x, tf.rsqrt(tf.add(meanSquare, eps))), weight);
}

/**
 * (x - mean) / sqrt(variance + eps) * weight (+ bias) for a single row, in one batchNorm kernel
 * instead of five or six elementwise ones: a decode step is dominated by per-kernel dispatch
 * (tens of µs each on wasm), and its 2 nLayer + 1 norms are that many kernels more. batchNorm
 * broadcasts mean/variance as per-channel vectors, so a [1, 1] statistic only fits one row.
 */
function normalizeRow(
  x: tf.Tensor2D,
  mean: tf.Tensor,
  variance: tf.Tensor,
  weight: tf.Tensor,
  bias: tf.Tensor | undefined,
  eps: number,
): tf.Tensor2D {
  return tf.batchNorm(x, tf.reshape(mean, [1]), tf.reshape(variance, [1]), bias, weight, eps) as tf.Tensor2D;
}

/**
 * GPT-2's "gelu_new", the tanh approximation 0.5 x (1 + tanh(u)), u = sqrt(2/pi) (x + 0.044715 x^3),
 * computed as x * sigmoid(2u) (the same function: 1 + tanh(u) = 2 sigmoid(2u)). Why: the wasm
 * backend's Tanh and Pow are scalar loops (about 0.9 s and 0.3 s of a 2.3 s GPT-2 prefill in
 * Node) while Sigmoid and Mul are vectorised.
 */
export function geluTanh(x: tf.Tensor2D): tf.Tensor2D {
  // 2u = x (c + c 0.044715 x^2) with c = 2 sqrt(2/pi): constants folded, six kernels.
  const c = 2 * Math.sqrt(2 / Math.PI);
  const twoU = tf.mul(x, tf.add(tf.mul(tf.square(x), c * 0.044715), c));
  return tf.mul(x, tf.sigmoid(twoU));
}

/**
 * Exact GELU, x Phi(x) = x (1/2 + erf(x / sqrt 2) / 2): GPT-NeoX's hidden_act "gelu" (torch's erf
 * form, not GPT-2's tanh approximation; they differ by up to about 1e-3). Constants folded into
 * the multiplications, five kernels (tfjs has Erf on every backend we run).
 */
export function geluErf(x: tf.Tensor2D): tf.Tensor2D {
  return tf.mul(x, tf.add(tf.mul(tf.erf(tf.mul(x, Math.SQRT1_2)), 0.5), 0.5));
}

/** SwiGLU's activation: silu(gate) * up. */
export const swiglu = (gate: tf.Tensor2D, up: tf.Tensor2D): tf.Tensor2D => tf.mul(tf.mul(gate, tf.sigmoid(gate)), up);

/** [T, heads * headDim] -> [heads, T, headDim]. A single token needs no transpose. */
export function splitHeads(x: tf.Tensor2D, heads: number, headDim: number): tf.Tensor3D {
  const T = x.shape[0];
  if (T === 1) return tf.reshape(x, [heads, 1, headDim]);
  return tf.transpose(tf.reshape(x, [T, heads, headDim]), [1, 0, 2]);
}

/** [heads, T, headDim] -> [T, heads * headDim]. */
export function mergeHeads(x: tf.Tensor3D): tf.Tensor2D {
  const [heads, T, headDim] = x.shape;
  if (T === 1) return tf.reshape(x, [1, heads * headDim]);
  return tf.reshape(tf.transpose(x, [1, 0, 2]), [T, heads * headDim]);
}

/**
 * Rotary position embedding as Hugging Face's Llama and GPT-NeoX apply it (rotate_half convention):
 * x * cos + rotate_half(x) * sin, with rotate_half(x) = [-x2, x1] on the two halves of the first
 * `rotDim` dims of each head. x: [heads, T, headDim]; cos, sin: [T, headDim] rows for the tokens'
 * positions (see rotaryTables). GPT-NeoX rotates only the first rotDim = headDim / 4 dims and
 * passes the rest through: the tables hold cos 1 and sin 0 there, so the rest of the head rides
 * along in the same multiply-adds (x * 1 + x * 0 = x exactly) instead of HF's slice, rotate and
 * concatenate back, two kernels more per tensor in a decode step that dispatch dominates.
 */
export function applyRotary(x: tf.Tensor3D, cos: tf.Tensor2D, sin: tf.Tensor2D, rotDim = x.shape[2]): tf.Tensor3D {
  if (canRunFused(ROTARY_KERNEL)) return tf.engine().runKernel(ROTARY_KERNEL, { x, cos, sin }, { rotDim }) as tf.Tensor3D;
  const [heads, T, headDim] = x.shape;
  const half = rotDim / 2;
  const x1 = tf.slice(x, [0, 0, 0], [heads, T, half]);
  const x2 = tf.slice(x, [0, 0, half], [heads, T, half]);
  const parts = [tf.neg(x2), x1];
  if (rotDim < headDim) parts.push(tf.slice(x, [0, 0, rotDim], [heads, T, headDim - rotDim])); // times sin 0
  const rotated = tf.concat(parts, 2);
  return tf.add(tf.mul(x, cos), tf.mul(rotated, sin));
}

/**
 * cos and sin tables [positions, headDim] for rotary (theta 10000, HF's default) on the first
 * `rotDim` dims of a head: position p, column j < rotDim uses frequency
 * theta^(-2 (j mod rotDim/2) / rotDim) (HF's inv_freq over the rotary dims); columns from rotDim on
 * hold cos 1 and sin 0, leaving those dims as they are. Built on the host once.
 */
export function rotaryTables(positions: number, headDim: number, rotDim: number, theta: number): { cos: tf.Tensor2D; sin: tf.Tensor2D } {
  const half = rotDim / 2;
  const cos = new Float32Array(positions * headDim);
  const sin = new Float32Array(positions * headDim);
  for (let p = 0; p < positions; p++) {
    for (let j = 0; j < half; j++) {
      const angle = p * Math.pow(theta, (-2 * j) / rotDim);
      const c = Math.cos(angle);
      const s = Math.sin(angle);
      cos[p * headDim + j] = c;
      cos[p * headDim + j + half] = c;
      sin[p * headDim + j] = s;
      sin[p * headDim + j + half] = s;
    }
    cos.fill(1, p * headDim + rotDim, (p + 1) * headDim);
  }
  return { cos: tf.tensor2d(cos, [positions, headDim]), sin: tf.tensor2d(sin, [positions, headDim]) };
}

/**
 * Scaled dot-product attention with grouped-query heads, returning the merged context
 * [T, heads * headDim] (HF's head order). q: [heads, T, hd], already scaled by 1/sqrt(hd);
 * k, v: [kvHeads, S, hd]; mask: [T, S] additive. Query head i reads kv head floor(i / group)
 * (HF's repeat_kv order). Two ways to compute the same thing, picked by `mode`:
 *   'batched'   two batched matmuls over all heads (one kernel each: best on GPU backends and
 *               for a single query row);
 *   'per-head'  2-D matmuls per head. tfjs-backend-wasm sends only batch-1, untransposed matmuls
 *               to XNNPACK; a batched one ([12, 128, 64] x [12, 64, 128]) runs its scalar
 *               fallback at 1-3 GFLOP/s, a sixth of GPT-2 small's prefill. Per head, the same
 *               work runs in XNNPACK (measured in Chromium: 12 layers' attention 193 ms batched).
 *               Needs cheap contiguous slices: see wasmKernels.ts.
 */
export type AttentionMode = 'batched' | 'per-head';

export function attention(q: tf.Tensor3D, k: tf.Tensor3D, v: tf.Tensor3D, mask: tf.Tensor2D, mode: AttentionMode = 'batched'): tf.Tensor2D {
  return mode === 'per-head' ? attentionPerHead(q, k, v, mask) : mergeHeads(attentionBatched(q, k, v, mask));
}

function attentionBatched(q: tf.Tensor3D, k: tf.Tensor3D, v: tf.Tensor3D, mask: tf.Tensor2D): tf.Tensor3D {
  const [heads, T, headDim] = q.shape;
  const kvHeads = k.shape[0];
  const S = k.shape[1];
  const group = heads / kvHeads;
  // The heads of a group are folded into the row axis, [kvHeads, group * T, hd]: no K/V copies.
  const grouped = group === 1 ? q : tf.reshape(q, [kvHeads, group * T, headDim]);
  const scores = tf.reshape(tf.matMul(grouped, k, false, true), [heads, T, S]);
  const probs = tf.softmax(tf.add(scores, mask));
  const context: tf.Tensor3D = tf.matMul(group === 1 ? probs : tf.reshape(probs, [kvHeads, group * T, S]), v);
  return group === 1 ? context : tf.reshape<tf.Rank.R3>(context, [heads, T, headDim]);
}

/** Slab i of a [n, rows, cols] tensor, [1, rows, cols]: a contiguous slice, and a batch-1
 *  matmul operand as it is (no reshape op: every op costs tens of µs of dispatch on wasm). */
const slab = (x: tf.Tensor3D, i: number): tf.Tensor3D => tf.slice(x, [i, 0, 0], [1, x.shape[1], x.shape[2]]);

function attentionPerHead(q: tf.Tensor3D, k: tf.Tensor3D, v: tf.Tensor3D, mask: tf.Tensor2D): tf.Tensor2D {
  const [heads, T, headDim] = q.shape;
  const kvHeads = k.shape[0];
  const group = heads / kvHeads;
  // K transposed once, so each head's scores are a plain x @ W (XNNPACK takes no transposes).
  const keysT = tf.transpose(k, [0, 2, 1]); // [kvHeads, hd, S]
  const kvK = Array.from({ length: kvHeads }, (_, g) => slab(keysT, g));
  const kvV = Array.from({ length: kvHeads }, (_, g) => slab(v, g));
  const kvOf = (h: number) => Math.floor(h / group);
  const scores = Array.from({ length: heads }, (_, h) => tf.matMul(slab(q, h), kvK[kvOf(h)])); // [1, T, S]
  // One mask add and one softmax over all heads' scores.
  const probs = tf.softmax(tf.add(tf.concat(scores, 0), mask)) as tf.Tensor3D;
  const contexts = Array.from({ length: heads }, (_, h) => tf.matMul(slab(probs, h), kvV[kvOf(h)])); // [1, T, hd]
  return tf.reshape(tf.concat(contexts, 2), [T, heads * headDim]);
}

/** Additive causal mask [T, T]: 0 where key <= query, MASKED above the diagonal. */
export function causalMask(T: number): tf.Tensor2D {
  const values = new Float32Array(T * T);
  for (let i = 0; i < T; i++) for (let j = i + 1; j < T; j++) values[i * T + j] = MASKED;
  return tf.tensor2d(values, [T, T]);
}
