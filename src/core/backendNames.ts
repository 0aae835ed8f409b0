// The backends and runtimes LM Frontier measures on, by name. Pure, so the page, the memory guard
// and the CLI can name them without loading tfjs or ONNX Runtime (src/measure and src/ort start them).
export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';
/** In the order a GPU-first device would try them (the Backend picker's order). */
export const BACKENDS: readonly BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

export const isBackendName = (s: string): s is BackendName => (BACKENDS as readonly string[]).includes(s);

// The runtimes a candidate can be timed in: TensorFlow.js (src/measure, the builder's own graph)
// or ONNX Runtime Web (src/ort, the same weights exported by core/onnx). A series, a measure link
// and a result name theirs; anything made before ORT existed names none and is tfjs.
export type RuntimeName = 'tfjs' | 'ort';
/** Append-only: a measure link and a results link write a runtime as its index here. */
export const RUNTIMES: readonly RuntimeName[] = ['tfjs', 'ort'];
export const isRuntimeName = (s: string): s is RuntimeName => (RUNTIMES as readonly string[]).includes(s);

/** The runtimes' names in the Measure panel's picker. */
export const RUNTIME_TITLES: Readonly<Record<RuntimeName, string>> = { tfjs: 'TensorFlow.js', ort: 'ONNX Runtime Web' };

/** The backends (execution providers) ONNX Runtime Web is measured on; webgpu only where the
 *  browser offers navigator.gpu. */
export const ORT_BACKENDS: readonly BackendName[] = ['webgpu', 'wasm'];

/** The backends a runtime offers, in the picker's order. */
export const runtimeBackends = (runtime: RuntimeName): readonly BackendName[] => (runtime === 'ort' ? ORT_BACKENDS : BACKENDS);

/** A backend as labels name it: "wasm" on tfjs (as before ORT existed), "ORT-web wasm" on ORT. */
export const backendLabel = (backend: string, runtime: RuntimeName = 'tfjs'): string =>
  runtime === 'ort' ? `ORT-web ${backend}` : backend;
