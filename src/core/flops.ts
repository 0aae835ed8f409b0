// FLOPs of inference, closed form.
// Convention (stated in the README too):
//   * 1 multiply-add = 2 FLOPs; only matrix products are counted (projections, FFN, output head,
//     attention scores QK^T and the weighted sum PV). Norms, activations, softmax, residual adds
//     and rotary are elementwise and left out (they are O(T*d), under 1% for these shapes).
//   * Causal attention: the query at position i attends to i+1 keys (0..i), so a prefill of T
//     tokens does T(T+1)/2 query-key pairs per head, not T^2.
//   * Generation only needs the logits of the last position, so a prefill applies the output head
//     (and OPT's project_out) to one token; a decode step applies everything to one token.
//   * Decode step "at position t": t tokens are already in the KV cache (0-based position of the
//     new token), so it attends to t+1 keys.
import { kvDim, type Arch } from './arch';
import { tokenEmbedDim } from './params';

export interface FlopBreakdown {
  attentionProjections: number;
  attentionScores: number;
  ffn: number;
  /** Output head (logits) plus OPT's embedding projections. */
  head: number;
}

export interface Flops {
  total: number;
  breakdown: FlopBreakdown;
}

/**
 * FLOPs to run `tokens` new tokens with `cached` tokens already in the KV cache, computing the
 * logits of the last new token only. Prefill of T = forward(T, 0); decode at t = forward(1, t).
 */
export function forwardFlops(arch: Arch, tokens: number, cached: number): Flops {
  const d = arch.dModel;
  const ffnMats = arch.family === 'llama' ? 3 : 2;
  // Query-key pairs: sum over new positions i = cached..cached+tokens-1 of (i + 1).
  const pairs = tokens * cached + (tokens * (tokens + 1)) / 2;
  let proj = 0;
  let scores = 0;
  let ffn = 0;
  for (const layer of arch.layers) {
    proj += 2 * tokens * d * (2 * d + 2 * kvDim(arch, layer)); // q, o: d x d; k, v: d x kv
    scores += 2 * 2 * pairs * d; // QK^T and PV: each pair costs headDim MACs per head, nHead*headDim = d
    ffn += 2 * tokens * d * layer.dInner * ffnMats;
  }
  const e = tokenEmbedDim(arch);
  let head = 2 * arch.vocabSize * e; // logits of the last position
  if (e !== d) head += 2 * tokens * e * d + 2 * d * e; // project_in for every token, project_out once
  return {
    total: proj + scores + ffn + head,
    breakdown: { attentionProjections: proj, attentionScores: scores, ffn, head },
  };
}

export const prefillFlops = (arch: Arch, tokens: number): Flops => forwardFlops(arch, tokens, 0);
export const decodeStepFlops = (arch: Arch, position: number): Flops => forwardFlops(arch, 1, position);
