import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Arch } from '../../../src/core/arch';
import { decodeStepFlops, forwardFlops, prefillFlops } from '../../../src/core/flops';
import { countParams } from '../../../src/core/params';
import { findPreset } from '../../../src/core/presets';
import { archArb } from './_helpers';

/**
 * Brute force: walk every new position and every layer and count the multiply-adds of each
 * matrix product one by one; FLOPs = 2 x MACs. Causal attention: position p sees keys 0..p.
 * Logits (and OPT's project_out) for the last position only; project_in for every new token.
 */
function bruteFlops(arch: Arch, tokens: number, cached: number): number {
  const d = arch.dModel;
  const e = arch.family === 'opt' && arch.embedDim !== undefined ? arch.embedDim : d;
  let macs = 0;
  for (let pos = cached; pos < cached + tokens; pos++) {
    if (e !== d) macs += e * d; // project_in: e -> d
    for (const layer of arch.layers) {
      const headDim = d / layer.nHead;
      const kvHeads = arch.family === 'llama' ? (layer.nKvHead ?? layer.nHead) : layer.nHead;
      macs += d * d; // q
      macs += d * kvHeads * headDim; // k
      macs += d * kvHeads * headDim; // v
      for (let head = 0; head < layer.nHead; head++) {
        for (let key = 0; key <= pos; key++) {
          macs += headDim; // q . k
          macs += headDim; // p * v
        }
      }
      macs += d * d; // output projection
      const mats = arch.family === 'llama' ? 3 : 2;
      for (let m = 0; m < mats; m++) macs += d * layer.dInner;
    }
  }
  if (e !== d) macs += d * e; // project_out, last position
  macs += arch.vocabSize * e; // logits, last position
  return 2 * macs;
}

const gpt2 = findPreset('gpt2')!.arch;

describe('forwardFlops', () => {
  it('prefill equals a brute-force MAC count (all families, random small archs)', () => {
    fc.assert(
      fc.property(archArb(), fc.integer({ min: 1, max: 12 }), (arch, T) => {
        const f = prefillFlops(arch, T);
        expect(f.total).toBe(bruteFlops(arch, T, 0));
        const b = f.breakdown;
        expect(b.attentionProjections + b.attentionScores + b.ffn + b.head).toBe(f.total);
      }),
      { numRuns: 300 },
    );
  });

  it('decode step equals a brute-force MAC count', () => {
    fc.assert(
      fc.property(archArb(), fc.integer({ min: 0, max: 40 }), (arch, t) => {
        expect(decodeStepFlops(arch, t).total).toBe(bruteFlops(arch, 1, t));
      }),
      { numRuns: 300 },
    );
  });

  it('general forward(tokens, cached) equals brute force', () => {
    fc.assert(
      fc.property(archArb(), fc.integer({ min: 1, max: 8 }), fc.integer({ min: 0, max: 16 }), (arch, T, c) => {
        expect(forwardFlops(arch, T, c).total).toBe(bruteFlops(arch, T, c));
      }),
      { numRuns: 200 },
    );
  });

  it('gpt2 decode step at t: exact hand formula, and about 2 x decoder params + 2 V d + attention', () => {
    const d = 768;
    const f = 3072;
    const L = 12;
    const V = 50257;
    for (const t of [0, 1, 127, 128, 1023]) {
      const attention = L * 2 * 2 * (t + 1) * d; // QK^T and PV over t+1 keys, d MACs per key
      const exact = 2 * L * (4 * d * d + 2 * d * f) + 2 * V * d + attention;
      const got = decodeStepFlops(gpt2, t).total;
      expect(got).toBe(exact);
      const approx = 2 * countParams(gpt2).decoder + 2 * V * d + attention;
      // the gap is twice the biases and norms, well under 0.1%
      expect(Math.abs(got - approx) / got).toBeLessThan(1e-3);
      expect(approx).toBeGreaterThan(got);
    }
  });

  it('gpt2 prefill of 128 tokens: hand formula', () => {
    const d = 768;
    const T = 128;
    const pairs = (T * (T + 1)) / 2;
    const expected = 12 * (2 * T * (4 * d * d + 2 * d * 3072) + 2 * 2 * pairs * d) + 2 * 50257 * d;
    expect(prefillFlops(gpt2, T).total).toBe(expected);
  });

  it('GQA shrinks K/V projections only', () => {
    const base = findPreset('tinyllama-1.1b')!.arch;
    const mha = { ...base, layers: base.layers.map((l) => ({ ...l, nKvHead: l.nHead })) };
    const a = prefillFlops(base, 16).breakdown;
    const b = prefillFlops(mha, 16).breakdown;
    const d = 2048;
    // per layer per token: 2 x d x (kv width difference) x 2 (K and V)
    expect(b.attentionProjections - a.attentionProjections).toBe(22 * 16 * 2 * 2 * d * (2048 - 256));
    expect(a.attentionScores).toBe(b.attentionScores);
    expect(a.ffn).toBe(b.ffn);
  });
});
