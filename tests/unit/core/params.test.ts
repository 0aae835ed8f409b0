import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { homogeneous, type Arch } from '../../../src/core/arch';
import { countParams, decoderParams, attentionParams } from '../../../src/core/params';
import { findPreset, PRESETS } from '../../../src/core/presets';
import { referenceArch } from '../../../src/core/referenceModels';
import { archArb, handParams, loadLtsGpt2 } from './_helpers';

// Hugging Face's published `num_parameters()` for each hub model, transcribed independently of
// src/core/presets.ts (model cards / `AutoModelForCausalLM.from_pretrained(id).num_parameters()`).
const HF_PUBLISHED: Record<string, number> = {
  gpt2: 124_439_808,
  'gpt2-medium': 354_823_168,
  'facebook/opt-125m': 125_239_296,
  'facebook/opt-350m': 331_196_416,
  'TinyLlama/TinyLlama-1.1B-intermediate-step-1431k-3T': 1_100_048_384,
  'HuggingFaceTB/SmolLM-135M': 134_515_008,
  'Qwen/Qwen2.5-0.5B': 494_032_768,
  'EleutherAI/pythia-70m': 70_426_624,
  'EleutherAI/pythia-160m': 162_322_944,
};

const sumBreakdown = (b: ReturnType<typeof countParams>['breakdown']) =>
  b.tokenEmbedding + b.positionEmbedding + b.outputHead + b.embeddingProjection + b.attention + b.ffn + b.norms;

const preset = (name: string): Arch => {
  const p = findPreset(name);
  if (!p) throw new Error(`no preset ${name}`);
  return p.arch;
};

describe('countParams on the Hugging Face presets', () => {
  it('covers every hub model we have a published count for', () => {
    expect(PRESETS.map((p) => p.hfId).sort()).toEqual(Object.keys(HF_PUBLISHED).sort());
  });

  for (const p of PRESETS) {
    it(`${p.name}: total equals Hugging Face's num_parameters`, () => {
      expect(p.hfParams).toBe(HF_PUBLISHED[p.hfId]);
      const c = countParams(p.arch);
      expect(c.total).toBe(HF_PUBLISHED[p.hfId]);
      expect(c.total).toBe(handParams(p.arch).total);
    });

    it(`${p.name}: breakdown sums to total, embedding + decoder = total, decoderParams agrees`, () => {
      const c = countParams(p.arch);
      expect(sumBreakdown(c.breakdown)).toBe(c.total);
      expect(c.embedding + c.decoder).toBe(c.total);
      expect(c.decoder).toBe(c.breakdown.attention + c.breakdown.ffn + c.breakdown.norms);
      expect(decoderParams(p.arch)).toBe(c.decoder);
    });
  }

  it('gpt2: embedding/decoder split derived by hand', () => {
    const d = 768;
    const f = 3072;
    const L = 12;
    // per block: c_attn + c_proj (4d^2 + 4d), MLP (2 d f + f + d), two LayerNorms (4d); final LN 2d
    const decoder = L * (4 * d * d + 4 * d + (2 * d * f + f + d) + 4 * d) + 2 * d;
    expect(decoder).toBe(85_056_000);
    const embedding = 50257 * d + 1024 * d; // wte + wpe
    const c = countParams(preset('gpt2'));
    expect(c.decoder).toBe(decoder);
    expect(c.embedding).toBe(embedding);
    expect(c.breakdown.positionEmbedding).toBe(1024 * d);
    expect(c.breakdown.outputHead).toBe(0);
    expect(c.breakdown.embeddingProjection).toBe(0);
    expect(c.breakdown.norms).toBe(L * 4 * d + 2 * d);
  });

  it('opt-125m: position table has the 2-row offset', () => {
    const c = countParams(preset('opt-125m'));
    expect(c.breakdown.positionEmbedding).toBe((2048 + 2) * 768);
    expect(c.breakdown.tokenEmbedding).toBe(50272 * 768);
  });

  it('opt-350m: word-embedding projection 2*512*1024, token table at 512, no final LayerNorm', () => {
    const c = countParams(preset('opt-350m'));
    const d = 1024;
    expect(c.breakdown.embeddingProjection).toBe(2 * 512 * 1024);
    expect(c.breakdown.tokenEmbedding).toBe(50272 * 512);
    expect(c.breakdown.positionEmbedding).toBe(2050 * d);
    // 24 blocks x two LayerNorms (weight + bias) and nothing after the last block
    expect(c.breakdown.norms).toBe(24 * 4 * d);
    const pre = countParams({ ...preset('opt-350m'), normPosition: 'pre' });
    expect(pre.decoder - c.decoder).toBe(2 * d);
  });

  it('llama untied adds a vocab x d output head; tied does not', () => {
    const tiny = preset('tinyllama-1.1b');
    expect(tiny.tieEmbeddings).toBe(false);
    const untied = countParams(tiny);
    const tied = countParams({ ...tiny, tieEmbeddings: true });
    expect(untied.breakdown.outputHead).toBe(32000 * 2048);
    expect(tied.breakdown.outputHead).toBe(0);
    expect(untied.total - tied.total).toBe(32000 * 2048);
    expect(untied.decoder).toBe(tied.decoder);
    expect(untied.breakdown.positionEmbedding).toBe(0); // rotary
  });

  it('GQA reduces attention params: 2d^2 + 2 d (d/h) kv per layer', () => {
    const d = 2048;
    const h = 32;
    for (const kv of [1, 2, 4, 8, 16, 32]) {
      const arch = homogeneous({ family: 'llama', vocabSize: 32000, contextLength: 2048, dModel: d, tieEmbeddings: false }, 22, {
        nHead: h,
        nKvHead: kv,
        dInner: 5632,
      });
      const expected = 22 * (2 * d * d + 2 * d * (d / h) * kv);
      expect(countParams(arch).breakdown.attention).toBe(expected);
      expect(attentionParams(arch, arch.layers[0])).toBe(expected / 22);
    }
    // TinyLlama (kv 4 of 32 heads): q,o 2048^2 each, k,v 2048x256 each
    expect(countParams(preset('tinyllama-1.1b')).breakdown.attention).toBe(22 * (2 * 2048 * 2048 + 2 * 2048 * 256));
  });

  it('pythia-70m and pythia-160m: 12d^2 + 13d per layer, final LayerNorm, embed_in and an untied embed_out', () => {
    for (const [name, d, L] of [
      ['pythia-70m', 512, 6],
      ['pythia-160m', 768, 12],
    ] as const) {
      // per layer: query_key_value 3d^2+3d, dense d^2+d, MLP 4d x d twice + 4d + d, two LayerNorms 4d
      const perLayer = 3 * d * d + 3 * d + d * d + d + 8 * d * d + 5 * d + 4 * d;
      expect(perLayer).toBe(12 * d * d + 13 * d);
      const c = countParams(preset(name));
      expect(c.decoder).toBe(L * perLayer + 2 * d);
      expect(c.breakdown.tokenEmbedding).toBe(50304 * d);
      expect(c.breakdown.outputHead).toBe(50304 * d); // embed_out, no bias
      expect(c.breakdown.positionEmbedding).toBe(0); // rotary
      expect(c.total).toBe(L * perLayer + 2 * d + 2 * 50304 * d);
      expect(countParams({ ...preset(name), tieEmbeddings: true }).total).toBe(c.total - 50304 * d);
    }
  });

  it('qwen2.5-0.5b: q/k/v biases (d + 2 x 128 per layer) on GQA llama, tied head', () => {
    const d = 896;
    const kv = 2 * 64;
    const arch = preset('qwen2.5-0.5b');
    const c = countParams(arch);
    expect(c.breakdown.attention).toBe(24 * (d * d + d + 2 * (d * kv + kv) + d * d));
    expect(c.breakdown.ffn).toBe(24 * 3 * d * 4864);
    expect(c.breakdown.norms).toBe(24 * 2 * d + d);
    expect(c.breakdown.outputHead).toBe(0);
    const { qkvBias: _omit, ...plain } = arch;
    void _omit;
    expect(c.total - countParams(plain).total).toBe(24 * (d + 2 * kv));
  });

  it('random archs of every family: equals an independent module-by-module count', () => {
    fc.assert(
      fc.property(archArb(), (arch) => {
        const c = countParams(arch);
        const h = handParams(arch);
        expect(c.total).toBe(h.total);
        expect(c.decoder).toBe(h.decoder);
        expect(c.embedding).toBe(h.embedding);
        expect(c.breakdown.attention).toBe(h.attention);
        expect(c.breakdown.ffn).toBe(h.ffn);
        expect(c.breakdown.norms).toBe(h.norms);
        expect(sumBreakdown(c.breakdown)).toBe(c.total);
        expect(decoderParams(arch)).toBe(c.decoder);
      }),
      { numRuns: 300 },
    );
  });
});

describe("archai's breakdown of LTS's 200 GPT-2 models", () => {
  const ref = loadLtsGpt2();

  it('holds 200 models', () => {
    expect(ref.models).toHaveLength(200);
  });

  it('decoder === nonembedding, attention === Attn, ffn === FFN for every model', () => {
    const mismatches: string[] = [];
    for (const m of ref.models) {
      const c = countParams(referenceArch(m));
      if (c.decoder !== m.params.nonembedding) mismatches.push(`${m.id} decoder ${c.decoder} != ${m.params.nonembedding}`);
      if (c.breakdown.attention !== m.params.Attn) mismatches.push(`${m.id} attention ${c.breakdown.attention} != ${m.params.Attn}`);
      if (c.breakdown.ffn !== m.params.FFN) mismatches.push(`${m.id} ffn ${c.breakdown.ffn} != ${m.params.FFN}`);
      // and what is left is archai's LayerNorm count: 2 per block + the final one, weight + bias
      if (c.breakdown.norms !== (2 * m.config.n_layer + 1) * 2 * m.config.d_model) mismatches.push(`${m.id} norms`);
    }
    expect(mismatches).toEqual([]);
  });

  it('referenceArch keeps the per-layer heads and inner widths', () => {
    for (const m of ref.models) {
      const a = referenceArch(m);
      expect(a.layers).toHaveLength(m.config.n_layer);
      expect(a.layers.map((l) => l.nHead)).toEqual(m.config.n_head);
      expect(a.layers.map((l) => l.dInner)).toEqual(m.config.d_inner);
      expect(a.dModel).toBe(m.config.d_model);
    }
  });
});
