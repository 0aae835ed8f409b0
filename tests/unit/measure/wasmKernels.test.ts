// The wasm backend's replacement Slice kernel (src/measure/wasmKernels.ts) against the cpu
// backend's, and the builder's wasm path (per-head attention, which slices) against cpu.
import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../src/measure/backends';
import { buildDecoder } from '../../../src/measure/model';
import { TINY, maxAbsDiff, tokensFor, useCpu } from './fixtures';

beforeAll(async () => {
  tf.enableProdMode();
  await selectBackend('wasm'); // loads tfjs-backend-wasm, which installs the kernel
});
afterAll(useCpu);

/** Runs `f` on a backend and returns its result's values and shape. */
async function on(backend: 'cpu' | 'wasm', f: () => tf.Tensor): Promise<{ values: number[]; shape: number[] }> {
  await selectBackend(backend);
  const t = f();
  try {
    return { values: Array.from(await t.data()), shape: t.shape };
  } finally {
    t.dispose();
  }
}

describe('wasm Slice kernel', () => {
  it('is the replacement, not tfjs-backend-wasm 4.22 original', () => {
    const kernel = tf.getKernel('Slice', 'wasm');
    expect(kernel?.kernelFunc.toString()).toMatch(/copySlice/);
  });

  it('equals the cpu slice for any shape, begin, size and dtype (contiguous or strided)', async () => {
    const shapeAndBox = fc
      .array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 5 })
      .chain((shape) =>
        fc.tuple(
          fc.constant(shape),
          fc.tuple(
            ...shape.map((n) => fc.integer({ min: 0, max: n }).chain((b) => fc.tuple(fc.constant(b), fc.integer({ min: 0, max: n - b })))),
          ),
          fc.constantFrom<'float32' | 'int32' | 'bool'>('float32', 'int32', 'bool'),
        ),
      );
    await fc.assert(
      fc.asyncProperty(shapeAndBox, async ([shape, box, dtype]) => {
        const size = shape.reduce((a, b) => a * b, 1);
        const values = Array.from({ length: size }, (_, i) => (dtype === 'bool' ? (i % 3 === 0 ? 1 : 0) : i * 7 - 11));
        const begin = box.map(([b]) => b);
        const extent = box.map(([, n]) => n);
        const run = () => tf.slice(tf.tensor(values, shape, dtype), begin, extent);
        const cpu = await on('cpu', () => tf.tidy(run));
        const wasm = await on('wasm', () => tf.tidy(run));
        expect(wasm).toEqual(cpu);
      }),
      { numRuns: 150 },
    );
  });

  it('takes -1 sizes (to the end) as tf.slice does', async () => {
    const run = () => tf.tidy(() => tf.slice(tf.range(0, 24).reshape([2, 3, 4]), [1, 1, 0], [-1, -1, 2]));
    expect(await on('wasm', run)).toEqual(await on('cpu', run));
  });
});

describe('the builder on wasm', () => {
  // neox: Erf and the slice past the rotary dims; Qwen2: the q/k/v biases in wasm's fused matmul.
  it.each(['llama-gqa-tied', 'neox-untied', 'qwen2-gqa-tied'])(
    '%s: prefill (per-head attention) and decode give the cpu logits',
    async (name) => {
      const arch = TINY[name];
      const tokens = tokensFor(arch, 8);
      const logits = async (backend: 'cpu' | 'wasm') => {
        await selectBackend(backend);
        const m = buildDecoder(arch, { capacity: 10, seed: 9 });
        try {
          const p = m.prefill(tokens);
          const prefill = (await p.data()) as Float32Array;
          p.dispose();
          const d = m.decode(tokens[0], 8);
          const decode = (await d.data()) as Float32Array;
          d.dispose();
          return { prefill, decode };
        } finally {
          m.dispose();
        }
      };
      const cpu = await logits('cpu');
      const wasm = await logits('wasm');
      expect(maxAbsDiff(wasm.prefill, cpu.prefill)).toBeLessThan(1e-4);
      expect(maxAbsDiff(wasm.decode, cpu.decode)).toBeLessThan(1e-4);
    },
  );
});
