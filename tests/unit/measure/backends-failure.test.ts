// A backend that registers but fails to initialise: tf.setBackend resolves to false, which
// tfjs does not report by itself. Own file: it leaves the wasm backend unusable in this worker.
import * as tf from '@tensorflow/tfjs';
import { expect, it } from 'vitest';
import { configureWasmPaths, selectBackend } from '../../../src/measure/backends';

it('a failed initialisation throws instead of running on another backend', async () => {
  tf.enableProdMode();
  configureWasmPaths('/nonexistent-lm-frontier-wasm-dir/'); // the .wasm files are not there
  await expect(selectBackend('wasm')).rejects.toThrow(
    'the wasm backend failed to initialise on this device (tf.setBackend returned false); pick another backend',
  );
  expect(() => configureWasmPaths('/again/')).toThrow(/before the wasm backend is first selected/);
  // Another backend can still be chosen explicitly afterwards.
  expect(await selectBackend('cpu')).toBe('cpu');
});
