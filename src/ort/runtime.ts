// ONNX Runtime Web as a measuring runtime: which build to load for a backend, where its wasm files
// are, and a backend that starts or says why it cannot (no silent fallback, as src/measure/backends.ts
// for tfjs). onnxruntime-web is imported dynamically, so nothing of it loads until ORT is picked.
//   wasm    onnxruntime-web/wasm: the CPU execution provider in ort-wasm-simd-threaded.{mjs,wasm}
//           (14 MB), the only wasm build 1.30 ships: one thread unless the page is cross-origin
//           isolated (SharedArrayBuffer), then ORT's default pool, min(4, ceil(cores / 2));
//   webgpu  onnxruntime-web/webgpu: the WebGPU execution provider in the asyncify build
//           (ort-wasm-simd-threaded.asyncify.{mjs,wasm}, 27 MB); ops it lacks run on its CPU
//           provider, as ORT partitions any graph.
// Each build is its own module with its own `env`; the browser gets both files from our origin
// (configureOrtWasmPaths, src/ort/wasmAssets.ts), Node reads them next to the module. Sessions are
// created with that one execution provider only: ORT then fails instead of falling back to another.
import type * as OrtModule from 'onnxruntime-web';
import { hostInfo, type DeviceInfo } from '../core/deviceInfo';
import { ORT_BACKENDS, type BackendName } from '../core/backendNames';
import { GraphBuilder } from '../core/onnx/graph';
import { DataType, modelProto } from '../core/onnx/onnxProto';
import { concatBytes } from '../core/onnx/protobuf';

export type Ort = typeof OrtModule;
export type OrtBackend = 'wasm' | 'webgpu';

/** A backend's two files: the Emscripten module (.mjs) and its binary (.wasm). */
export interface OrtWasmFiles {
  mjs: string;
  wasm: string;
}

let wasmPaths: Partial<Record<OrtBackend, OrtWasmFiles>> = {};
let threads: number | undefined;
const modules = new Map<OrtBackend, Ort>();

/** Where the browser finds each build's files (Vite `?url` imports); call before the first
 *  selection. Not needed in Node, which reads them from the package. */
export function configureOrtWasmPaths(paths: Partial<Record<OrtBackend, OrtWasmFiles>>): void {
  wasmPaths = { ...paths };
}

/** Threads for the wasm provider's pool (before the backend is first selected): by default ORT's
 *  own choice in a browser, 1 in Node (as tfjs-backend-wasm's Node build). */
export function configureOrtThreads(count: number): void {
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`ORT threads must be an integer >= 1, got ${count}`);
  threads = count;
}

const isNode = (): boolean => typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node === 'string';
const hasWebGpu = (): boolean => !!(globalThis as { navigator?: { gpu?: unknown } }).navigator?.gpu;
const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err)).split('\n')[0];

export const isOrtBackend = (name: string): name is OrtBackend => (ORT_BACKENDS as readonly string[]).includes(name);

async function loadModule(backend: OrtBackend): Promise<Ort> {
  const known = modules.get(backend);
  if (known) return known;
  const ort: Ort = backend === 'wasm' ? await import('onnxruntime-web/wasm') : await import('onnxruntime-web/webgpu');
  // Read once, when the build initialises (the first session).
  const files = wasmPaths[backend];
  if (files && !isNode()) ort.env.wasm.wasmPaths = { mjs: files.mjs, wasm: files.wasm }; // Node reads the package's
  if (threads !== undefined) ort.env.wasm.numThreads = threads;
  else if (isNode()) ort.env.wasm.numThreads = 1;
  ort.env.logLevel = 'error'; // ORT's warnings would go to the page's console (sessions set theirs too)
  modules.set(backend, ort);
  return ort;
}

/** A one-node model (y = x): creating a session of it initialises the build and, on webgpu, the
 *  adapter and device, so a backend that cannot start says so before any candidate is built. */
function probeModel(): Uint8Array {
  const g = new GraphBuilder();
  g.op('Identity', ['x'], undefined, 'y');
  const io = (name: string) => [{ name, elemType: DataType.FLOAT, dims: [1] }];
  return concatBytes(modelProto({ graph: g.build('probe', io('x'), io('y')), producerName: 'lm-frontier' }).parts());
}

/** The backend selected last, with its module. */
let selected: { backend: OrtBackend; ort: Ort } | undefined;

/**
 * Loads ONNX Runtime Web for `name` and starts it (a probe session), or throws an Error whose
 * message says why it cannot: never another backend.
 */
export async function selectOrtBackend(name: BackendName): Promise<OrtBackend> {
  if (!isOrtBackend(name)) throw new Error(`ONNX Runtime Web runs on ${ORT_BACKENDS.join(' or ')} here, not ${String(name)}`);
  if (name === 'webgpu' && !hasWebGpu()) {
    throw new Error(
      isNode()
        ? 'the webgpu backend needs a browser and is not available in Node.js; use wasm'
        : 'WebGPU is not available in this browser (navigator.gpu is missing); try wasm',
    );
  }
  let ort: Ort;
  try {
    ort = await loadModule(name);
  } catch (err) {
    throw new Error(`could not load ONNX Runtime Web for ${name}: ${messageOf(err)}`);
  }
  try {
    const probe = await ort.InferenceSession.create(probeModel(), { executionProviders: [name], logSeverityLevel: 3 });
    await probe.release();
  } catch (err) {
    throw new Error(`ONNX Runtime Web's ${name} backend failed to start: ${messageOf(err)}`);
  }
  selected = { backend: name, ort };
  return name;
}

/** The backend and module selectOrtBackend started; throws before that. */
export function selectedOrt(): { backend: OrtBackend; ort: Ort } {
  if (!selected) throw new Error('select an ONNX Runtime Web backend first');
  return selected;
}

/** What the timings run on (core's host info plus ORT's wasm threads, or the WebGPU adapter). */
export async function ortDeviceInfo(): Promise<DeviceInfo> {
  const { backend, ort } = selectedOrt();
  const info = hostInfo(backend);
  if (backend === 'wasm') {
    // 1.30's build is SIMD-only (it refuses to start without): the probe session proves SIMD.
    info.wasmSimd = true;
    // Threads need SharedArrayBuffer, i.e. a cross-origin isolated page (Node: one thread, above).
    info.wasmThreads = !isNode() && typeof SharedArrayBuffer !== 'undefined' && info.crossOriginIsolated === true;
    const count = ort.env.wasm.numThreads; // ORT lowers it to 1 at start when threads cannot run
    if (typeof count === 'number') info.wasmThreadCount = count;
  } else {
    try {
      const device = (await ort.env.webgpu.device) as unknown as { adapterInfo?: { vendor?: string; architecture?: string } } | undefined;
      const a = device?.adapterInfo;
      const parts = [a?.vendor, a?.architecture].filter((s): s is string => typeof s === 'string' && s.length > 0);
      if (parts.length) info.webgpuAdapter = parts.join(' ');
    } catch {
      // no adapter information: leave the field out
    }
  }
  return info;
}
