// The page's main thread must not load TensorFlow.js at startup: measuring runs in a worker that
// loads it lazily (and the main-thread fallback imports it dynamically). One static value import
// of a tfjs-using module from the store put all of tfjs (about 1 MB minified) into the page's
// first chunk. This walks the static imports from src/main.tsx as the bundler does (type-only
// imports are erased; dynamic import() is lazy) and fails with the chain that reaches tfjs.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');

/** Static imports and re-exports of a module that survive type erasure. */
function valueImports(source: string): string[] {
  const out: string[] = [];
  const re = /(?:^|\n)\s*(import|export)\s+(?:(type)\s+)?([\s\S]*?)\s*from\s*['"]([^'"]+)['"]|(?:^|\n)\s*import\s*['"]([^'"]+)['"]/g;
  for (let m = re.exec(source); m; m = re.exec(source)) {
    if (m[5]) {
      out.push(m[5]); // side-effect import
      continue;
    }
    if (m[2]) continue; // import type / export type
    const clause = m[3];
    const braces = /\{([\s\S]*)\}/.exec(clause);
    const outside = braces ? clause.replace(braces[0], '').replace(/,/g, '').trim() : clause.trim();
    const named = braces ? braces[1].split(',').map((s) => s.trim()).filter(Boolean) : [];
    // Elided when it only names types: `import { type A, type B } from`.
    if (!outside && named.length > 0 && named.every((n) => n.startsWith('type '))) continue;
    out.push(m[4]);
  }
  return out;
}

function resolveModule(from: string, spec: string): string | null {
  if (!spec.startsWith('.')) return null;
  const base = resolve(dirname(from), spec.replace(/\?.*$/, ''));
  for (const p of [base, `${base}.ts`, `${base}.tsx`, join(base, 'index.ts')]) if (existsSync(p) && /\.tsx?$/.test(p)) return p;
  return null;
}

/** Chains from `entry` to every package it loads statically: package -> first chain found. */
function packagesReached(entry: string): Map<string, string[]> {
  const seen = new Set<string>([entry]);
  const packages = new Map<string, string[]>();
  const queue: [string, string[]][] = [[entry, [relative(ROOT, entry)]]];
  while (queue.length) {
    const [file, chain] = queue.shift()!;
    for (const spec of valueImports(readFileSync(file, 'utf8'))) {
      const target = resolveModule(file, spec);
      if (target === null) {
        if (!spec.startsWith('.') && !packages.has(spec)) packages.set(spec, [...chain, spec]);
        continue;
      }
      if (seen.has(target)) continue;
      seen.add(target);
      queue.push([target, [...chain, relative(ROOT, target)]]);
    }
  }
  return packages;
}

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
});
