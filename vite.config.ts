import basicSsl from '@vitejs/plugin-basic-ssl';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';
import { CSP } from './csp.mjs';

/** The Content Security Policy as a meta tag of the built page (csp.mjs says why not in dev). */
const csp = (): Plugin => ({
  name: 'lm-frontier-csp',
  apply: 'build',
  transformIndexHtml: () => [{ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: CSP }, injectTo: 'head-prepend' }],
});

// Cross-origin isolation lets tfjs-backend-wasm use threads (SharedArrayBuffer). Static hosts
// must send the same two headers for threads; without them the app still works single-threaded.
// public/_headers says the same to Netlify and Cloudflare Pages.
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

// LAN=1 (set by scripts/lan.mjs: npm run preview:lan, npm run dev:lan): HTTPS with a self-signed
// certificate on every IPv4 interface, so a phone on the same network gets a secure context
// (WebGPU, and the cross-origin isolation wasm threads need). Everything else stays plain HTTP.
const lan = process.env.LAN === '1';

// BASE_PATH: the sub-path a static host serves the app under ("/lm-frontier/"); default "./".
function base(path = process.env.BASE_PATH): string {
  if (!path) return './';
  const dir = path.endsWith('/') ? path : `${path}/`;
  return dir.startsWith('/') || dir.startsWith('.') || /^[a-z][a-z0-9+.-]*:\/\//i.test(dir) ? dir : `/${dir}`;
}

export default defineConfig({
  base: base(),
  plugins: [react(), csp(), ...(lan ? [basicSsl({ name: 'lm-frontier-lan' })] : [])],
  server: { headers: isolation, ...(lan ? { host: '0.0.0.0' } : {}) },
  preview: { headers: isolation, ...(lan ? { host: '0.0.0.0' } : {}) },
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
