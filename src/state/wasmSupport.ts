// WebAssembly features the wasm backend can use, probed without loading tfjs (the top bar shows
// them before the first measurement): SIMD by validating a one-instruction SIMD module (the probe
// wasm-feature-detect uses), threads by SharedArrayBuffer, which needs cross-origin isolation.

const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11,
]);

export interface WasmSupport {
  simd: boolean;
  threads: boolean;
  crossOriginIsolated: boolean;
}

export function wasmSupport(): WasmSupport {
  const g = globalThis as { WebAssembly?: typeof WebAssembly; SharedArrayBuffer?: unknown; crossOriginIsolated?: boolean };
  let simd = false;
  try {
    simd = !!g.WebAssembly && g.WebAssembly.validate(SIMD_PROBE);
  } catch {
    simd = false;
  }
  const isolated = g.crossOriginIsolated === true;
  return { simd, threads: isolated && typeof g.SharedArrayBuffer === 'function', crossOriginIsolated: isolated };
}
