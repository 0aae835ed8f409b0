// The Content Security Policy of the built site, in one place: vite.config.ts puts it in a meta
// tag of the built index.html (not in dev: Vite's dev client and React refresh use inline
// scripts), and public/_headers must carry the same policy as a header (a unit test checks).
// What tfjs and ONNX Runtime Web need and nothing more:
//   script-src 'wasm-unsafe-eval'  compiling tfjs-backend-wasm's and ORT's modules (not
//                                  'unsafe-eval': no eval or new Function anywhere); 'self' lets
//                                  ORT import its Emscripten .mjs, an asset of ours;
//   worker-src 'self' blob:        our module workers, and the wasm backend's pthreads, which it
//                                  starts from a blob: URL (ORT's start from that same-origin .mjs);
//   connect-src 'self' blob: data: fetching the .wasm files, the LTS data chunk, blob: downloads;
//   img-src 'self' blob: data:     the PNG export rasterises the SVG export through a blob: image.
// No inline script anywhere; inline styles only as React style properties (CSSOM, which CSP
// does not restrict), so style-src is 'self'.
export const CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self' blob:",
  "connect-src 'self' blob: data:",
  "img-src 'self' blob: data:",
  "style-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'none'",
].join('; ');

/** Only valid as a header (a meta tag cannot set it). */
export const HEADER_ONLY = "frame-ancestors 'self'";
