// Browser builds only (Vite): tfjs-backend-wasm's three binaries as same-origin asset URLs, so
// the wasm backend loads without a CDN. The threaded build needs cross-origin isolation
// (COOP/COEP headers, see vite.config.ts); tfjs picks the best build the page supports.
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { configureWasmPaths } from './backends';

export const WASM_URLS = {
  'tfjs-backend-wasm.wasm': wasmPlain,
  'tfjs-backend-wasm-simd.wasm': wasmSimd,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimd,
} as const;

export function configureAppWasmPaths(): void {
  configureWasmPaths(WASM_URLS);
}
