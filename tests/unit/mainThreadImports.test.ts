// The page's main thread must not load TensorFlow.js at startup: measuring runs in a worker that
// loads it lazily (and the main-thread fallback imports it dynamically). One static value import
// of a tfjs-using module from the store put all of tfjs (about 1 MB minified) into the page's
// first chunk. This walks the static imports from src/main.tsx as the bundler does (type-only
// imports are erased; dynamic import() is lazy) and fails with the chain that reaches tfjs.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packagesReached, ROOT, valueImports } from './imports';

describe('what the page loads at startup', () => {
  it('reads value imports and skips type-only ones', () => {
    const src = [
      "import type { A } from './a';",
      "import { type B, type C } from './b';",
      "import { type D, e } from './c';",
      'import f, {\n  g,\n  type H,\n} from "./d";',
      "export { i } from './e';",
      "export type { J } from './f';",
      "export * from './g';",
      "import './styles.css';",
      "const lazy = () => import('./h');",
    ].join('\n');
    expect(valueImports(src)).toEqual(['./c', './d', './e', './g', './styles.css']);
  });

  it('no TensorFlow.js package is imported statically from src/main.tsx', () => {
    const reached = packagesReached(join(ROOT, 'src/main.tsx'));
    expect(reached.has('react')).toBe(true); // the walk does reach the app's packages
    const tfjs = [...reached].filter(([p]) => p.startsWith('@tensorflow/')).map(([, chain]) => chain.join(' -> '));
    expect(tfjs).toEqual([]);
  });

  it('ONNX Runtime Web is not in the first chunk either: it loads in the measure worker when picked', () => {
    const reached = packagesReached(join(ROOT, 'src/main.tsx'));
    const ort = [...reached].filter(([p]) => p.startsWith('onnxruntime-')).map(([, chain]) => chain.join(' -> '));
    expect(ort).toEqual([]);
  });

  it('recharts is not in the first chunk: the chart and the proxy check load as chunks of their own', () => {
    // Evaluating recharts with the rest of the page made the first task 80+ ms (see ChartPanel).
    const reached = packagesReached(join(ROOT, 'src/main.tsx'));
    const recharts = [...reached].filter(([p]) => p === 'recharts').map(([, chain]) => chain.join(' -> '));
    expect(recharts).toEqual([]);
  });
});
