// The latency benchmark's page: exposes src/measure to the Node driver (bench/latency.ts), which
// calls it through page.evaluate. Runs on the main thread: the bench measures tfjs, not the app.
import * as tf from '@tensorflow/tfjs';
import type { Arch } from '../../src/core/arch';
import { configureWasmThreads, selectBackend } from '../../src/measure/backends';
import { deviceInfo } from '../../src/measure/device';
import { measureDeviceProfile, type ProfileOptions } from '../../src/measure/profile';
import { measureArch, type MeasureOptions } from '../../src/measure/timing';
import { measureRounds, type RoundsOptions } from '../../src/measure/rounds';
import { configureAppWasmPaths } from '../../src/measure/wasmAssets';
import { measureDrift, type DriftOptions } from './drift';
import type { BackendName } from '../../src/core/backendNames';

configureAppWasmPaths();
const threads = Number(new URLSearchParams(location.search).get('threads'));
if (threads > 0) configureWasmThreads(threads);

const api = {
  selectBackend: (name: BackendName) => selectBackend(name),
  deviceInfo: () => deviceInfo(),
  profile: (options: ProfileOptions = {}) => measureDeviceProfile(options),
  measureArch: (arch: Arch, options: Omit<MeasureOptions, 'onProgress' | 'signal'> = {}) => measureArch(arch, options),
  measureRounds: (archs: Arch[], options: Omit<RoundsOptions, 'onSlice' | 'signal'>) => measureRounds(archs, options),
  numTensors: () => tf.memory().numTensors,
  drift: (arch: Arch, options: DriftOptions) => measureDrift(arch, options),
};

(globalThis as unknown as { lmBench: typeof api }).lmBench = api;
document.getElementById('status')!.textContent = 'ready';
