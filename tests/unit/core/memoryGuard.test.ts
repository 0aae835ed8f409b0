// The memory guard refuses models that do not fit, before anything is allocated.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { BACKEND_MEMORY_LIMITS, assertFits, checkMemory, formatBytes } from '../../../src/core/memoryGuard';
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
    expect(() => assertFits(tinyllama, { backend: 'webgl' })).toThrow(/needs 4\.\d GB .*limit 1 GB on webgl/);
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

  it('formats bytes in decimal units', () => {
    expect(formatBytes(512e6)).toBe('512 MB');
    expect(formatBytes(1.23e9)).toBe('1.2 GB');
    expect(formatBytes(2e9)).toBe('2 GB');
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(45_600)).toBe('46 kB');
  });
});
