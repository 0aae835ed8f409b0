// Explicit backend selection: the backend asked for runs, or a clear error (never a fallback).
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { configureWasmPaths, configureWasmThreads, selectBackend } from '../../../src/measure/backends';
import { deviceInfo } from '../../../src/measure/device';
import type { BackendName } from '../../../src/core/backendNames';
import { describeDevice } from '../../../src/core/deviceInfo';

describe('selectBackend in Node', () => {
  it.each(['webgpu', 'webgl'] as const)('%s is unavailable and says so', async (name) => {
    await expect(selectBackend(name)).rejects.toThrow(
      `the ${name} backend needs a browser and is not available in Node.js; use wasm or cpu`,
    );
  });

  it('rejects an unknown name', async () => {
    await expect(selectBackend('tpu' as BackendName)).rejects.toThrow(/unknown backend 'tpu'/);
  });

  it('cpu runs and reports itself', async () => {
    expect(await selectBackend('cpu')).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    const info = await deviceInfo();
    expect(info).toMatchObject({ backend: 'cpu', runtime: 'node' });
    expect(describeDevice(info)).toBe('cpu');
  });

  it('wasm runs in Node from the package files, with SIMD/threads reported', async () => {
    expect(await selectBackend('wasm')).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    const x = tf.matMul(tf.ones([4, 4]), tf.ones([4, 4]));
    expect(Array.from(await x.data())).toEqual(new Array(16).fill(4));
    x.dispose();
    const info = await deviceInfo();
    expect(info.backend).toBe('wasm');
    expect(typeof info.wasmSimd).toBe('boolean');
    expect(info.wasmThreads).toBe(false); // tfjs-backend-wasm disables threads under Node
    expect(info.wasmThreadCount).toBe(1);
    expect(describeDevice(info)).toMatch(/^wasm \((no )?SIMD, 1 thread\)$/);
    // Paths can only be set before the wasm backend first starts.
    expect(() => configureWasmPaths('/static/')).toThrow(/before the wasm backend is first selected/);
    expect(() => configureWasmThreads(2)).toThrow(/before the wasm backend is first selected/);
    // Switching back and forth keeps working.
    expect(await selectBackend('cpu')).toBe('cpu');
    expect(await selectBackend('wasm')).toBe('wasm');
  });
});
