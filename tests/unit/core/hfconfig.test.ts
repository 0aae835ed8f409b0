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
    // The defaults spelled out are fine.
    expect(() => archFromHfConfig({ ...llama, attention_bias: false, mlp_bias: false })).not.toThrow();
    expect(() => archFromHfConfig({ ...opt, enable_bias: true, _remove_final_layer_norm: false })).not.toThrow();
  });

  it('rejects unknown model types and non-integer fields', () => {
    expect(() => archFromHfConfig({ model_type: 'bert' })).toThrow(/bert/);
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
