// Core's analytic latency charges a per-kernel overhead for as many kernels as our builder runs
// in a decode step: its counts (core/latency.ts) must stay equal to the builder's, which
// tf.profile counts here on the cpu backend, for both kernel sets: 'fused' as cpu and wasm run
// (our norm and rotary kernels, src/measure/fusedKernels.ts) and 'ops' as webgl and webgpu run
// (the same steps as tfjs ops; here our kernels are unregistered for the count).
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { homogeneous, type Arch } from '../../../src/core/arch';
import { kernelsOutsideLayers, kernelsPerLayer, type KernelSet } from '../../../src/core/latency';
import { installFusedKernels, NORM_KERNEL, ROTARY_KERNEL } from '../../../src/measure/fusedKernels';
import { buildDecoder } from '../../../src/measure/model';
import { TINY_CASES, tokensFor, useCpu } from './fixtures';

beforeAll(useCpu);

const SETS: readonly KernelSet[] = ['fused', 'ops'];

async function decodeKernels(arch: Arch, set: KernelSet = 'fused'): Promise<number> {
  if (set === 'ops') for (const k of [NORM_KERNEL, ROTARY_KERNEL]) tf.unregisterKernel(k, 'cpu');
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
    installFusedKernels();
  }
}

describe('kernels in a decode step', () => {
  it.each(TINY_CASES)('%s: core counts what the builder runs, with our kernels and without', async (_name, arch) => {
    for (const set of SETS) {
      const expected = arch.layers.reduce((n, layer) => n + kernelsPerLayer(arch, layer, set), kernelsOutsideLayers(arch, set));
      expect(await decodeKernels(arch, set)).toBe(expected);
    }
  });

  it('our kernels are in use on cpu: fewer kernels than the ops, by the norms (and rotary)', async () => {
    for (const [, arch] of TINY_CASES) {
      expect(await decodeKernels(arch, 'fused')).toBeLessThan(await decodeKernels(arch, 'ops'));
    }
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
      for (const set of SETS) {
        expect((await decodeKernels(deeper, set)) - (await decodeKernels(arch, set))).toBe(kernelsPerLayer(arch, undefined, set));
        expect(await decodeKernels(arch, set)).toBe(kernelsPerLayer(arch, undefined, set) + kernelsOutsideLayers(arch, set));
      }
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
