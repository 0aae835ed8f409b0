// Our norm and rotary kernels (src/measure/fusedKernels.ts) against the tfjs op chains they
// replace: on random shapes and values, on cpu and wasm, inside the builder, and never under a
// gradient tape (training keeps the ops, whose gradients tfjs defines).
import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../src/measure/backends';
import { canRunFused, installFusedKernels, NORM_KERNEL, ROTARY_KERNEL } from '../../../src/measure/fusedKernels';
import { buildDecoder } from '../../../src/measure/model';
import { applyRotary, layerNorm, rmsNorm, rotaryTables } from '../../../src/measure/ops';
import { maxAbsDiff, TINY_CASES, tokensFor, useCpu } from './fixtures';

beforeAll(useCpu);
afterEach(async () => {
  installFusedKernels();
  await useCpu();
});
afterAll(useCpu);

/** `f`'s values with our kernels unregistered on cpu: the tfjs op chains. */
function withOps<T>(f: () => T): T {
  for (const k of [NORM_KERNEL, ROTARY_KERNEL]) tf.unregisterKernel(k, 'cpu');
  try {
    return f();
  } finally {
    installFusedKernels();
  }
}

const values = (t: tf.Tensor): Float32Array => {
  const v = t.dataSync() as Float32Array;
  t.dispose();
  return v;
};

const maxAbs = (v: Float32Array): number => v.reduce((m, x) => Math.max(m, Math.abs(x)), 0);

/** Seeded values in [-3, 3] (and the odd large one, as activations have). */
const randomValues = (n: number, seed: number): Float32Array =>
  Float32Array.from({ length: n }, (_, i) => {
    const u = Math.sin(seed * 9301 + i * 49297) * 233280;
    const r = u - Math.floor(u);
    return i % 17 === 3 ? (r - 0.5) * 200 : (r - 0.5) * 6;
  });

describe('norm kernel', () => {
  const shapes = fc.record({ rows: fc.integer({ min: 1, max: 9 }), n: fc.integer({ min: 1, max: 300 }), seed: fc.nat(1000) });

  it('equals the LayerNorm and RMSNorm op chains, one row and many, with and without bias', () => {
    fc.assert(
      fc.property(shapes, ({ rows, n, seed }) => {
        const x = tf.tensor2d(randomValues(rows * n, seed), [rows, n]);
        const w = tf.tensor1d(randomValues(n, seed + 1));
        const b = tf.tensor1d(randomValues(n, seed + 2));
        try {
          expect(canRunFused(NORM_KERNEL)).toBe(true);
          const ln = values(layerNorm(x, w, b));
          const rms = values(rmsNorm(x, w, 1e-6));
          const lnOps = withOps(() => values(layerNorm(x, w, b)));
          const rmsOps = withOps(() => values(rmsNorm(x, w, 1e-6)));
          // float32 rounding in the ops' sums, relative to the largest output
          expect(maxAbsDiff(ln, lnOps) / Math.max(1, maxAbs(lnOps))).toBeLessThan(1e-5);
          expect(maxAbsDiff(rms, rmsOps) / Math.max(1, maxAbs(rmsOps))).toBeLessThan(1e-5);
        } finally {
          tf.dispose([x, w, b]);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('a constant row normalises to the bias (variance 0, eps keeps it finite)', () => {
    const x = tf.fill([2, 8], 5) as tf.Tensor2D;
    const out = values(layerNorm(x, tf.ones([8]), tf.fill([8], 0.25)));
    x.dispose();
    expect([...out].every((v) => v === 0.25)).toBe(true);
  });
});

describe('rotary kernel', () => {
  const shapes = fc.record({
    heads: fc.integer({ min: 1, max: 4 }),
    T: fc.integer({ min: 1, max: 6 }),
    halfDim: fc.integer({ min: 1, max: 12 }),
    partial: fc.boolean(),
    seed: fc.nat(1000),
  });

  it('equals the rotate_half op chain, full (Llama) and on the first quarter (GPT-NeoX)', () => {
    fc.assert(
      fc.property(shapes, ({ heads, T, halfDim, partial, seed }) => {
        const headDim = 2 * halfDim * (partial ? 2 : 1);
        const rotDim = partial ? headDim / 2 : headDim;
        const x = tf.tensor3d(randomValues(heads * T * headDim, seed), [heads, T, headDim]);
        const tables = rotaryTables(T + 3, headDim, rotDim, 10_000);
        const cos = tf.slice(tables.cos, [3, 0], [T, headDim]) as tf.Tensor2D; // positions 3..T+2
        const sin = tf.slice(tables.sin, [3, 0], [T, headDim]) as tf.Tensor2D;
        try {
          const ours = values(applyRotary(x, cos, sin, rotDim));
          const ops = withOps(() => values(applyRotary(x, cos, sin, rotDim)));
          expect(maxAbsDiff(ours, ops)).toBeLessThan(1e-5);
          // the dims past rotDim pass through exactly
          const xs = x.dataSync();
          for (let i = 0; i < xs.length; i++) if (i % headDim >= rotDim) expect(ours[i]).toBe(xs[i]);
        } finally {
          tf.dispose([x, tables.cos, tables.sin, cos, sin]);
        }
      }),
      { numRuns: 60 },
    );
  });
});

describe('where the kernels run', () => {
  it('not under a gradient tape: training differentiates through the ops', () => {
    const x = tf.tensor2d(randomValues(12, 4), [3, 4]);
    const w = tf.tensor1d([1, 2, 3, 4]);
    const b = tf.zeros([4]);
    let inside: boolean | undefined;
    const grad = tf.grad((t: tf.Tensor) => {
      inside = canRunFused(NORM_KERNEL);
      return tf.sum(tf.square(layerNorm(t as tf.Tensor2D, w, b)));
    })(x);
    expect(inside).toBe(false);
    expect(canRunFused(NORM_KERNEL)).toBe(true);
    expect([...grad.dataSync()].every(Number.isFinite)).toBe(true);
    tf.dispose([x, w, b, grad]);
  });

  it('on wasm: the same values as on cpu', async () => {
    const x = randomValues(3 * 40, 7);
    const w = randomValues(40, 8);
    const run = () =>
      tf.tidy(() => {
        const t = tf.tensor2d(x, [3, 40]);
        const rot = rotaryTables(3, 40, 20, 10_000);
        return tf.concat([
          layerNorm(t, tf.tensor1d(w), tf.tensor1d(w)),
          rmsNorm(t, tf.tensor1d(w), 1e-6),
          tf.reshape(applyRotary(tf.reshape(t, [1, 3, 40]), rot.cos, rot.sin, 20), [3, 40]),
        ]);
      });
    const cpu = values(run());
    await selectBackend('wasm');
    expect(canRunFused(NORM_KERNEL) && canRunFused(ROTARY_KERNEL)).toBe(true);
    const wasm = values(run());
    expect(maxAbsDiff(wasm, cpu)).toBeLessThan(1e-6);
  });

  it.each(TINY_CASES)('%s: the builder gives the same logits with our kernels and with the ops', (_name, arch) => {
    const tokens = tokensFor(arch, 7);
    const logits = () => {
      const model = buildDecoder(arch, { capacity: 8, seed: 3 });
      try {
        const prefill = values(model.prefill(tokens));
        const decode = values(model.decode(5, 7));
        return [prefill, decode];
      } finally {
        model.dispose();
      }
    };
    const [prefill, decode] = logits();
    const [prefillOps, decodeOps] = withOps(logits);
    expect(maxAbsDiff(prefill, prefillOps)).toBeLessThan(1e-5);
    expect(maxAbsDiff(decode, decodeOps)).toBeLessThan(1e-5);
  });
});
