// The layers of docs/architecture.md: imports point down only (ui -> state -> view / workers ->
// measure / ort -> core; the CLI on measure, ort and core), tfjs lives in src/measure and only
// there, onnxruntime-web in src/ort and only there, and no two modules import each other in a
// circle, type-only imports included. Each check fails with the offending files named.
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allImports, packagesReached, resolveModule, ROOT, sourceFiles } from './imports';

/** What each folder of src may import from (itself included). */
const MAY_IMPORT: Record<string, readonly string[]> = {
  core: ['core'],
  measure: ['measure', 'core'],
  ort: ['ort', 'core'],
  workers: ['workers', 'measure', 'ort', 'core'],
  view: ['view', 'core'],
  state: ['state', 'view', 'workers', 'measure', 'ort', 'core'],
  ui: ['ui', 'state', 'view', 'core'],
  cli: ['cli', 'measure', 'ort', 'core'],
};

const layerOf = (file: string): string => {
  const parts = relative(join(ROOT, 'src'), file).split('/');
  return parts.length > 1 ? parts[0] : '(top)';
};

const SRC = sourceFiles('src').map((f) => join(ROOT, f));
const imports = (file: string) => allImports(readFileSync(file, 'utf8'));
const name = (file: string) => relative(ROOT, file);

describe('layers', () => {
  it('every folder of src is a known layer', () => {
    const unknown = [...new Set(SRC.map(layerOf))].filter((l) => l !== '(top)' && !(l in MAY_IMPORT));
    expect(unknown).toEqual([]);
  });

  it('imports point down only', () => {
    const wrong: string[] = [];
    for (const file of SRC) {
      const from = layerOf(file);
      if (from === '(top)') continue; // main.tsx wires the app together
      for (const spec of imports(file)) {
        const target = resolveModule(file, spec);
        if (target && !MAY_IMPORT[from].includes(layerOf(target))) wrong.push(`${name(file)} -> ${name(target)}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('every file in src/measure loads tfjs, and no file outside it imports tfjs', () => {
    const measure = SRC.filter((f) => layerOf(f) === 'measure');
    expect(measure.length).toBeGreaterThan(5);
    const free = measure.filter((f) => ![...packagesReached(f).keys()].some((p) => p.startsWith('@tensorflow/')));
    expect(free.map(name)).toEqual([]);
    const outside = SRC.filter((f) => layerOf(f) !== 'measure' && imports(f).some((s) => s.startsWith('@tensorflow/')));
    expect(outside.map(name)).toEqual([]);
  });

  it('onnxruntime-web is imported in src/ort only (and no tfjs there: ORT times without it)', () => {
    const ort = SRC.filter((f) => layerOf(f) === 'ort');
    expect(ort.length).toBeGreaterThan(2);
    expect(ort.filter((f) => imports(f).some((s) => s.startsWith('onnxruntime-web'))).length).toBeGreaterThan(0);
    const outside = SRC.filter((f) => layerOf(f) !== 'ort' && imports(f).some((s) => s.startsWith('onnxruntime-web')));
    expect(outside.map(name)).toEqual([]);
    const tfjs = ort.filter((f) => [...packagesReached(f).keys()].some((p) => p.startsWith('@tensorflow/')));
    expect(tfjs.map(name)).toEqual([]);
  });

  it('no import circles, type-only imports included', () => {
    const edges = new Map(
      SRC.map((f) => [
        f,
        imports(f)
          .map((s) => resolveModule(f, s))
          .filter((t): t is string => t !== null),
      ]),
    );
    const circles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const path: string[] = [];
    const visit = (f: string) => {
      state.set(f, 'open');
      path.push(f);
      for (const t of edges.get(f) ?? []) {
        if (state.get(t) === 'open') circles.push([...path.slice(path.indexOf(t)), t].map(name).join(' -> '));
        else if (!state.has(t)) visit(t);
      }
      path.pop();
      state.set(f, 'done');
    };
    for (const f of SRC) if (!state.has(f)) visit(f);
    expect(circles).toEqual([]);
  });
});
