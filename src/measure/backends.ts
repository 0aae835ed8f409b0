// Explicit tfjs backend selection: the backend asked for runs, or an Error says why it cannot.
// tfjs itself falls back silently in two ways this module closes:
//   * tf.setBackend(name) resolves to false when the backend's initialisation fails (no WebGL
//     context, no WebGPU adapter, .wasm files not found), and the next op quietly initialises
//     whichever registered backend tfjs ranks best;
//   * a backend whose module found no support never registers (webgpu without navigator.gpu,
//     webgl outside a browser), and tf.setBackend then throws a terse registry error.
// Works in a browser window, a Worker and Node (no DOM types used).
import * as tf from '@tensorflow/tfjs';
import { BACKENDS, isBackendName, type BackendName } from '../core/backendNames';
import { installFusedKernels } from './fusedKernels';
import { installWasmSliceKernel } from './wasmKernels';

/** Where the browser finds tfjs-backend-wasm's .wasm files: a URL prefix ending in '/', or a map
 *  from each of the three file names to its URL (tfjs rejects a map that misses one). */
export type WasmPaths = string | Record<WasmFile, string>;
export type WasmFile = 'tfjs-backend-wasm.wasm' | 'tfjs-backend-wasm-simd.wasm' | 'tfjs-backend-wasm-threaded-simd.wasm';

let pendingWasmPaths: WasmPaths | undefined;
/** Set on the first attempt to start wasm: tfjs-backend-wasm reads paths and threads once, at init. */
let wasmConfigLocked = false;

/**
 * Tells the wasm backend where its .wasm files are served from (Vite code passes `?url` imports).
 * Must be called before the wasm backend is first selected. Not needed in Node: the package's
 * Node build reads the files next to itself from disk.
 */
export function configureWasmPaths(paths: WasmPaths): void {
  if (wasmConfigLocked) throw new Error('configureWasmPaths must be called before the wasm backend is first selected');
  pendingWasmPaths = paths;
}

let pendingWasmThreads: number | undefined;

/**
 * Threads for the wasm backend's XNNPACK pool (threads need a cross-origin isolated page); call
 * before the wasm backend is first selected. tfjs-backend-wasm caps the pool at half the logical
 * cores and at 8 (its backend.cc), which is also its default, so this can only lower the count,
 * e.g. to 1 for measurements comparable across devices.
 */
export function configureWasmThreads(count: number): void {
  if (wasmConfigLocked) throw new Error('configureWasmThreads must be called before the wasm backend is first selected');
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`wasm threads must be an integer >= 1, got ${count}`);
  pendingWasmThreads = count;
}

type WasmModule = typeof import('@tensorflow/tfjs-backend-wasm');
let wasmModule: WasmModule | undefined;

/** The wasm backend's module once loaded (thread count for device info). */
export const loadedWasmModule = (): WasmModule | undefined => wasmModule;

/** Loads the module that registers `name` (dynamic, so a bundle only fetches what it uses). */
async function loadBackendModule(name: BackendName): Promise<void> {
  installFusedKernels(); // our norm and rotary kernels for wasm and cpu (idempotent)
  if (name === 'wasm') {
    wasmModule ??= await import('@tensorflow/tfjs-backend-wasm');
    installWasmSliceKernel();
    if (!wasmConfigLocked) {
      wasmConfigLocked = true;
      if (pendingWasmPaths !== undefined) {
        wasmModule.setWasmPaths(pendingWasmPaths);
      }
      if (pendingWasmThreads !== undefined) wasmModule.setThreadsCount(pendingWasmThreads);
    }
  } else if (name === 'webgpu') {
    await import('@tensorflow/tfjs-backend-webgpu');
  }
  // cpu and webgl come with @tensorflow/tfjs (webgl registers only where WebGL can exist).
}

const isNode = (): boolean => typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node === 'string';

/** Why a backend never registered, in words for the person holding the device. */
function unregisteredReason(name: BackendName): string {
  if (isNode() && (name === 'webgpu' || name === 'webgl')) {
    return `the ${name} backend needs a browser and is not available in Node.js; use wasm or cpu`;
  }
  switch (name) {
    case 'webgpu':
      return 'WebGPU is not available in this browser (navigator.gpu is missing); try webgl or wasm';
    case 'webgl':
      return 'WebGL is not available in this context (no WebGL context or OffscreenCanvas); try wasm or cpu';
    default:
      return `the ${name} backend is not registered in this context`;
  }
}

/** tfjs flags that send small ops to the CPU: off, so a timing measures the backend alone. */
const CPU_FORWARD_FLAGS: Partial<Record<BackendName, string>> = {
  webgl: 'WEBGL_CPU_FORWARD',
  webgpu: 'WEBGPU_CPU_FORWARD',
};

/**
 * Switches tfjs to `name` and returns the backend now running (always `name`). Throws an Error
 * with a user-facing message when the backend is unavailable; never falls back silently.
 */
export async function selectBackend(name: BackendName): Promise<BackendName> {
  if (!isBackendName(name)) throw new Error(`unknown backend '${String(name)}' (use ${BACKENDS.join(', ')})`);
  try {
    await loadBackendModule(name);
  } catch (err) {
    throw new Error(`could not load the ${name} backend module: ${messageOf(err)}`);
  }
  if (!tf.findBackendFactory(name)) throw new Error(unregisteredReason(name));
  const flag = CPU_FORWARD_FLAGS[name];
  if (flag) tf.env().set(flag, false); // registered by the backend's module, loaded above
  let ok: boolean;
  try {
    ok = await tf.setBackend(name);
  } catch (err) {
    throw new Error(`the ${name} backend failed to start: ${messageOf(err)}`);
  }
  if (!ok) {
    // tfjs has now forgotten its previous backend too: the next selectBackend call picks one.
    throw new Error(`the ${name} backend failed to initialise on this device (tf.setBackend returned false); pick another backend`);
  }
  await tf.ready();
  const running = tf.getBackend();
  if (running !== name) throw new Error(`asked for the ${name} backend but tfjs is running '${running}'`);
  watchDeviceLoss(name);
  return name;
}

// A GPU backend can lose its device mid-run (a GPU process reset, a driver update, the tab sent
// to the background on a phone, WEBGL_lose_context). tfjs then throws from somewhere deep or
// returns zeros: the loss is recorded here and timing checks it between runs, so the candidate
// fails with this reason. The worker is dropped after a failed call; the next one starts fresh.
let lost: string | null = null;
// Settles (rejects) when the loss is seen: a run in flight on a lost context may never resolve
// (tfjs waits on a fence of a context that is gone), so timing races each run against it.
let lostSignal: Promise<never> = new Promise<never>(() => undefined);
let signalLoss: (reason: string) => void = () => undefined;

function markLost(reason: string): void {
  lost ??= reason;
  signalLoss(lost);
}

function watchDeviceLoss(name: BackendName): void {
  lost = null;
  lostSignal = new Promise<never>((_, reject) => {
    signalLoss = (reason) => reject(new Error(reason));
  });
  lostSignal.catch(() => undefined); // read by whoever races it; never unhandled
  const backend = tf.backend() as unknown as {
    gpgpu?: { gl?: WebGLRenderingContext | WebGL2RenderingContext };
    device?: { lost?: Promise<{ reason?: string; message?: string }> };
  };
  if (name === 'webgl') {
    const canvas = backend.gpgpu?.gl?.canvas as (HTMLCanvasElement | OffscreenCanvas) | undefined;
    canvas?.addEventListener('webglcontextlost', () =>
      markLost('the WebGL context was lost during measurement (GPU reset or the page was backgrounded); measure again to start a new one'),
    );
  } else if (name === 'webgpu') {
    void backend.device?.lost?.then((info) =>
      markLost(
        `the WebGPU device was lost during measurement (${info.reason ?? 'unknown'}${info.message ? `: ${info.message}` : ''}); measure again to start a new one`,
      ),
    );
  }
}

/** Throws when the selected GPU backend's context or device was lost (see watchDeviceLoss). */
export function assertDeviceAlive(): void {
  const gl = (tf.backend() as unknown as { gpgpu?: { gl?: WebGLRenderingContext } }).gpgpu?.gl;
  if (!lost && gl?.isContextLost?.()) markLost('the WebGL context was lost during measurement; measure again to start a new one');
  if (lost) throw new Error(lost);
}

/**
 * After a loss, the backend tfjs holds is dead (setBackend would hand it back): drop it and make a
 * new one from the same factory (a new WebGL context or WebGPU device). Called before each
 * measurement, so the candidate after a loss runs on a working device.
 */
export async function renewIfLost(): Promise<void> {
  if (lost === null) return;
  const name = tf.getBackend();
  if (!isBackendName(name)) return;
  const factory = tf.findBackendFactory(name);
  if (!factory) return;
  tf.removeBackend(name);
  tf.registerBackend(name, factory);
  await selectBackend(name); // watches the new context and clears `lost`
}

/** `work`, or a rejection with the reason as soon as the GPU context or device is lost. */
export const unlessDeviceLost = <T>(work: Promise<T>): Promise<T> => Promise.race([work, lostSignal]);

const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err)).split('\n')[0];

/** Silences tfjs's "install tfjs-node" banner in Node (prod mode), which would otherwise go to
 *  the console of a command whose output is JSON. */
export function silenceNodeBanner(): void {
  tf.enableProdMode();
}
