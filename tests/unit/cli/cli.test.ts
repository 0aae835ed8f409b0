// The command line, end to end: `npx tsx src/cli/main.ts ...` in a child process.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { homogeneous } from '../../../src/core/arch';
import { handParams, naiveSpearman, repoPath, loadLtsGpt2 } from '../core/_helpers';

const ROOT = repoPath('');

interface Run {
  code: number | null;
  stdout: string;
  /** stderr without npm's own warnings (npx may warn about the user's npmrc; not the CLI's output). */
  stderr: string;
}

/**
 * Run the CLI as `tsx src/cli/main.ts ...`. `npx tsx` resolves to node_modules/.bin/tsx; most tests
 * call that binary directly because npm's own start-up doubles the cost of every spawn (about
 * 0.7 s more each on a 2-core machine). One test goes through `npx tsx` itself.
 */
function cli(...args: string[]): Promise<Run> {
  return run(repoPath('node_modules/.bin/tsx'), ['src/cli/main.ts', ...args]);
}

function run(cmd: string, args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b) => (stdout += b));
    child.stderr.on('data', (b) => (stderr += b));
    child.on('error', reject);
    child.on('close', (code) => {
      const own = stderr
        .split('\n')
        .filter((l) => l.length > 0 && !/^npm (warn|notice)/i.test(l))
        .join('\n');
      resolve({ code, stdout, stderr: own });
    });
  });
}

const tmp = mkdtempSync(join(tmpdir(), 'lmf-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  const p = join(tmp, name);
  writeFileSync(p, text);
  return p;
};

const a1 = homogeneous({ family: 'gpt2', vocabSize: 1000, contextLength: 128, dModel: 128, tieEmbeddings: true }, 2, {
  nHead: 4,
  dInner: 512,
});
const a2 = homogeneous({ family: 'llama', vocabSize: 2000, contextLength: 256, dModel: 256, tieEmbeddings: false }, 3, {
  nHead: 8,
  nKvHead: 2,
  dInner: 640,
});

// Shared runs, started once (each spawn costs about a second of tsx start-up).
const search300 = cli('search', '--evals', '300', '--seed', '3');
const search300again = cli('search', '--evals', '300', '--seed', '3');

function expectUsageError(r: Run, pattern: RegExp): void {
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
  const lines = r.stderr.split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^error: /);
  expect(lines[0]).toMatch(pattern);
}

describe.concurrent('cli', () => {
  it('npx tsx src/cli/main.ts cost gpt2 prints the exact parameter counts', async () => {
    const r = await run('npx', ['tsx', 'src/cli/main.ts', 'cost', 'gpt2']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout);
    expect(out.params.total).toBe(124_439_808);
    expect(out.params.decoder).toBe(85_056_000);
    expect(out.params.embedding).toBe(124_439_808 - 85_056_000);
    expect(out.memory.kvCache).toBe(2 * 12 * 768 * 1024 * 4);
    expect(out.memory.weights.fp32).toBe(4 * 124_439_808);
  });

  it('cost <file with an array of 2 archs> prints an array of 2', async () => {
    const r = await cli('cost', file('two.json', JSON.stringify([a1, a2])), '--dtype', 'fp16');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(Array.isArray(out)).toBe(true);
    expect(out).toHaveLength(2);
    expect(out[0].params.total).toBe(handParams(a1).total);
    expect(out[1].params.total).toBe(handParams(a2).total);
    expect(out[1].params.decoder).toBe(handParams(a2).decoder);
    expect(out[1].memory.weightDtype).toBe('fp16');
  });

  it('unknown preset: exit 2, one line on stderr', async () => {
    expectUsageError(await cli('cost', 'gpt5'), /unknown preset gpt5/);
  });

  it('invalid JSON file: exit 2, one line on stderr', async () => {
    expectUsageError(await cli('cost', file('bad.json', '{"family": "gpt2",\n  oops')), /not valid JSON/);
  });

  it('arch with nHead not dividing dModel: exit 2, the field in the message', async () => {
    const bad = { ...a1, layers: [{ nHead: 5, dInner: 512 }] };
    expectUsageError(await cli('cost', file('heads.json', JSON.stringify(bad))), /layers\[0\]\.nHead 5 does not divide dModel 128/);
  });

  it('unknown flag: exit 2, one line on stderr', async () => {
    expectUsageError(await cli('cost', 'gpt2', '--bogus', '1'), /unknown option --bogus/);
  });

  it('search --evals 300 --seed 3: JSON with frontier, evaluated, feasible, hypervolume', async () => {
    const r = await search300;
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.evaluated).toBe(300);
    expect(out.feasible).toBeGreaterThan(0);
    expect(out.feasible).toBeLessThanOrEqual(300);
    expect(out.hypervolume).toBeGreaterThan(0);
    expect(Array.isArray(out.frontier)).toBe(true);
    expect(out.frontier.length).toBeGreaterThan(0);
    expect(out.seed).toBe(3);
    for (const c of out.frontier) expect(c.params.total).toBeLessThanOrEqual(64e6); // default budget
  });

  it('same seed twice gives identical stdout', async () => {
    const [a, b] = await Promise.all([search300, search300again]);
    expect(a.code).toBe(0);
    expect(b.stdout).toBe(a.stdout);
  });

  it('--format csv prints a header and one row per frontier member', async () => {
    const [csv, json] = await Promise.all([cli('search', '--evals', '300', '--seed', '3', '--format', 'csv'), search300]);
    expect(csv.code).toBe(0);
    const lines = csv.stdout.trim().split('\n');
    const n = JSON.parse(json.stdout).frontier.length;
    expect(lines).toHaveLength(1 + n);
    expect(lines[0].split(',')).toContain('params_total');
    const col = lines[0].split(',').indexOf('params_total');
    // the key column is quoted and holds commas; params_total is read from the right-hand side
    const fromRight = lines[0].split(',').length - col;
    const totals = lines.slice(1).map((l) => Number(l.split(',').at(-fromRight)));
    expect(totals).toEqual(JSON.parse(json.stdout).frontier.map((c: { params: { total: number } }) => c.params.total));
  });

  it('--budget params=1 gives feasible 0 and an empty frontier', async () => {
    const r = await cli('search', '--evals', '100', '--budget', 'params=1');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.feasible).toBe(0);
    expect(out.frontier).toEqual([]);
    expect(out.evaluated).toBe(100);
  });

  it('validate-proxies on the shipped GPT-2 data: decoder-params Spearman 0.967', async () => {
    const r = await cli('validate-proxies', 'src/data/lts/random_GPT2_wt103.json');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.models).toBe(200);
    const dp = out.proxies.find((p: { proxy: string }) => p.proxy === 'decoder-params');
    expect(Math.abs(dp.spearman - 0.967)).toBeLessThan(0.0005);
    const ref = loadLtsGpt2();
    expect(dp.spearman).toBeCloseTo(
      naiveSpearman(
        ref.models.map((m) => m.params.nonembedding),
        ref.models.map((m) => -m.valid_ppl),
      ),
      12,
    );
  });
});
