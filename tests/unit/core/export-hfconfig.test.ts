// Hugging Face config.json export: every core preset round-trips (config -> arch -> same arch,
// same parameter count as Hugging Face), with the field names transformers reads.
import { describe, expect, it } from 'vitest';
import { homogeneous } from '../../../src/core/arch';
import { archFromHfConfig, HETEROGENEOUS_REASON, toHfConfig, type HfConfig } from '../../../src/core/hfconfig';
import { countParams } from '../../../src/core/params';
import { findPreset, PRESETS } from '../../../src/core/presets';

const config = (name: string): HfConfig => {
  const r = toHfConfig(findPreset(name)!.arch);
  if (!r.ok) throw new Error(r.reason);
  return r.config;
};

describe('Hugging Face config.json', () => {
  it.each(PRESETS.map((p) => [p.name, p] as const))('%s round-trips and keeps its parameter count', (_, preset) => {
    const r = toHfConfig(preset.arch);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    // JSON as it would be saved and read back.
    const back = archFromHfConfig(JSON.parse(JSON.stringify(r.config)));
    expect(back).toEqual(preset.arch);
    expect(countParams(back).total).toBe(preset.hfParams);
  });

  it('gpt2 -> GPT2Config with n_embd 768, n_layer 12, n_head 12', () => {
    expect(config('gpt2')).toMatchObject({
      model_type: 'gpt2',
      architectures: ['GPT2LMHeadModel'],
      n_embd: 768,
      n_layer: 12,
      n_head: 12,
      n_inner: 3072,
      n_positions: 1024,
      vocab_size: 50257,
      tie_word_embeddings: true,
    });
  });

  it('opt-125m and opt-350m -> OPTConfig (word_embed_proj_dim, do_layer_norm_before)', () => {
    expect(config('opt-125m')).toMatchObject({
      model_type: 'opt',
      architectures: ['OPTForCausalLM'],
      hidden_size: 768,
      num_hidden_layers: 12,
      num_attention_heads: 12,
      ffn_dim: 3072,
      max_position_embeddings: 2048,
      word_embed_proj_dim: 768,
      do_layer_norm_before: true,
      vocab_size: 50272,
    });
    expect(config('opt-350m')).toMatchObject({ hidden_size: 1024, word_embed_proj_dim: 512, do_layer_norm_before: false });
  });

  it('llama presets -> LlamaConfig with GQA and explicit tie_word_embeddings', () => {
    expect(config('tinyllama-1.1b')).toMatchObject({
      model_type: 'llama',
      architectures: ['LlamaForCausalLM'],
      hidden_size: 2048,
      intermediate_size: 5632,
      num_hidden_layers: 22,
      num_attention_heads: 32,
      num_key_value_heads: 4,
      max_position_embeddings: 2048,
      tie_word_embeddings: false,
      vocab_size: 32000,
      rms_norm_eps: 1e-5,
      hidden_act: 'silu',
    });
    expect(config('smollm-135m')).toMatchObject({ num_key_value_heads: 3, tie_word_embeddings: true, hidden_size: 576 });
  });

  it('qwen2.5-0.5b -> Qwen2Config (the q/k/v biases are what makes it qwen2, not llama)', () => {
    expect(config('qwen2.5-0.5b')).toMatchObject({
      model_type: 'qwen2',
      architectures: ['Qwen2ForCausalLM'],
      hidden_size: 896,
      intermediate_size: 4864,
      num_hidden_layers: 24,
      num_attention_heads: 14,
      num_key_value_heads: 2,
      max_position_embeddings: 32768,
      vocab_size: 151936,
      tie_word_embeddings: true,
      rms_norm_eps: 1e-6,
      rope_theta: 1000000,
      use_sliding_window: false,
      hidden_act: 'silu',
    });
    const { qkvBias: _omit, ...llama } = findPreset('qwen2.5-0.5b')!.arch;
    void _omit;
    const r = toHfConfig(llama);
    expect(r.ok && r.config.model_type).toBe('llama');
  });

  it('pythia presets -> GPTNeoXConfig (parallel residual, rotary_pct 0.25, untied embed_out)', () => {
    expect(config('pythia-70m')).toMatchObject({
      model_type: 'gpt_neox',
      architectures: ['GPTNeoXForCausalLM'],
      hidden_size: 512,
      intermediate_size: 2048,
      num_hidden_layers: 6,
      num_attention_heads: 8,
      max_position_embeddings: 2048,
      vocab_size: 50304,
      rotary_pct: 0.25,
      rotary_emb_base: 10000,
      use_parallel_residual: true,
      attention_bias: true,
      hidden_act: 'gelu',
      layer_norm_eps: 1e-5,
      tie_word_embeddings: false,
      bos_token_id: 0,
      eos_token_id: 0,
    });
    expect(config('pythia-160m')).toMatchObject({ hidden_size: 768, num_hidden_layers: 12, num_attention_heads: 12 });
  });

  it('reads hub configs that leave defaults out (n_inner null, no num_key_value_heads)', () => {
    const gpt2 = archFromHfConfig({
      model_type: 'gpt2',
      vocab_size: 50257,
      n_positions: 1024,
      n_embd: 768,
      n_layer: 12,
      n_head: 12,
      n_inner: null,
    });
    expect(gpt2.layers[0].dInner).toBe(3072);
    const llama = archFromHfConfig({
      model_type: 'llama',
      vocab_size: 32000,
      max_position_embeddings: 4096,
      hidden_size: 4096,
      intermediate_size: 11008,
      num_hidden_layers: 32,
      num_attention_heads: 32,
    });
    expect(llama.layers[0].nKvHead).toBe(32);
    expect(llama.tieEmbeddings).toBe(false);
    // GPTNeoXConfig and Qwen2Config default to an untied head; Qwen2 to plain multi-head attention.
    const neox = archFromHfConfig({
      model_type: 'gpt_neox',
      vocab_size: 50432,
      max_position_embeddings: 2048,
      hidden_size: 1024,
      intermediate_size: 4096,
      num_hidden_layers: 4,
      num_attention_heads: 16,
    });
    expect(neox.tieEmbeddings).toBe(false);
    const qwen = archFromHfConfig({
      model_type: 'qwen2',
      vocab_size: 151936,
      max_position_embeddings: 32768,
      hidden_size: 1024,
      intermediate_size: 2816,
      num_hidden_layers: 2,
      num_attention_heads: 16,
    });
    expect(qwen).toMatchObject({ family: 'llama', qkvBias: true, tieEmbeddings: false });
    expect(qwen.layers[0].nKvHead).toBe(16);
    expect(() => archFromHfConfig({ model_type: 'bert' })).toThrow(/unsupported model_type "bert"/);
  });

  it('refuses a heterogeneous arch with the reason instead of homogenising it', () => {
    const arch = homogeneous({ family: 'gpt2', vocabSize: 50257, contextLength: 1024, dModel: 256, tieEmbeddings: true }, 3, {
      nHead: 4,
      dInner: 512,
    });
    arch.layers[1] = { nHead: 8, dInner: 1024 };
    const r = toHfConfig(arch);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toBe(`${HETEROGENEOUS_REASON} (3L d256 h4-8 ffn512-1024)`);
  });
});
