// The latency benchmark's page: exposes src/measure (and src/ort, for bench/runtimes.ts) to the Node
// driver (bench/latency.ts), which calls it through page.evaluate. Runs on the main thread: the
// bench measures tfjs and ONNX Runtime Web, not the app.
import * as tf from '@tensorflow/tfjs';
import type { Arch } from '../../src/core/arch';
import { configureWasmThreads, selectBackend } from '../../src/measure/backends';
import { deviceInfo } from '../../src/measure/device';
import { measureDeviceProfile, type ProfileOptions } from '../../src/measure/profile';
import { measureArch, type MeasureOptions } from '../../src/measure/timing';
import { measureRounds, type RoundsOptions } from '../../src/measure/rounds';
import { configureAppWasmPaths } from '../../src/measure/wasmAssets';
import { measureDrift, type DriftOptions } from './drift';
import { gemmTimes, type GemmOptions } from './gemm';
import type { BackendName } from '../../src/core/backendNames';
import { ortDeviceInfo, selectOrtBackend } from '../../src/ort/runtime';
import { measureRoundsOrt, type OrtRoundsOptions } from '../../src/ort/timing';
import { configureAppOrtWasmPaths } from '../../src/ort/wasmAssets';

configureAppWasmPaths();
configureAppOrtWasmPaths();
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
  selectOrtBackend: (name: BackendName) => selectOrtBackend(name),
  ortDeviceInfo: () => ortDeviceInfo(),
  measureRoundsOrt: (archs: Arch[], options: Omit<OrtRoundsOptions, 'onSlice' | 'signal'>) => measureRoundsOrt(archs, options),
  gemm: (options: GemmOptions) => gemmTimes(options),
};

(globalThis as unknown as { lmBench: typeof api }).lmBench = api;
document.getElementById('status')!.textContent = 'ready';
