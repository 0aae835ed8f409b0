// Browser builds only (Vite): ONNX Runtime Web's wasm files as same-origin asset URLs, so ORT loads
// without a CDN (its default is to look next to its own module, which a bundle moves). Each build
// is an Emscripten module (.mjs, also the script of its pthread workers) and its binary (.wasm);
// onnxruntime-web 1.30 ships one wasm build, threaded (it runs single-threaded where the page is
// not cross-origin isolated), and the asyncify build for WebGPU. Imported by the measure worker only
// when ORT is picked, and the files are fetched only when a backend is selected.
import wasmMjs from 'onnxruntime-web/ort-wasm-simd-threaded.mjs?url';
import wasmBinary from 'onnxruntime-web/ort-wasm-simd-threaded.wasm?url';
import webgpuMjs from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.mjs?url';
import webgpuBinary from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';
import { configureOrtWasmPaths, type OrtBackend, type OrtWasmFiles } from './runtime';

export const ORT_WASM_URLS: Readonly<Record<OrtBackend, OrtWasmFiles>> = {
  wasm: { mjs: wasmMjs, wasm: wasmBinary },
  webgpu: { mjs: webgpuMjs, wasm: webgpuBinary },
};

export function configureAppOrtWasmPaths(): void {
  configureOrtWasmPaths(ORT_WASM_URLS);
}
