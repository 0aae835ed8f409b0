// Reading a module's imports as text, for the tests that keep the layers apart
// (layers.test.ts) and tfjs off the first page load (mainThreadImports.test.ts). Relative
// specifiers resolve as Vite resolves them here (.ts, .tsx, index.ts); packages stay names.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');

const IMPORT_RE = /(?:^|\n)\s*(import|export)\s+(?:(type)\s+)?([\s\S]*?)\s*from\s*['"]([^'"]+)['"]|(?:^|\n)\s*import\s*['"]([^'"]+)['"]/g;

/** Static imports and re-exports of a module that survive type erasure. */
export function valueImports(source: string): string[] {
  const out: string[] = [];
  for (const m of source.matchAll(IMPORT_RE)) {
    if (m[5]) {
      out.push(m[5]); // side-effect import
      continue;
    }
    if (m[2]) continue; // import type / export type
    const clause = m[3];
    const braces = /\{([\s\S]*)\}/.exec(clause);
    const outside = braces ? clause.replace(braces[0], '').replace(/,/g, '').trim() : clause.trim();
    const named = braces
      ? braces[1]
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : [];
    // Elided when it only names types: `import { type A, type B } from`.
    if (!outside && named.length > 0 && named.every((n) => n.startsWith('type '))) continue;
    out.push(m[4]);
  }
  return out;
}

/** Every module a source names: static imports (type-only too), re-exports, import() and the
 *  `new URL(..., import.meta.url)` a worker is started from. */
export function allImports(source: string): string[] {
  const out = [...source.matchAll(IMPORT_RE)].map((m) => m[4] ?? m[5]);
  for (const m of source.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)|new URL\(\s*['"]([^'"]+)['"]\s*,\s*import\.meta\.url/g))
    out.push(m[1] ?? m[2]);
  return out;
}

export function resolveModule(from: string, spec: string): string | null {
  if (!spec.startsWith('.')) return null;
  const base = resolve(dirname(from), spec.replace(/\?.*$/, ''));
  for (const p of [base, `${base}.ts`, `${base}.tsx`, join(base, 'index.ts')]) if (existsSync(p) && /\.tsx?$/.test(p)) return p;
  return null;
}

/** Chains from `entry` to every package it loads statically: package -> first chain found. */
export function packagesReached(entry: string): Map<string, string[]> {
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

/** The .ts and .tsx files under `dir` (repo-relative), recursively. */
export function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.tsx?$/.test(f))
    .map((f) => join(dir, f))
    .sort();
}
