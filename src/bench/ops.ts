// Building blocks of the decoder in plain tfjs ops (no tfjs-layers), batch 1, fp32.
// Activations are [tokens, width] matrices; attention works on [heads, tokens, headDim].
// Every function here allocates intermediates freely: callers run them inside tf.tidy.
import * as tf from '@tensorflow/tfjs';

/** Additive mask value for forbidden keys: exp() of it underflows to exactly 0 in fp32 softmax
 *  (and it saturates to -inf, still giving 0, on fp16 WebGL textures). */
export const MASKED = -1e9;

/** x @ W (+ b) (+ activation) in one kernel where the backend fuses it (webgl, webgpu, wasm). */
export function linear(
  x: tf.Tensor2D,
  weight: tf.Tensor,
  bias?: tf.Tensor,
  activation: 'linear' | 'relu' = 'linear',
): tf.Tensor2D {
  return tf.fused.matMul({ a: x, b: weight as tf.Tensor2D, bias, activation }) as tf.Tensor2D;
}

/** LayerNorm over the last axis (GPT-2, OPT: eps 1e-5, biased variance as torch). */
export function layerNorm(x: tf.Tensor2D, weight: tf.Tensor, bias: tf.Tensor, eps = 1e-5): tf.Tensor2D {
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, eps))), weight), bias);
}

/** RMSNorm over the last axis (Llama: x / sqrt(mean(x^2) + eps) * weight). */
export function rmsNorm(x: tf.Tensor2D, weight: tf.Tensor, eps = 1e-6): tf.Tensor2D {
  const meanSquare = tf.mean(tf.square(x), -1, true);
  return tf.mul(tf.mul(x, tf.rsqrt(tf.add(meanSquare, eps))), weight);
}

/**
 * GPT-2's "gelu_new", the tanh approximation 0.5 x (1 + tanh(u)), u = sqrt(2/pi) (x + 0.044715 x^3),
 * computed as x * sigmoid(2u) (the same function: 1 + tanh(u) = 2 sigmoid(2u)). Why: the wasm
 * backend's Tanh and Pow are scalar loops (about 0.9 s and 0.3 s of a 2.3 s GPT-2 prefill in
 * Node) while Sigmoid and Mul are vectorised.
 */
export function geluTanh(x: tf.Tensor2D): tf.Tensor2D {
  const cubicTerm = tf.add(tf.mul(tf.square(x), 0.044715), 1); // 1 + 0.044715 x^2
  const twoU = tf.mul(tf.mul(x, cubicTerm), 2 * Math.sqrt(2 / Math.PI));
  return tf.mul(x, tf.sigmoid(twoU));
}

/** SwiGLU's activation: silu(gate) * up. */
export const swiglu = (gate: tf.Tensor2D, up: tf.Tensor2D): tf.Tensor2D =>
  tf.mul(tf.mul(gate, tf.sigmoid(gate)), up);

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
 * Rotary position embedding as Hugging Face's Llama applies it (rotate_half convention):
 * x * cos + rotate_half(x) * sin, with rotate_half(x) = [-x2, x1] on the two halves of headDim.
 * x: [heads, T, headDim]; cos, sin: [T, headDim] rows for the tokens' positions.
 */
export function applyRotary(x: tf.Tensor3D, cos: tf.Tensor2D, sin: tf.Tensor2D): tf.Tensor3D {
  const [heads, T, headDim] = x.shape;
  const half = headDim / 2;
  const x1 = tf.slice(x, [0, 0, 0], [heads, T, half]);
  const x2 = tf.slice(x, [0, 0, half], [heads, T, half]);
  const rotated = tf.concat([tf.neg(x2), x1], 2);
  return tf.add(tf.mul(x, cos), tf.mul(rotated, sin));
}

/**
 * cos and sin tables [positions, headDim] for rotary (theta 10000, HF's default): position p,
 * column j uses frequency theta^(-2 (j mod headDim/2) / headDim). Built on the host once.
 */
export function rotaryTables(positions: number, headDim: number, theta = 10000): { cos: tf.Tensor2D; sin: tf.Tensor2D } {
  const half = headDim / 2;
  const cos = new Float32Array(positions * headDim);
  const sin = new Float32Array(positions * headDim);
  for (let p = 0; p < positions; p++) {
    for (let j = 0; j < half; j++) {
      const angle = p * Math.pow(theta, (-2 * j) / headDim);
      const c = Math.cos(angle);
      const s = Math.sin(angle);
      cos[p * headDim + j] = c;
      cos[p * headDim + j + half] = c;
      sin[p * headDim + j] = s;
      sin[p * headDim + j + half] = s;
    }
  }
  return { cos: tf.tensor2d(cos, [positions, headDim]), sin: tf.tensor2d(sin, [positions, headDim]) };
}

/**
 * Scaled dot-product attention with grouped-query heads.
 * q: [heads, T, hd], already scaled by 1/sqrt(hd); k, v: [kvHeads, S, hd]; mask: [T, S] additive.
 * Query head i reads kv head floor(i / group) (HF's repeat_kv order), done without copying K/V:
 * the heads of a group are folded into the row axis, [kvHeads, group * T, hd].
 */
export function attention(q: tf.Tensor3D, k: tf.Tensor3D, v: tf.Tensor3D, mask: tf.Tensor2D): tf.Tensor3D {
  const [heads, T, headDim] = q.shape;
  const kvHeads = k.shape[0];
  const S = k.shape[1];
  const group = heads / kvHeads;
  const grouped = group === 1 ? q : tf.reshape(q, [kvHeads, group * T, headDim]);
  const scores = tf.reshape(tf.matMul(grouped, k, false, true), [heads, T, S]);
  const probs = tf.softmax(tf.add(scores, mask));
  const context: tf.Tensor3D = tf.matMul(group === 1 ? probs : tf.reshape(probs, [kvHeads, group * T, S]), v);
  return group === 1 ? context : tf.reshape<tf.Rank.R3>(context, [heads, T, headDim]);
}

/** Additive causal mask [T, T]: 0 where key <= query, MASKED above the diagonal. */
export function causalMask(T: number): tf.Tensor2D {
  const values = new Float32Array(T * T);
  for (let i = 0; i < T; i++) for (let j = i + 1; j < T; j++) values[i * T + j] = MASKED;
  return tf.tensor2d(values, [T, T]);
}
