import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Cross-origin isolation lets tfjs-backend-wasm use threads (SharedArrayBuffer). Static hosts
// must send the same two headers for threads; without them the app still works single-threaded.
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  base: './',
  plugins: [react()],
  server: { headers: isolation },
  preview: { headers: isolation },
  worker: {
    format: 'es',
    // Worker bundles are not minified: tfjs-backend-wasm starts its pthreads from its threaded
    // factory's source text (Function.prototype.toString), which refers to a variable of its
    // module by name behind a typeof guard (_scriptDir). Mangling renames it ("e is not
    // defined" in every pthread), compressing drops the guard; either way the wasm backend
    // never initialises. Dead code is still removed. Workers load lazily, on first use.
    rolldownOptions: { output: { minify: 'dce-only' } },
  },
  build: { target: 'es2022', chunkSizeWarningLimit: 4000 },
});
