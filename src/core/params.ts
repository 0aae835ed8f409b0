// Exact parameter counts, matching Hugging Face's `model.num_parameters()` for GPT2LMHeadModel,
// OPTForCausalLM, LlamaForCausalLM, Qwen2ForCausalLM and GPTNeoXForCausalLM (tests pin gpt2,
// gpt2-medium, opt-125m, opt-350m, TinyLlama-1.1B, SmolLM-135M, Qwen2.5-0.5B, Pythia-70M and
// Pythia-160M), and archai's `params.nonembedding` for LTS's GPT-2 models.
//
// Split used everywhere in the app:
//   embedding = token table + position table + untied output head + OPT's word-embedding projections
//   decoder   = attention + FFN + norms (incl. the final norm): the LTS proxy, what Kaplan et al.
//               call non-embedding parameters.
import { kvDim, type Arch, type LayerSpec } from './arch';

export interface ParamBreakdown {
  tokenEmbedding: number;
  positionEmbedding: number;
  /** Untied output head (llama's lm_head, neox's embed_out, both without bias); 0 when tied. */
  outputHead: number;
  /** OPT project_in + project_out when embedDim != dModel. */
  embeddingProjection: number;
  attention: number;
  ffn: number;
  norms: number;
}

export interface ParamCounts {
  total: number;
  embedding: number;
  decoder: number;
  breakdown: ParamBreakdown;
}

/** Attention parameters of one layer (Q, K, V and output projections, with biases for gpt2/opt/neox). */
export function attentionParams(arch: Arch, layer: LayerSpec): number {
  const d = arch.dModel;
  if (arch.family === 'llama') {
    const kv = kvDim(arch, layer);
    const biases = arch.qkvBias ? d + 2 * kv : 0; // Qwen2Attention: q/k/v_proj bias=True, o_proj bias=False
    return d * d + 2 * d * kv + d * d + biases; // q, k, v, o
  }
  // gpt2 c_attn (d x 3d + 3d) + c_proj (d x d + d); opt q,k,v,out with biases; neox
  // query_key_value (d x 3d + 3d) + dense (d x d + d).
  return 4 * (d * d + d);
}

/** FFN parameters of one layer. */
export function ffnParams(arch: Arch, layer: LayerSpec): number {
  const d = arch.dModel;
  const f = layer.dInner;
  if (arch.family === 'llama') return 3 * d * f; // SwiGLU gate, up, down — no biases
  return d * f + f + f * d + d; // fc1 / c_fc / dense_h_to_4h with bias, fc2 / c_proj / dense_4h_to_h with bias
}

/** Norm parameters of one layer: two LayerNorms (weight + bias) or two RMSNorms (weight). */
export function layerNormParams(arch: Arch): number {
  return arch.family === 'llama' ? 2 * arch.dModel : 4 * arch.dModel;
}

/** The final norm after the last block (absent in OPT's post-LayerNorm variant). */
export function finalNormParams(arch: Arch): number {
  if (arch.family === 'llama') return arch.dModel;
  if (arch.family === 'opt' && arch.normPosition === 'post') return 0;
  return 2 * arch.dModel;
}

export function positionTableRows(arch: Arch): number {
  if (arch.family === 'llama' || arch.family === 'neox') return 0; // rotary
  if (arch.family === 'opt') return arch.contextLength + 2; // OPTLearnedPositionalEmbedding offset 2
  return arch.contextLength;
}

/** Width of the token table: OPT's word_embed_proj_dim when set, else dModel. */
export const tokenEmbedDim = (arch: Arch): number => (arch.family === 'opt' && arch.embedDim !== undefined ? arch.embedDim : arch.dModel);

export function countParams(arch: Arch): ParamCounts {
  const d = arch.dModel;
  const e = tokenEmbedDim(arch);
  let attention = 0;
  let ffn = 0;
  for (const layer of arch.layers) {
    attention += attentionParams(arch, layer);
    ffn += ffnParams(arch, layer);
  }
  const norms = arch.layers.length * layerNormParams(arch) + finalNormParams(arch);
  const breakdown: ParamBreakdown = {
    tokenEmbedding: arch.vocabSize * e,
    positionEmbedding: positionTableRows(arch) * d,
    outputHead: arch.tieEmbeddings ? 0 : arch.vocabSize * d,
    embeddingProjection: e !== d ? 2 * e * d : 0,
    attention,
    ffn,
    norms,
  };
  const embedding = breakdown.tokenEmbedding + breakdown.positionEmbedding + breakdown.outputHead + breakdown.embeddingProjection;
  const decoder = attention + ffn + norms;
  return { total: embedding + decoder, embedding, decoder, breakdown };
}

/** Decoder (non-embedding) parameters only: the LTS proxy, on the search's hot path. */
export function decoderParams(arch: Arch): number {
  let n = finalNormParams(arch) + arch.layers.length * layerNormParams(arch);
  for (const layer of arch.layers) n += attentionParams(arch, layer) + ffnParams(arch, layer);
  return n;
}
