// The builder's forward passes agree with each other and own their tensors.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildDecoder, type DecoderModel } from '../../../src/measure/model';
import { TINY, TINY_CASES, maxAbsDiff, tokensFor, useCpu } from './fixtures';
import { referenceLogits } from './hfForward';

beforeAll(useCpu);

const TOL = 1e-4;

async function rows(t: tf.Tensor2D): Promise<Float32Array[]> {
  const [T, V] = t.shape;
  const flat = (await t.data()) as Float32Array;
  return Array.from({ length: T }, (_, i) => flat.slice(i * V, (i + 1) * V));
}

async function take(t: tf.Tensor): Promise<Float32Array> {
  const v = (await t.data()) as Float32Array;
  t.dispose();
  return v;
}

/** Prefill `split` tokens, decode the rest one by one; max |diff| against the full recompute. */
async function cachedVsFull(model: DecoderModel, tokens: Int32Array, split: number): Promise<number> {
  const full = model.forwardFull(tokens);
  const expected = await rows(full);
  full.dispose();
  let worst = maxAbsDiff(await take(model.prefill(tokens.slice(0, split))), expected[split - 1]);
  for (let p = split; p < tokens.length; p++) {
    worst = Math.max(worst, maxAbsDiff(await take(model.decode(tokens[p], p)), expected[p]));
  }
  return worst;
}

describe('the families follow Hugging Face', () => {
  it.each(TINY_CASES)('%s: forwardFull equals a naive float64 reference forward', async (_name, arch) => {
    const model = buildDecoder(arch, { capacity: 7, seed: 5 });
    try {
      const tokens = tokensFor(arch, 7);
      const full = model.forwardFull(tokens);
      const got = await rows(full);
      full.dispose();
      const expected = referenceLogits(model, tokens);
      const worst = Math.max(...got.map((row, t) => maxAbsDiff(row, expected[t])));
      expect(worst).toBeLessThan(TOL);
    } finally {
      model.dispose();
    }
  });
});

describe('decode with the KV cache equals the full recompute', () => {
  it.each(TINY_CASES)('%s', async (_name, arch) => {
    const tokens = tokensFor(arch, 12);
    // Capacity above the sequence length, so unused cache slots must be masked out.
    const model = buildDecoder(arch, { capacity: 16, seed: 7 });
    try {
      // The comparison is only meaningful if the logits vary across the vocabulary and are finite.
      const last = await take(model.forwardFull(tokens, 11));
      expect(last.every(Number.isFinite)).toBe(true);
      expect(Math.max(...last) - Math.min(...last)).toBeGreaterThan(1e-2);

      expect(await cachedVsFull(model, tokens, 4)).toBeLessThan(TOL);
      expect(await cachedVsFull(model, tokens, 1)).toBeLessThan(TOL); // decode from position 1
      // A new prefill replaces the cache: stale keys from the previous sequence must not leak in.
      const other = tokensFor({ ...arch, vocabSize: arch.vocabSize - 3 }, 10).map((t) => t + 1);
      expect(await cachedVsFull(model, other, 3)).toBeLessThan(TOL);
    } finally {
      model.dispose();
    }
  });

  it('also when the sequence fills the cache exactly (no padding path)', async () => {
    for (const arch of [TINY.gpt2, TINY['llama-gqa-tied']]) {
      const model = buildDecoder(arch, { capacity: 9 });
      try {
        expect(await cachedVsFull(model, tokensFor(arch, 9), 5)).toBeLessThan(TOL);
        expect(await cachedVsFull(model, tokensFor(arch, 9), 9)).toBeLessThan(TOL); // prefill == capacity
      } finally {
        model.dispose();
      }
    }
  });

  it('the scatter-free (mask) cache write gives the same logits as the default scatter', async () => {
    for (const arch of [TINY['opt-pre'], TINY['llama-mqa-untied']]) {
      const model = buildDecoder(arch, { capacity: 12, cacheWrite: 'mask' });
      try {
        expect(await cachedVsFull(model, tokensFor(arch, 10), 3)).toBeLessThan(TOL);
      } finally {
        model.dispose();
      }
    }
  });

  it.each(TINY_CASES)('%s: per-head attention (wasm default) gives the batched logits and the same decode', async (_name, arch) => {
    const tokens = tokensFor(arch, 9);
    const batched = buildDecoder(arch, { capacity: 12, seed: 3, attention: 'batched' });
    const perHead = buildDecoder(arch, { capacity: 12, seed: 3, attention: 'per-head' });
    const all = async (m: DecoderModel) => {
      const t = m.forwardFull(tokens);
      try {
        return await rows(t);
      } finally {
        t.dispose();
      }
    };
    try {
      const a = await all(batched);
      const b = await all(perHead);
      expect(Math.max(...a.map((row, t) => maxAbsDiff(row, b[t])))).toBeLessThan(TOL);
      expect(Math.max(...a[0].map(Math.abs))).toBeGreaterThan(0); // not trivially equal
      expect(await cachedVsFull(perHead, tokens, 5)).toBeLessThan(TOL); // its prefill fills the cache right
    } finally {
      batched.dispose();
      perHead.dispose();
    }
  });

  it('forwardFull at one position equals that row of the full logits', async () => {
    const arch = TINY['opt-post-embedDim'];
    const model = buildDecoder(arch, { capacity: 8 });
    try {
      const tokens = tokensFor(arch, 8);
      const full = model.forwardFull(tokens);
      expect(full.shape).toEqual([8, arch.vocabSize]);
      const expected = await rows(full);
      full.dispose();
      const row = model.forwardFull(tokens, 5);
      expect(row.shape).toEqual([arch.vocabSize]);
      expect(maxAbsDiff(await take(row), expected[5])).toBeLessThan(1e-6);
    } finally {
      model.dispose();
    }
  });

  it('the same seed gives the same logits and another seed different ones', async () => {
    const arch = TINY.gpt2;
    const tokens = tokensFor(arch, 5);
    const logits = async (seed: number) => {
      const m = buildDecoder(arch, { capacity: 8, seed });
      try {
        return await take(m.prefill(tokens));
      } finally {
        m.dispose();
      }
    };
    const a = await logits(3);
    expect(maxAbsDiff(a, await logits(3))).toBe(0);
    expect(maxAbsDiff(a, await logits(4))).toBeGreaterThan(1e-3);
  });
});

describe('tensor ownership', () => {
  it.each(TINY_CASES)('%s: numTensors returns to its baseline after every step and after dispose', async (_name, arch) => {
    const baseline = tf.memory().numTensors;
    const model = buildDecoder(arch, { capacity: 10 });
    const built = tf.memory().numTensors;
    // Weights, one K and one V per layer, and (llama) cos/sin per head dimension.
    expect(built - baseline).toBeGreaterThanOrEqual(model.describeWeights().length + 2 * arch.layers.length);
    const tokens = tokensFor(arch, 6);

    const logits = model.prefill(tokens);
    expect(logits.shape).toEqual([arch.vocabSize]);
    expect(tf.memory().numTensors).toBe(built + 1); // only the returned logits
    logits.dispose();
    expect(tf.memory().numTensors).toBe(built);

    for (let p = 6; p < 9; p++) {
      model.decode(tokens[p % 6], p).dispose();
      expect(tf.memory().numTensors).toBe(built);
    }
    model.forwardFull(tokens).dispose();
    model.forwardFull(tokens, 2).dispose();
    expect(tf.memory().numTensors).toBe(built);

    // Rejected calls allocate nothing.
    expect(() => model.prefill(Int32Array.of(arch.vocabSize))).toThrow(/outside the vocabulary/);
    expect(() => model.decode(1, 10)).toThrow(/outside the KV cache/);
    expect(tf.memory().numTensors).toBe(built);

    model.dispose();
    expect(tf.memory().numTensors).toBe(baseline);
    model.dispose(); // idempotent
    expect(tf.memory().numTensors).toBe(baseline);
    expect(() => model.prefill(tokens)).toThrow(/disposed/);
  });
});

describe('input checks', () => {
  it('rejects decode beyond the cached prefix, oversized prefill and bad capacities', () => {
    const arch = TINY.gpt2;
    const baseline = tf.memory().numTensors;
    const model = buildDecoder(arch, { capacity: 8 });
    try {
      model.prefill(tokensFor(arch, 3)).dispose();
      expect(() => model.decode(1, 5)).toThrow(/only 3 positions are cached/);
      expect(() => model.prefill(tokensFor(arch, 9))).toThrow(/capacity 8/);
    } finally {
      model.dispose();
    }
    expect(() => buildDecoder(arch, { capacity: arch.contextLength + 1 })).toThrow(/capacity/);
    expect(() => buildDecoder({ ...arch, layers: [{ nHead: 5, dInner: 64 }] })).toThrow(/does not divide dModel/);
    expect(() => buildDecoder({ ...TINY['llama-gqa-tied'], dModel: 36, layers: [{ nHead: 4, dInner: 64 }] })).toThrow(
      /even head dimension/,
    );
    // neox rotates int(headDim / 4) dims: 3 of a 12-dim head cannot be split into two halves.
    expect(() => buildDecoder({ ...TINY['neox-tied'], dModel: 48, layers: [{ nHead: 4, dInner: 64 }] })).toThrow(
      /even int\(headDim \/ 4\) of at least 2, got 3 \(head dimension 12\)/,
    );
    expect(tf.memory().numTensors).toBe(baseline);
  });
});

describe('build progress', () => {
  it('onWeight reports each weight tensor as it is made, i of n, ending at every weight', () => {
    const calls: [number, number][] = [];
    const model = buildDecoder(TINY.gpt2, { capacity: 8, onWeight: (i, n) => calls.push([i, n]) });
    try {
      const n = model.describeWeights().length;
      expect(calls).toEqual(Array.from({ length: n }, (_, i) => [i + 1, n]));
    } finally {
      model.dispose();
    }
  });
});
