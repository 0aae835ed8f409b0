// The built model has exactly core's (= Hugging Face's) parameter count.
import { beforeAll, describe, expect, it } from 'vitest';
import { buildDecoder } from '../../../src/measure/model';
import { positionRowOffset, specParamCount, weightSpecs } from '../../../src/core/weights';
import { countParams, positionTableRows } from '../../../src/core/params';
import { PRESETS } from '../../../src/core/presets';
import { TINY, TINY_CASES, useCpu } from './fixtures';

beforeAll(useCpu);

/** Weights core counts as embedding (tables, untied head, OPT projections); the rest is decoder. */
const isEmbedding = (name: string) => name.startsWith('embed.') || name === 'head';

describe('built parameter count', () => {
  it.each(TINY_CASES)('%s: the allocated tensors sum to countParams().total', (_name, arch) => {
    const model = buildDecoder(arch, { capacity: 4 });
    try {
      expect(model.paramCount()).toBe(countParams(arch).total);
      // The builder allocates exactly the spec list that the preset check below sums.
      expect(model.describeWeights()).toEqual(weightSpecs(arch).map(({ name, shape }) => ({ name, shape })));
    } finally {
      model.dispose();
    }
  });

  it.each(PRESETS.map((p) => [p.name, p] as const))(
    "%s: the builder's weight list matches core and Hugging Face without allocating",
    (_name, preset) => {
      const specs = weightSpecs(preset.arch);
      const counts = countParams(preset.arch);
      expect(specParamCount(specs)).toBe(counts.total);
      expect(specParamCount(specs)).toBe(preset.hfParams);
      expect(specParamCount(specs.filter((s) => !isEmbedding(s.name)))).toBe(counts.decoder);
      expect(new Set(specs.map((s) => s.name)).size).toBe(specs.length); // no name collisions
    },
  );
});

describe('learned positions', () => {
  it('OPT reads its table from row 2 (HF offset) and every position fits; GPT-2 from row 0', () => {
    for (const arch of [TINY.gpt2, TINY['opt-pre']]) {
      const table = weightSpecs(arch).find((s) => s.name === 'embed.positions');
      expect(table?.shape[0]).toBe(positionTableRows(arch));
      // The last position the model can run reads the table's last row.
      expect(positionRowOffset(arch) + arch.contextLength).toBe(table?.shape[0]);
    }
    expect(positionRowOffset(TINY['opt-pre'])).toBe(2);
    expect(weightSpecs(TINY['llama-gqa-tied']).some((s) => s.name === 'embed.positions')).toBe(false); // rotary
    expect(weightSpecs(TINY['neox-untied']).some((s) => s.name === 'embed.positions')).toBe(false); // rotary
  });
});

describe('biases and heads', () => {
  const names = (arch: (typeof TINY)[string]) => new Set(weightSpecs(arch).map((s) => s.name));

  it('Qwen2: q/k/v biases sized like their projections, none on the output projection or the MLP', () => {
    const arch = TINY['qwen2-gqa-tied'];
    const specs = weightSpecs(arch);
    const shape = (name: string) => specs.find((s) => s.name === name)?.shape;
    for (let i = 0; i < arch.layers.length; i++) {
      for (const part of ['q', 'k', 'v'])
        expect(shape(`layers.${i}.attn.${part}.bias`)).toEqual([shape(`layers.${i}.attn.${part}.weight`)![1]]);
      for (const part of ['attn.out.bias', 'ffn.up.bias', 'ffn.gate.bias', 'ffn.down.bias', 'norm1.bias']) {
        expect(names(arch).has(`layers.${i}.${part}`)).toBe(false);
      }
    }
    expect([...names(TINY['llama-gqa-tied'])].some((n) => n.endsWith('.bias'))).toBe(false);
  });

  it('neox: biases and LayerNorm biases everywhere, embed_out only when untied', () => {
    const untied = names(TINY['neox-untied']);
    for (const part of [
      'attn.q.bias',
      'attn.k.bias',
      'attn.v.bias',
      'attn.out.bias',
      'ffn.up.bias',
      'ffn.down.bias',
      'norm1.bias',
      'norm2.bias',
    ]) {
      expect(untied.has(`layers.1.${part}`)).toBe(true);
    }
    expect(untied.has('final_norm.bias')).toBe(true);
    expect(untied.has('head')).toBe(true);
    expect(names(TINY['neox-tied']).has('head')).toBe(false);
  });
});
