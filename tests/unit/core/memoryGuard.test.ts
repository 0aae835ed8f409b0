// The memory guard refuses models that do not fit, before anything is allocated.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { BACKEND_MEMORY_LIMITS, GPU_INTERMEDIATES, GPU_MARGIN, assertFits, checkMemory, formatBytes } from '../../../src/core/memoryGuard';
import { homogeneous, type Arch } from '../../../src/core/arch';
import { measureArch } from '../../../src/measure/timing';
import { memory } from '../../../src/core/memory';
import { findPreset } from '../../../src/core/presets';
import { TINY, useCpu } from '../measure/fixtures';

beforeAll(useCpu);

const tinyllama = findPreset('tinyllama-1.1b')!.arch; // 4.4 GB of fp32 weights

describe('memory guard', () => {
  it('refuses an oversized model with "needs X, limit Y on backend"', () => {
    const check = checkMemory(tinyllama, { backend: 'cpu', tokens: 128, capacity: 129 });
    expect(check.ok).toBe(false);
    expect(check.limitBytes).toBe(BACKEND_MEMORY_LIMITS.cpu);
    expect(check.message).toMatch(/^22L d2048 h32\/kv4 ffn5632 needs 4\.4 GB \(weights 4\.4 GB \+ .*\), limit 2 GB on cpu$/);
    expect(() => assertFits(tinyllama, { backend: 'webgl' })).toThrow(/needs \d+(\.\d)? GB \(weights 4\.4 GB \+ .*\), limit 1 GB on webgl/);
  });

  it('counts the packed weight copy wasm keeps', () => {
    const arch = TINY.gpt2;
    const plain = checkMemory(arch, { backend: 'cpu', tokens: 16, capacity: 17 });
    const wasm = checkMemory(arch, { backend: 'wasm', tokens: 16, capacity: 17 });
    expect(wasm.neededBytes - plain.neededBytes).toBe(memory(arch).weights.fp32);
    expect(checkMemory(tinyllama, { backend: 'wasm' }).message).toMatch(
      /needs 8\.\d GB \(weights 4\.4 GB x2 \(packed copy\) .*limit 3\.5 GB on wasm$/,
    );
  });

  it('needs = fp32 weights + KV cache at the build capacity + activations (core/memory)', () => {
    const arch = TINY.gpt2;
    const check = checkMemory(arch, { backend: 'cpu', tokens: 16, capacity: 17 });
    expect(check.ok).toBe(true);
    expect(check.neededBytes).toBe(memory(arch, { kvTokens: 17, prefillTokens: 16 }).total);
    // A longer cache needs more.
    expect(checkMemory(arch, { backend: 'cpu', tokens: 16, capacity: 40 }).neededBytes).toBeGreaterThan(check.neededBytes);
  });

  it('takes the tightest of backend limit, user cap and device memory', () => {
    const gpt2 = findPreset('gpt2')!.arch; // about 0.5 GB, twice that on wasm
    expect(checkMemory(gpt2, { backend: 'wasm' }).ok).toBe(true);
    const capped = checkMemory(gpt2, { backend: 'wasm', maxBytes: 512e6 });
    expect(capped.ok).toBe(false);
    expect(capped.message).toMatch(/limit 512 MB on the user cap on wasm$/);
    const phone = checkMemory(gpt2, { backend: 'webgl', deviceMemoryGB: 1 });
    expect(phone.limitBytes).toBe(0.5e9);
    expect(phone.message).toMatch(/limit 500 MB on webgl \(half of this device's 1 GB\)/);
  });

  it('measureArch refuses before allocating a single tensor', async () => {
    const before = tf.memory().numTensors;
    await expect(measureArch(TINY.gpt2, { tokens: 16, runs: 1, maxBytes: 1000 })).rejects.toThrow(
      /needs .* limit 1 kB on the user cap on cpu/,
    );
    expect(tf.memory().numTensors).toBe(before);
  });

  it('on webgl and webgpu adds what tfjs allocates beyond weights, KV cache and activations; cpu and wasm get nothing', () => {
    // gpt2, vocabulary 64, width 16, context 32, two layers of FFN 64: every shape by hand.
    const arch: Arch = homogeneous({ family: 'gpt2', vocabSize: 64, contextLength: 32, dModel: 16, tieEmbeddings: true }, 2, {
      nHead: 2,
      dInner: 64,
    });
    const options = { tokens: 8, capacity: 9 };
    const m = memory(arch, { kvTokens: 9, prefillTokens: 8 });
    const kvAndActivations = m.kvCache + m.activations;
    for (const backend of ['cpu', 'wasm'] as const) expect(checkMemory(arch, { backend, ...options }).gpuOverheadBytes).toBe(0);
    const table = 4 * 16 * 64;
    // One staging texture per distinct shape: the token table [16, 64] (apart from ffn.up's
    // [16, 64]), positions [32, 16], [16] (norms and biases), [16, 16] (q, k, v, out), ffn.up
    // [16, 64], its bias [64], ffn.down [64, 16]: the second layer adds none.
    const distinct = 4 * (16 * 64 + 32 * 16 + 16 + 16 * 16 + 16 * 64 + 64 + 64 * 16);
    const webgl = checkMemory(arch, { backend: 'webgl', ...options });
    const webgpu = checkMemory(arch, { backend: 'webgpu', ...options });
    expect(webgl.neededBytes).toBe(
      Math.round(GPU_MARGIN * (m.total + 4 * distinct + table + (GPU_INTERMEDIATES.webgl - 1) * kvAndActivations)),
    );
    expect(webgpu.neededBytes).toBe(Math.round(GPU_MARGIN * (m.total + table + (GPU_INTERMEDIATES.webgpu - 1) * kvAndActivations)));
    expect(webgl.gpuOverheadBytes).toBe(webgl.neededBytes - m.total);
    expect(webgl.message).toMatch(
      /\+ webgl overhead .* \(upload staging, token table copy, pooled intermediates\)\), within 1 GB on webgl$/,
    );
    expect(webgpu.message).toMatch(/\+ webgpu overhead .* \(token table copy, pooled intermediates\)\), within 2 GB on webgpu$/);
  });

  it('refuses on webgl a 229 M-parameter GPT-2 that fit the old estimate (issue 14: tfjs reported 1,088 MB against 1 GB)', () => {
    const big = homogeneous({ family: 'gpt2', vocabSize: 50257, contextLength: 1024, dModel: 1024, tieEmbeddings: true }, 14, {
      nHead: 16,
      dInner: 4096,
    });
    const options = { tokens: 128, capacity: 129 };
    expect(checkMemory(big, { backend: 'cpu', ...options }).neededBytes).toBeLessThan(BACKEND_MEMORY_LIMITS.webgl);
    const webgl = checkMemory(big, { backend: 'webgl', ...options });
    expect(webgl.ok).toBe(false);
    expect(webgl.message).toMatch(/^14L d1024 h16 ffn4096 needs \d\.\d GB \(weights 915 MB \+ .*webgl overhead .*\), limit 1 GB on webgl$/);
  });

  it('formats bytes in decimal units', () => {
    expect(formatBytes(512e6)).toBe('512 MB');
    expect(formatBytes(1.23e9)).toBe('1.2 GB');
    expect(formatBytes(2e9)).toBe('2 GB');
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(45_600)).toBe('46 kB');
  });
});
