import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { activationBytes, DTYPE_BYTES, DTYPES, kvCacheBytes, memory } from '../../../src/core/memory';
import { findPreset } from '../../../src/core/presets';
import { archArb, handParams } from './_helpers';

const gpt2 = findPreset('gpt2')!.arch;
const tiny = findPreset('tinyllama-1.1b')!.arch;

describe('memory', () => {
  it('dtype sizes are fp32 4, fp16 2, int8 1 bytes', () => {
    expect(DTYPE_BYTES).toEqual({ fp32: 4, fp16: 2, int8: 1 });
    expect([...DTYPES].sort()).toEqual(['fp16', 'fp32', 'int8']);
  });

  it('gpt2 KV cache at 1024 tokens = 2 x 12 x 768 x 1024 x 4 bytes', () => {
    expect(kvCacheBytes(gpt2, 1024)).toBe(2 * 12 * 768 * 1024 * 4);
    expect(kvCacheBytes(gpt2, 1024, 'fp16')).toBe(2 * 12 * 768 * 1024 * 2);
    expect(kvCacheBytes(gpt2, 1024, 'int8')).toBe(2 * 12 * 768 * 1024);
    // default kvTokens is the context length
    expect(memory(gpt2).kvCache).toBe(2 * 12 * 768 * 1024 * 4);
  });

  it('GQA KV cache scales with nKvHead', () => {
    // TinyLlama: 22 layers, 4 KV heads of 64 dims
    expect(kvCacheBytes(tiny, 2048)).toBe(2 * 22 * 4 * 64 * 2048 * 4);
    for (const kv of [1, 2, 8, 16, 32]) {
      const a = { ...tiny, layers: tiny.layers.map((l) => ({ ...l, nKvHead: kv })) };
      expect(kvCacheBytes(a, 100)).toBe((kvCacheBytes(tiny, 100) * kv) / 4);
    }
  });

  it('weights at each dtype = total params x bytes', () => {
    fc.assert(
      fc.property(archArb(), (arch) => {
        const m = memory(arch);
        const n = handParams(arch).total;
        expect(m.weights).toEqual({ fp32: 4 * n, fp16: 2 * n, int8: n });
      }),
      { numRuns: 100 },
    );
  });

  it('total = weights[dtype] + kv + activations, options respected', () => {
    fc.assert(
      fc.property(
        archArb(),
        fc.constantFrom(...DTYPES),
        fc.constantFrom(...DTYPES),
        fc.integer({ min: 1, max: 64 }),
        fc.integer({ min: 1, max: 64 }),
        (arch, wd, kd, kvTokens, prefillTokens) => {
          const m = memory(arch, { weightDtype: wd, kvDtype: kd, kvTokens, prefillTokens });
          expect(m.weightDtype).toBe(wd);
          expect(m.kvCache).toBe(kvCacheBytes(arch, kvTokens, kd));
          expect(m.activations).toBe(activationBytes(arch, prefillTokens));
          expect(m.total).toBe(m.weights[wd] + m.kvCache + m.activations);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('gpt2 activation peak, from the stated convention by hand (FFN-, tie- and attention-bound lengths)', () => {
    const d = 768;
    const h = 12;
    for (const T of [4, 16, 128, 512]) {
      const attention = T * 3 * d + 2 * h * T * T + T * d; // q,k,v + scores and probs + context
      const ffn = 2 * T * 3072; // hidden before and after GELU
      const live = 2 * T * d; // residual + normed input
      expect(activationBytes(gpt2, T)).toBe(4 * (live + Math.max(attention, ffn, 50257)));
    }
    // at T = 512 the T^2 score matrices dominate: 2 x 12 x 512^2 floats
    expect(activationBytes(gpt2, 512)).toBe(4 * (2 * 512 * d + 512 * 4 * d + 2 * 12 * 512 * 512));
    // at T = 4 the logits row (50257 floats) is the peak
    expect(activationBytes(gpt2, 4)).toBe(4 * (2 * 4 * d + 50257));
  });

  it('activations of random archs follow the stated convention (largest layer, SwiGLU 3 hiddens)', () => {
    fc.assert(
      fc.property(archArb(), fc.integer({ min: 1, max: 64 }), (arch, T) => {
        const d = arch.dModel;
        const peaks = arch.layers.map((l) => {
          const kv = arch.family === 'llama' ? (d / l.nHead) * (l.nKvHead ?? l.nHead) : d;
          const attention = T * d + 2 * T * kv + 2 * l.nHead * T * T + T * d;
          const ffn = (arch.family === 'llama' ? 3 : 2) * T * l.dInner;
          return Math.max(attention, ffn);
        });
        expect(activationBytes(arch, T)).toBe(4 * (2 * T * d + Math.max(...peaks, arch.vocabSize)));
      }),
    );
  });

  it('activations grow with the prefill length', () => {
    fc.assert(
      fc.property(archArb(), fc.integer({ min: 1, max: 200 }), (arch, T) => {
        expect(activationBytes(arch, T + 1)).toBeGreaterThanOrEqual(activationBytes(arch, T));
      }),
    );
  });
});
