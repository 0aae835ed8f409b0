// Hugging Face config.json <-> Arch, and the packed (typed-array) snapshot format.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { archKey, homogeneous } from '../../../src/core/arch';
import { archFromHfConfig, toHfConfig } from '../../../src/core/hfconfig';
import {
  layerRanges,
  nLayers,
  packedBuffers,
  packedMetric,
  packSnapshot,
  rebuildCandidate,
  unpackArch,
  archBase,
} from '../../../src/core/packed';
import { countParams } from '../../../src/core/params';
import { PRESETS } from '../../../src/core/presets';
import { DEFAULT_SEARCH, searchToEnd } from '../../../src/core/search';
import { spacePreset } from '../../../src/core/space';
import { archArb } from './_helpers';

// The relevant fields of the hub's config.json files, transcribed from the hub.
const HUB_CONFIGS: [string, Record<string, unknown>, number][] = [
  [
    'gpt2',
    { model_type: 'gpt2', vocab_size: 50257, n_positions: 1024, n_ctx: 1024, n_embd: 768, n_layer: 12, n_head: 12, n_inner: null },
    124_439_808,
  ],
  [
    'facebook/opt-350m',
    {
      model_type: 'opt',
      vocab_size: 50272,
      max_position_embeddings: 2048,
      hidden_size: 1024,
      word_embed_proj_dim: 512,
      num_hidden_layers: 24,
      num_attention_heads: 16,
      ffn_dim: 4096,
      do_layer_norm_before: false,
    },
    331_196_416,
  ],
  [
    'TinyLlama-1.1B',
    {
      model_type: 'llama',
      vocab_size: 32000,
      max_position_embeddings: 2048,
      hidden_size: 2048,
      intermediate_size: 5632,
      num_hidden_layers: 22,
      num_attention_heads: 32,
      num_key_value_heads: 4,
      tie_word_embeddings: false,
    },
    1_100_048_384,
  ],
  [
    'SmolLM-135M',
    {
      model_type: 'llama',
      vocab_size: 49152,
      max_position_embeddings: 2048,
      hidden_size: 576,
      intermediate_size: 1536,
      num_hidden_layers: 30,
      num_attention_heads: 9,
      num_key_value_heads: 3,
      tie_word_embeddings: true,
    },
    134_515_008,
  ],
  [
    // EleutherAI/pythia-70m config.json, every field.
    'pythia-70m',
    {
      architectures: ['GPTNeoXForCausalLM'],
      bos_token_id: 0,
      eos_token_id: 0,
      hidden_act: 'gelu',
      hidden_size: 512,
      initializer_range: 0.02,
      intermediate_size: 2048,
      layer_norm_eps: 1e-5,
      max_position_embeddings: 2048,
      model_type: 'gpt_neox',
      num_attention_heads: 8,
      num_hidden_layers: 6,
      rotary_emb_base: 10000,
      rotary_pct: 0.25,
      tie_word_embeddings: false,
      torch_dtype: 'float16',
      transformers_version: '4.24.0',
      use_cache: true,
      use_parallel_residual: true,
      vocab_size: 50304,
    },
    70_426_624,
  ],
  [
    'pythia-160m',
    {
      model_type: 'gpt_neox',
      hidden_size: 768,
      intermediate_size: 3072,
      max_position_embeddings: 2048,
      num_attention_heads: 12,
      num_hidden_layers: 12,
      rotary_pct: 0.25,
      tie_word_embeddings: false,
      use_parallel_residual: true,
      vocab_size: 50304,
    },
    162_322_944,
  ],
  [
    // Qwen/Qwen2.5-0.5B config.json, every field.
    'Qwen2.5-0.5B',
    {
      architectures: ['Qwen2ForCausalLM'],
      attention_dropout: 0.0,
      bos_token_id: 151643,
      eos_token_id: 151643,
      hidden_act: 'silu',
      hidden_size: 896,
      initializer_range: 0.02,
      intermediate_size: 4864,
      max_position_embeddings: 32768,
      max_window_layers: 24,
      model_type: 'qwen2',
      num_attention_heads: 14,
      num_hidden_layers: 24,
      num_key_value_heads: 2,
      rms_norm_eps: 1e-6,
      rope_theta: 1000000.0,
      sliding_window: 32768,
      tie_word_embeddings: true,
      torch_dtype: 'bfloat16',
      transformers_version: '4.40.1',
      use_cache: true,
      use_mrope: false,
      use_sliding_window: false,
      vocab_size: 151936,
    },
    494_032_768,
  ],
];

describe('hfconfig', () => {
  for (const [name, config, published] of HUB_CONFIGS) {
    it(`${name}: hub config -> arch counts Hugging Face's published parameters`, () => {
      expect(countParams(archFromHfConfig(config)).total).toBe(published);
    });
  }

  for (const p of PRESETS) {
    it(`${p.name}: toHfConfig round-trips`, () => {
      const r = toHfConfig(p.arch);
      expect(r.ok).toBe(true);
      if (r.ok) expect(archFromHfConfig(r.config)).toEqual(p.arch);
    });
  }

  it('homogeneous random archs round-trip to the same key', () => {
    fc.assert(
      fc.property(archArb({ maxLayers: 1 }), fc.integer({ min: 1, max: 5 }), (a, n) => {
        const arch = { ...a, layers: Array.from({ length: n }, () => ({ ...a.layers[0] })) };
        const r = toHfConfig(arch);
        expect(r.ok).toBe(true);
        if (r.ok) {
          const back = archFromHfConfig(JSON.parse(JSON.stringify(r.config)));
          expect(archKey(back)).toBe(archKey(arch));
          expect(countParams(back)).toEqual(countParams(arch));
        }
      }),
    );
  });

  it('a heterogeneous arch gets a reason, not a homogenised config', () => {
    const a = homogeneous({ family: 'gpt2', vocabSize: 100, contextLength: 64, dModel: 64, tieEmbeddings: true }, 3, {
      nHead: 4,
      dInner: 256,
    });
    a.layers[1] = { nHead: 2, dInner: 256 };
    const r = toHfConfig(a);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(/per-layer/);
  });

  it('refuses settings that change the parameter count and that the families do not model', () => {
    const llama = HUB_CONFIGS.find(([, c]) => c.model_type === 'llama')![1];
    const opt = HUB_CONFIGS.find(([, c]) => c.model_type === 'opt')![1];
    const gpt2 = HUB_CONFIGS.find(([, c]) => c.model_type === 'gpt2')![1];
    expect(() => archFromHfConfig({ ...llama, attention_bias: true })).toThrow(/unsupported llama config: attention_bias/);
    expect(() => archFromHfConfig({ ...llama, mlp_bias: true })).toThrow(/mlp_bias/);
    expect(() =>
      archFromHfConfig({ ...llama, head_dim: (2 * (llama.hidden_size as number)) / (llama.num_attention_heads as number) }),
    ).toThrow(/head_dim \d+ x \d+ heads differs from hidden_size/);
    expect(() => archFromHfConfig({ ...opt, enable_bias: false })).toThrow(/enable_bias/);
    expect(() => archFromHfConfig({ ...opt, layer_norm_elementwise_affine: false })).toThrow(/elementwise_affine/);
    expect(() => archFromHfConfig({ ...opt, _remove_final_layer_norm: true })).toThrow(/final LayerNorm/);
    expect(() => archFromHfConfig({ ...gpt2, add_cross_attention: true })).toThrow(/cross-attention/);
    const neox = HUB_CONFIGS.find(([, c]) => c.model_type === 'gpt_neox')![1];
    const qwen2 = HUB_CONFIGS.find(([, c]) => c.model_type === 'qwen2')![1];
    expect(() => archFromHfConfig({ ...neox, use_parallel_residual: false })).toThrow(
      /unsupported gpt_neox config: use_parallel_residual false/,
    );
    expect(() => archFromHfConfig({ ...neox, attention_bias: false })).toThrow(/attention_bias false/);
    expect(() => archFromHfConfig({ ...neox, rotary_pct: 1 })).toThrow(/rotary_pct 1 /);
    expect(() => archFromHfConfig({ ...neox, partial_rotary_factor: 0.5 })).toThrow(/partial_rotary_factor 0.5/);
    expect(() => archFromHfConfig({ ...qwen2, head_dim: 128 })).toThrow(/unsupported qwen2 config: head_dim 128 x 14 heads/);
    expect(() => archFromHfConfig({ ...neox, attention_bias: true, partial_rotary_factor: 0.25 })).not.toThrow();
    expect(() => archFromHfConfig({ ...qwen2, head_dim: 64 })).not.toThrow();
    // The defaults spelled out are fine.
    expect(() => archFromHfConfig({ ...llama, attention_bias: false, mlp_bias: false })).not.toThrow();
    expect(() => archFromHfConfig({ ...opt, enable_bias: true, _remove_final_layer_norm: false })).not.toThrow();
  });

  it('rejects unknown model types and non-integer fields', () => {
    expect(() => archFromHfConfig({ model_type: 'bert' })).toThrow(/bert/);
    expect(() => archFromHfConfig({ model_type: 'gpt_neox' })).toThrow(/vocab_size/);
    expect(() => archFromHfConfig({ ...HUB_CONFIGS[0][1], n_embd: 'big' })).toThrow(/n_embd/);
  });
});

describe('packed snapshots', () => {
  for (const id of ['lts-gpt2', 'llama'] as const) {
    it(`${id}: every candidate is rebuilt exactly from the packed arrays`, () => {
      const config = { ...DEFAULT_SEARCH, space: spacePreset(id), evaluations: 150, seed: 2 };
      const snap = searchToEnd(config);
      const nObj = config.objectives.length;
      const packed = packSnapshot(snap, nObj);
      expect(packed.evaluated).toBe(snap.evaluated);
      expect(packed.frontier.count).toBe(snap.frontier.length);
      expect(packed.sample.count).toBe(snap.sample.length);
      expect(packedBuffers(packed)).toHaveLength(10);
      snap.sample.forEach((c, i) => {
        const set = packed.sample;
        expect(set.ids[i]).toBe(c.id);
        expect(nLayers(set, i)).toBe(c.arch.layers.length);
        expect(archKey(unpackArch(set, i, archBase(config)))).toBe(c.key);
        expect(packedMetric(set, i, 'paramsTotal')).toBe(c.params.total);
        expect(packedMetric(set, i, 'latencyDecode')).toBe(c.latency.decodeMs);
        expect(packedMetric(set, i, 'violation')).toBe(c.violation);
        expect(Array.from(set.objectives.subarray(i * nObj, (i + 1) * nObj))).toEqual(c.objectives);
        const heads = c.arch.layers.map((l) => l.nHead);
        const inner = c.arch.layers.map((l) => l.dInner);
        expect(layerRanges(set, i)).toEqual({
          headsMin: Math.min(...heads),
          headsMax: Math.max(...heads),
          innerMin: Math.min(...inner),
          innerMax: Math.max(...inner),
        });
      });
      snap.frontier.forEach((c, i) => {
        expect(rebuildCandidate(packed.frontier, i, config)).toEqual(c);
      });
    });
  }
});
