// Memory of inference at batch 1.
//   weights      = total parameters x bytes per weight (fp32 4, fp16 2, int8 1; int8 ignores the
//                  few bytes of per-channel scales).
//   KV cache     = 2 (K and V) x sum over layers of kvDim x cached positions x bytes.
//   activations  = our estimate (a reconstruction, not from a paper) of the peak of live
//                  intermediate tensors during a prefill of T tokens in fp32, for a straightforward
//                  implementation that keeps the residual stream, the normed input and one block's
//                  intermediates alive: attention holds q, k, v, scores and probabilities
//                  (nHead x T x T, the full masked square as tfjs computes it) and the context;
//                  the FFN holds its hidden (and SwiGLU's gate, up and product); the head holds
//                  one row of logits.
import { kvDim, type Arch } from './arch';
import { countParams } from './params';

export type Dtype = 'fp32' | 'fp16' | 'int8';
export const DTYPE_BYTES: Record<Dtype, number> = { fp32: 4, fp16: 2, int8: 1 };
export const DTYPES: readonly Dtype[] = ['fp32', 'fp16', 'int8'];

export interface MemoryOptions {
  /** Bytes per weight. Default fp32 (what the tfjs builder runs). */
  weightDtype?: Dtype;
  /** Bytes per cached K/V value. Default fp32. */
  kvDtype?: Dtype;
  /** Cached positions in the KV cache. Default arch.contextLength. */
  kvTokens?: number;
  /** Prefill length for the activation peak. Default 128. */
  prefillTokens?: number;
}

export interface Memory {
  weights: Record<Dtype, number>;
  kvCache: number;
  activations: number;
  /** weights at weightDtype + kvCache + activations, in bytes. */
  total: number;
  weightDtype: Dtype;
}

export function kvCacheBytes(arch: Arch, tokens: number, dtype: Dtype = 'fp32'): number {
  let width = 0;
  for (const layer of arch.layers) width += kvDim(arch, layer);
  return 2 * width * tokens * DTYPE_BYTES[dtype];
}

export function activationBytes(arch: Arch, tokens: number): number {
  const d = arch.dModel;
  const T = tokens;
  let peak = 0;
  for (const layer of arch.layers) {
    const attention = T * (d + 2 * kvDim(arch, layer)) + 2 * layer.nHead * T * T + T * d;
    const ffn = (arch.family === 'llama' ? 3 : 2) * T * layer.dInner;
    peak = Math.max(peak, attention, ffn);
  }
  const live = 2 * T * d; // residual stream + normed input
  return 4 * (live + Math.max(peak, arch.vocabSize));
}

export function memory(arch: Arch, options: MemoryOptions = {}, totalParams?: number): Memory {
  const weightDtype = options.weightDtype ?? 'fp32';
  const n = totalParams ?? countParams(arch).total;
  const weights = { fp32: 4 * n, fp16: 2 * n, int8: n };
  const kvCache = kvCacheBytes(arch, options.kvTokens ?? arch.contextLength, options.kvDtype ?? 'fp32');
  const activations = activationBytes(arch, options.prefillTokens ?? 128);
  return { weights, kvCache, activations, total: weights[weightDtype] + kvCache + activations, weightDtype };
}
