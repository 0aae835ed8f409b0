// Hugging Face `config.json` for an arch, and back. Field names and defaults follow the configs
// on the hub (gpt2, facebook/opt-125m and opt-350m, TinyLlama, SmolLM, Qwen/Qwen2.5-0.5B,
// EleutherAI/pythia-70m) and transformers' GPT2Config / OPTConfig / LlamaConfig / Qwen2Config /
// GPTNeoXConfig, so that `AutoModelForCausalLM.from_config` builds the
// same model whose parameters core/params counts. Hugging Face configs hold one shape for every
// layer: a heterogeneous arch (LTS's per-layer nHead / dInner) cannot be expressed, and the
// caller is told so instead of getting a silently homogenised config.
import {
  archSummary,
  hfModelType,
  isHomogeneous,
  kvHeads,
  NEOX_ROTARY_PCT,
  rmsNormEps,
  ropeTheta,
  type Arch,
  type HfModelType,
} from './arch';

export type HfConfig = Record<string, unknown>;

export type HfConfigResult = { ok: true; config: HfConfig } | { ok: false; reason: string };

export const HETEROGENEOUS_REASON =
  'Hugging Face configs cannot express per-layer shapes (this arch has different heads or FFN widths per layer); ' +
  'export the arch JSON instead.';

function gpt2Config(arch: Arch): HfConfig {
  const l = arch.layers[0];
  return {
    architectures: ['GPT2LMHeadModel'],
    model_type: 'gpt2',
    vocab_size: arch.vocabSize,
    n_positions: arch.contextLength,
    n_ctx: arch.contextLength,
    n_embd: arch.dModel,
    n_layer: arch.layers.length,
    n_head: l.nHead,
    n_inner: l.dInner,
    activation_function: 'gelu_new',
    resid_pdrop: 0.1,
    embd_pdrop: 0.1,
    attn_pdrop: 0.1,
    layer_norm_epsilon: 1e-5,
    initializer_range: 0.02,
    scale_attn_weights: true,
    use_cache: true,
    bos_token_id: 50256,
    eos_token_id: 50256,
    tie_word_embeddings: true,
  };
}

function optConfig(arch: Arch): HfConfig {
  const l = arch.layers[0];
  return {
    architectures: ['OPTForCausalLM'],
    model_type: 'opt',
    vocab_size: arch.vocabSize,
    max_position_embeddings: arch.contextLength,
    hidden_size: arch.dModel,
    word_embed_proj_dim: arch.embedDim ?? arch.dModel,
    num_hidden_layers: arch.layers.length,
    num_attention_heads: l.nHead,
    ffn_dim: l.dInner,
    do_layer_norm_before: arch.normPosition !== 'post',
    _remove_final_layer_norm: false,
    enable_bias: true,
    layer_norm_elementwise_affine: true,
    activation_function: 'relu',
    dropout: 0.1,
    attention_dropout: 0.0,
    activation_dropout: 0.0,
    layerdrop: 0.0,
    init_std: 0.02,
    use_cache: true,
    pad_token_id: 1,
    bos_token_id: 2,
    eos_token_id: 2,
    tie_word_embeddings: true,
  };
}

function llamaConfig(arch: Arch): HfConfig {
  const l = arch.layers[0];
  return {
    architectures: ['LlamaForCausalLM'],
    model_type: 'llama',
    vocab_size: arch.vocabSize,
    max_position_embeddings: arch.contextLength,
    hidden_size: arch.dModel,
    intermediate_size: l.dInner,
    num_hidden_layers: arch.layers.length,
    num_attention_heads: l.nHead,
    num_key_value_heads: kvHeads(l),
    head_dim: arch.dModel / l.nHead,
    hidden_act: 'silu',
    rms_norm_eps: rmsNormEps(arch),
    rope_theta: ropeTheta(arch),
    rope_scaling: null,
    attention_bias: false,
    attention_dropout: 0.0,
    mlp_bias: false,
    initializer_range: 0.02,
    pretraining_tp: 1,
    use_cache: true,
    bos_token_id: 1,
    eos_token_id: 2,
    tie_word_embeddings: arch.tieEmbeddings,
  };
}

/** A llama arch with q/k/v biases is a Qwen2 model (Qwen2Attention: q/k/v_proj bias=True, o_proj
 *  bias=False); the values not in the arch are Qwen2.5-0.5B's. */
function qwen2Config(arch: Arch): HfConfig {
  // Qwen2Config is LlamaConfig's shape fields without the bias / head_dim / tp switches
  // (Qwen2's biases are fixed in its modelling code), plus its sliding-window fields.
  const { head_dim: _h, attention_bias: _a, mlp_bias: _m, pretraining_tp: _p, ...shape } = llamaConfig(arch);
  return {
    ...shape,
    architectures: ['Qwen2ForCausalLM'],
    model_type: 'qwen2',
    rms_norm_eps: rmsNormEps(arch),
    rope_theta: ropeTheta(arch),
    use_sliding_window: false,
    sliding_window: arch.contextLength,
    max_window_layers: arch.layers.length,
    bos_token_id: 151643,
    eos_token_id: 151643,
  };
}

/** GPT-NeoX as Pythia configures it: parallel residual, rotary on a quarter of each head, biases. */
function neoxConfig(arch: Arch): HfConfig {
  const l = arch.layers[0];
  return {
    architectures: ['GPTNeoXForCausalLM'],
    model_type: 'gpt_neox',
    vocab_size: arch.vocabSize,
    max_position_embeddings: arch.contextLength,
    hidden_size: arch.dModel,
    intermediate_size: l.dInner,
    num_hidden_layers: arch.layers.length,
    num_attention_heads: l.nHead,
    rotary_pct: NEOX_ROTARY_PCT,
    rotary_emb_base: ropeTheta(arch),
    use_parallel_residual: true,
    attention_bias: true,
    hidden_act: 'gelu',
    layer_norm_eps: 1e-5,
    attention_dropout: 0.0,
    hidden_dropout: 0.0,
    initializer_range: 0.02,
    use_cache: true,
    bos_token_id: 0,
    eos_token_id: 0,
    tie_word_embeddings: arch.tieEmbeddings,
  };
}

/** The Hugging Face config of a homogeneous arch; a reason instead for a heterogeneous one. */
export function toHfConfig(arch: Arch): HfConfigResult {
  if (!isHomogeneous(arch)) return { ok: false, reason: `${HETEROGENEOUS_REASON} (${archSummary(arch)})` };
  return { ok: true, config: CONFIG_WRITERS[hfModelType(arch)](arch) };
}

/** One writer per Hugging Face model_type (core/arch hfModelType picks it). */
const CONFIG_WRITERS: Record<HfModelType, (arch: Arch) => HfConfig> = {
  gpt2: gpt2Config,
  opt: optConfig,
  llama: llamaConfig,
  qwen2: qwen2Config,
  gpt_neox: neoxConfig,
};

const int = (c: HfConfig, key: string, fallback?: number): number => {
  const v = c[key] ?? fallback;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new Error(`config.${key} must be an integer`);
  return v;
};

/**
 * Settings our families do not model and that change the parameter count, the shapes the builder
 * makes or the order it computes in (GPT-NeoX's sequential residual): reading such a config would
 * give an arch that is not the model, so it is refused with the reason. Defaults are transformers'.
 */
function unsupported(c: HfConfig): string | undefined {
  const isTrue = (key: string) => c[key] === true;
  const isFalse = (key: string) => c[key] === false;
  const headDimMismatch = (): string | undefined => {
    const d = c.hidden_size;
    const h = c.num_attention_heads;
    const headDim = c.head_dim;
    if (typeof headDim === 'number' && typeof d === 'number' && typeof h === 'number' && headDim * h !== d) {
      return `head_dim ${headDim} x ${h} heads differs from hidden_size ${d}`;
    }
    return undefined;
  };
  switch (c.model_type) {
    case 'gpt2':
      if (isTrue('add_cross_attention')) return 'add_cross_attention adds cross-attention blocks';
      return undefined;
    case 'opt':
      if (isFalse('enable_bias')) return 'enable_bias false removes the linear biases';
      if (isFalse('layer_norm_elementwise_affine')) return 'layer_norm_elementwise_affine false removes the LayerNorm weights';
      if (isTrue('_remove_final_layer_norm')) return '_remove_final_layer_norm removes the final LayerNorm';
      return undefined;
    case 'llama': {
      if (isTrue('attention_bias')) return 'attention_bias adds biases to q/k/v/o';
      if (isTrue('mlp_bias')) return 'mlp_bias adds biases to the MLP';
      return headDimMismatch();
    }
    case 'qwen2':
      // Qwen2's q/k/v biases are fixed in its modelling code (qkvBias); a sliding window changes
      // only which keys a long sequence attends to, not a parameter or a shape.
      return headDimMismatch();
    case 'gpt_neox': {
      if (isFalse('use_parallel_residual')) return 'use_parallel_residual false runs attention and MLP one after the other';
      if (isFalse('attention_bias')) return 'attention_bias false removes the query_key_value and dense biases';
      // GPTNeoXConfig's rotary_pct (newer transformers also write it as partial_rotary_factor).
      for (const key of ['rotary_pct', 'partial_rotary_factor']) {
        const pct = c[key];
        if (pct !== undefined && pct !== NEOX_ROTARY_PCT) return `${key} ${String(pct)} rotates another share of each head than 0.25`;
      }
      return undefined;
    }
    default:
      return undefined;
  }
}

/** Read a Hugging Face config back into an arch (the inverse of toHfConfig, and real hub configs).
 *  Throws on a config whose parameter count our families would get wrong (see `unsupported`). */
export function archFromHfConfig(c: HfConfig): Arch {
  const reason = unsupported(c);
  if (reason) throw new Error(`unsupported ${String(c.model_type)} config: ${reason}, which LM Frontier does not model`);
  const layers = (n: number, nHead: number, dInner: number, nKvHead?: number) =>
    Array.from({ length: n }, () => (nKvHead === undefined ? { nHead, dInner } : { nHead, nKvHead, dInner }));
  switch (c.model_type) {
    case 'gpt2': {
      const d = int(c, 'n_embd');
      return {
        family: 'gpt2',
        vocabSize: int(c, 'vocab_size'),
        contextLength: int(c, 'n_positions'),
        dModel: d,
        tieEmbeddings: true,
        // n_inner null means 4 x n_embd in transformers' GPT2MLP.
        layers: layers(int(c, 'n_layer'), int(c, 'n_head'), int(c, 'n_inner', 4 * d)),
      };
    }
    case 'opt': {
      const d = int(c, 'hidden_size');
      const arch: Arch = {
        family: 'opt',
        vocabSize: int(c, 'vocab_size'),
        contextLength: int(c, 'max_position_embeddings'),
        dModel: d,
        tieEmbeddings: true,
        layers: layers(int(c, 'num_hidden_layers'), int(c, 'num_attention_heads'), int(c, 'ffn_dim')),
      };
      const e = int(c, 'word_embed_proj_dim', d);
      if (e !== d) arch.embedDim = e;
      if (c.do_layer_norm_before === false) arch.normPosition = 'post';
      return arch;
    }
    case 'llama': {
      const nHead = int(c, 'num_attention_heads');
      return {
        family: 'llama',
        vocabSize: int(c, 'vocab_size'),
        contextLength: int(c, 'max_position_embeddings'),
        dModel: int(c, 'hidden_size'),
        // LlamaConfig's default is tie_word_embeddings=False.
        tieEmbeddings: c.tie_word_embeddings === true,
        layers: layers(int(c, 'num_hidden_layers'), nHead, int(c, 'intermediate_size'), int(c, 'num_key_value_heads', nHead)),
      };
    }
    case 'qwen2': {
      const nHead = int(c, 'num_attention_heads');
      return {
        family: 'llama',
        vocabSize: int(c, 'vocab_size'),
        contextLength: int(c, 'max_position_embeddings'),
        dModel: int(c, 'hidden_size'),
        // Qwen2Config's default is tie_word_embeddings=False (Qwen2.5-0.5B sets true).
        tieEmbeddings: c.tie_word_embeddings === true,
        layers: layers(int(c, 'num_hidden_layers'), nHead, int(c, 'intermediate_size'), int(c, 'num_key_value_heads', nHead)),
        qkvBias: true,
      };
    }
    case 'gpt_neox':
      return {
        family: 'neox',
        vocabSize: int(c, 'vocab_size'),
        contextLength: int(c, 'max_position_embeddings'),
        dModel: int(c, 'hidden_size'),
        // GPTNeoXConfig's default is tie_word_embeddings=False (Pythia's embed_out is its own).
        tieEmbeddings: c.tie_word_embeddings === true,
        layers: layers(int(c, 'num_hidden_layers'), int(c, 'num_attention_heads'), int(c, 'intermediate_size')),
      };
    default:
      throw new Error(`unsupported model_type ${JSON.stringify(c.model_type)} (gpt2, opt, llama, qwen2 or gpt_neox)`);
  }
}
