// The tfjs backends LM Frontier measures on, by name. Pure, so the page, the memory guard and the
// CLI can name backends without loading tfjs (src/measure selects and starts them).
export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';
/** In the order a GPU-first device would try them (the Backend picker's order). */
export const BACKENDS: readonly BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

export const isBackendName = (s: string): s is BackendName => (BACKENDS as readonly string[]).includes(s);
