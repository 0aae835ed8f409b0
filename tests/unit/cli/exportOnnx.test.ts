// The `export-onnx` CLI command: both files written where asked, a JSON summary that tells the
// truth about them, the seed honoured, and one-line usage errors (exit 2) for bad input.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/cli/args';
import { exportOnnxCommand } from '../../../src/cli/exportOnnx';
import { archKey, type Arch } from '../../../src/core/arch';
import { exportOnnx } from '../../../src/core/onnx';
import { countParams } from '../../../src/core/params';
import { repoPath } from '../core/_helpers';
import { readOnnx } from '../core/_protobufReader';
import { TINY } from '../measure/fixtures';

const tmp = mkdtempSync(join(tmpdir(), 'lmf-onnx-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const json = (name: string, value: unknown) => {
  const p = join(tmp, name);
  writeFileSync(p, JSON.stringify(value));
  return p;
};

const arch = TINY['qwen2-gqa-tied'];
const archFile = json('qwen2.json', arch);

describe('exportOnnxCommand', () => {
  it('writes decoder_model.onnx and decoder_with_past_model.onnx and summarises them', () => {
    const out = join(tmp, 'a', 'nested');
    const summary = exportOnnxCommand([archFile, '--out', out, '--seed', '5']);
    expect(summary).toMatchObject({ arch: archKey(arch), seed: 5, dtype: 'fp32', opset: 17, params: countParams(arch).total });
    expect(summary.files.map((f) => f.path)).toEqual([join(out, 'decoder_model.onnx'), join(out, 'decoder_with_past_model.onnx')]);
    const expected = exportOnnx(arch, { seed: 5 });
    summary.files.forEach((f, i) => {
      expect(statSync(f.path).size).toBe(f.bytes);
      expect(readFileSync(f.path).equals(i === 0 ? expected.decoder : expected.decoderWithPast)).toBe(true);
    });
    const withPast = readOnnx(readFileSync(summary.files[1].path));
    expect(withPast.inputs.map((v) => v.name)).toContain('past_key_values.1.value');
    expect(withPast.metadata['lm_frontier.seed']).toBe('5');
    expect(withPast.metadata['lm_frontier.arch']).toBe(archKey(arch));
  });

  it('the seed picks the weights: default 1, and another seed gives other bytes', () => {
    const one = exportOnnxCommand([archFile, '--out', join(tmp, 's1')]);
    const two = exportOnnxCommand([archFile, '--out', join(tmp, 's2'), '--seed', '2']);
    expect(one.seed).toBe(1);
    expect(readFileSync(one.files[0].path).equals(exportOnnx(arch).decoder)).toBe(true);
    expect(readFileSync(one.files[0].path).equals(readFileSync(two.files[0].path))).toBe(false);
  });

  it('--dtype fp16 writes the fp16 export: the same bytes as core’s, FLOAT16 weights', () => {
    const summary = exportOnnxCommand([archFile, '--out', join(tmp, 'half'), '--dtype', 'fp16']);
    expect(summary.dtype).toBe('fp16');
    const expected = exportOnnx(arch, { dtype: 'fp16' });
    expect(readFileSync(summary.files[0].path).equals(expected.decoder)).toBe(true);
    expect(readFileSync(summary.files[1].path).equals(expected.decoderWithPast)).toBe(true);
    expect(readOnnx(expected.decoder).initializers.every((t) => t.dataType === 10)).toBe(true);
    const fp32Bytes = exportOnnx(arch).decoder.length;
    expect(summary.files[0].bytes).toBeLessThan(fp32Bytes);
  });

  it('refuses bad input with a UsageError', () => {
    const out = ['--out', join(tmp, 'bad')];
    const cases: [string[], RegExp][] = [
      [[archFile], /--out DIR is required/],
      [[...out], /give one preset or arch JSON file/],
      [[archFile, archFile, ...out], /give one preset or arch JSON file/],
      [['no-such-preset', ...out], /unknown preset/],
      [[json('list.json', [arch, arch]), ...out], /holds a list of archs/],
      [[json('bad.json', { ...arch, dModel: 50 }), ...out], /does not divide dModel/],
      [[json('rot.json', { ...TINY['neox-tied'], dModel: 40 } satisfies Arch), ...out], /even number of rotated dims/],
      [[archFile, ...out, '--seed', '-1'], /--seed must be an integer/],
      [[archFile, ...out, '--dtype', 'bf16'], /--dtype must be fp32 or fp16, got "bf16"/],
      [[archFile, ...out, '--tokens', '8'], /unknown option --tokens/],
      [[archFile, '--out', join(archFile, 'sub')], /cannot create/], // a directory inside a file
    ];
    for (const [argv, message] of cases) expect(() => exportOnnxCommand(argv), argv.join(' ')).toThrow(message);
    expect(() => exportOnnxCommand([archFile])).toThrow(UsageError);
    expect(existsSync(join(tmp, 'bad'))).toBe(false); // nothing written before the input is checked
  });

  it('npm run cli -- export-onnx: JSON on stdout, exit 2 with one line on bad input', () => {
    const tsx = repoPath('node_modules/.bin/tsx');
    const run = (...args: string[]) => spawnSync(tsx, ['src/cli/main.ts', 'export-onnx', ...args], { cwd: repoPath(''), encoding: 'utf8' });
    const ok = run(archFile, '--out', join(tmp, 'cli'));
    expect(ok.status).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({
      params: countParams(arch).total,
      files: [{ bytes: expect.any(Number) }, { bytes: expect.any(Number) }],
    });
    const bad = run(archFile);
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^error: --out DIR is required/)]);
  });
});
