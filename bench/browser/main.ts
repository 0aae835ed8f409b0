// The latency benchmark's page: exposes src/bench to the Node driver (bench/latency.ts), which
// calls it through page.evaluate. Runs on the main thread: the bench measures tfjs, not the app.
import * as tf from '@tensorflow/tfjs';
import type { Arch } from '../../src/core/arch';
import { configureWasmThreads, selectBackend, type BackendName } from '../../src/bench/backends';
import { deviceInfo } from '../../src/bench/device';
import { measureDeviceProfile, type ProfileOptions } from '../../src/bench/profile';
import { benchArch, type BenchOptions } from '../../src/bench/timing';
import { benchRounds, type RoundsOptions } from '../../src/bench/rounds';
import { configureAppWasmPaths } from '../../src/bench/wasmAssets';
import { measureDrift, type DriftOptions } from './drift';

configureAppWasmPaths();
const threads = Number(new URLSearchParams(location.search).get('threads'));
if (threads > 0) configureWasmThreads(threads);

const api = {
  selectBackend: (name: BackendName) => selectBackend(name),
  deviceInfo: () => deviceInfo(),
  profile: (options: ProfileOptions = {}) => measureDeviceProfile(options),
  bench: (arch: Arch, options: Omit<BenchOptions, 'onProgress' | 'signal'> = {}) => benchArch(arch, options),
  benchRounds: (archs: Arch[], options: Omit<RoundsOptions, 'onSlice' | 'signal'>) => benchRounds(archs, options),
  numTensors: () => tf.memory().numTensors,
  drift: (arch: Arch, options: DriftOptions) => measureDrift(arch, options),
};

(globalThis as unknown as { lmBench: typeof api }).lmBench = api;
document.getElementById('status')!.textContent = 'ready';
