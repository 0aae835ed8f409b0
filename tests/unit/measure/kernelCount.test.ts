// Core's analytic latency charges a per-kernel overhead for as many kernels as our builder runs
// in a decode step: its counts (core/latency.ts) must stay equal to the builder's, which
// tf.profile counts here on the cpu backend (the op graph is the same on every backend).
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { homogeneous, type Arch } from '../../../src/core/arch';
import { kernelsOutsideLayers, kernelsPerLayer } from '../../../src/core/latency';
import { buildDecoder } from '../../../src/measure/model';
import { TINY_CASES, tokensFor, useCpu } from './fixtures';

beforeAll(useCpu);

async function decodeKernels(arch: Arch): Promise<number> {
  const model = buildDecoder(arch, { capacity: 6 });
  try {
    model.prefill(tokensFor(arch, 5)).dispose();
    // Counted before the next call: tf.profile reuses its result object.
    const info = await tf.profile(async () => {
      const out = model.decode(1, 5);
      await out.data();
      out.dispose();
    });
    // tfjs records fused matmul twice (the op and its kernel): count kernels only.
    return info.kernels.filter((k) => !k.name.endsWith('__op')).length;
  } finally {
    model.dispose();
  }
}

describe('kernels in a decode step', () => {
  it.each(TINY_CASES)('%s: core counts what the builder runs', async (_name, arch) => {
    const expected = arch.layers.reduce((n, layer) => n + kernelsPerLayer(arch, layer), kernelsOutsideLayers(arch));
    expect(await decodeKernels(arch)).toBe(expected);
  });

  it('a layer more is kernelsPerLayer more (gpt2, opt post-LN, llama GQA and MHA, Qwen2 biases, neox)', async () => {
    const base = { vocabSize: 40, contextLength: 16, dModel: 32, tieEmbeddings: true } as const;
    for (const arch of [
      homogeneous({ ...base, family: 'gpt2' }, 1, { nHead: 4, dInner: 64 }),
      homogeneous({ ...base, family: 'opt', normPosition: 'post' }, 1, { nHead: 2, dInner: 48 }),
      homogeneous({ ...base, family: 'llama', tieEmbeddings: false }, 1, { nHead: 4, nKvHead: 2, dInner: 64 }),
      homogeneous({ ...base, family: 'llama' }, 1, { nHead: 4, dInner: 64 }),
      homogeneous({ ...base, family: 'llama', qkvBias: true }, 1, { nHead: 4, nKvHead: 2, dInner: 64 }),
      homogeneous({ ...base, family: 'neox', tieEmbeddings: false }, 1, { nHead: 2, dInner: 64 }),
      homogeneous({ ...base, family: 'neox' }, 1, { nHead: 4, dInner: 64 }),
    ]) {
      const deeper = { ...arch, layers: [...arch.layers, ...arch.layers] };
      expect((await decodeKernels(deeper)) - (await decodeKernels(arch))).toBe(kernelsPerLayer(arch));
      expect(await decodeKernels(arch)).toBe(kernelsPerLayer(arch) + kernelsOutsideLayers(arch));
    }
  });

  it("Qwen2's q/k/v biases ride in the fused matmuls: no kernel more than plain llama", async () => {
    const arch = homogeneous({ family: 'llama', vocabSize: 40, contextLength: 16, dModel: 32, tieEmbeddings: true }, 2, {
      nHead: 4,
      nKvHead: 2,
      dInner: 64,
    });
    expect(await decodeKernels({ ...arch, qkvBias: true })).toBe(await decodeKernels(arch));
  });
});
