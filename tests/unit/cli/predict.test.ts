// `cli predict`: fits on what `cli measure` prints (one model or several), predicts archs.json in
// order, and answers bad input with one line (UsageError, exit 2).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { archKey, type Arch } from '../../../src/core/arch';
import { compileSpace, toArch } from '../../../src/core/genome';
import { analyticLatencyMs } from '../../../src/core/latency';
import { sampleGenome } from '../../../src/core/operators';
import { makeRng } from '../../../src/core/random';
import { DEFAULT_SPACE } from '../../../src/core/space';
import { UsageError } from '../../../src/cli/args';
import { predictCommand } from '../../../src/cli/predict';

const dir = mkdtempSync(join(tmpdir(), 'lmf-predict-'));
const PHONE = { gflops: 8, gbps: 3, overheadMsPerKernel: 0.03, label: 'phone' };
const archs = (n: number, seed: number): Arch[] => {
  const cs = compileSpace(DEFAULT_SPACE);
  const rng = makeRng(seed);
  return Array.from({ length: n }, () => toArch(cs, sampleGenome(cs, rng)));
};
const model = (a: Arch, tokens = 128) => ({
  arch: archKey(a),
  tokens,
  prefill: { medianMs: analyticLatencyMs(a, PHONE, tokens, 0) },
  decode: { medianMs: analyticLatencyMs(a, PHONE, 1, tokens) },
});
const file = (name: string, json: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(json));
  return path;
};

describe('cli predict', () => {
  it('fits on several measure outputs and predicts archs.json in order', () => {
    const train = archs(12, 1);
    const many = file('many.json', { backend: 'wasm', rounds: 4, models: train.slice(0, 11).map((a) => model(a)) });
    const one = file('one.json', { backend: 'wasm', ...model(train[11]) });
    const targets = archs(3, 2);
    const out = predictCommand(['--train', many, one, '--archs', file('archs.json', targets)]) as {
      tokens: number;
      fit: Record<'prefill' | 'decode', { n: number; looMedianApe: number; looWithin10: number; spearman: number }>;
      predictions: { arch: string; prefillMs: number; decodeMs: number }[];
    };
    expect(out.tokens).toBe(128);
    for (const w of ['prefill', 'decode'] as const) {
      expect(out.fit[w].n).toBe(12);
      expect(out.fit[w].looMedianApe).toBeLessThan(0.01); // noiseless: a roofline is in the model family
      expect(out.fit[w].looWithin10).toBe(1);
      expect(out.fit[w].spearman).toBeGreaterThan(0.99);
    }
    expect(out.predictions.map((p) => p.arch)).toEqual(targets.map(archKey));
    out.predictions.forEach((p, i) => {
      expect(p.decodeMs / analyticLatencyMs(targets[i], PHONE, 1, 128)).toBeCloseTo(1, 2);
      expect(p.prefillMs / analyticLatencyMs(targets[i], PHONE, 128, 0)).toBeCloseTo(1, 2);
    });
  });

  it('answers bad input with one line', () => {
    const ok = file('ok.json', { models: archs(8, 3).map((a) => model(a)) });
    const targets = file('t.json', archs(1, 4));
    const bad = (argv: string[], message: RegExp) => {
      expect(() => predictCommand(argv)).toThrow(UsageError);
      expect(() => predictCommand(argv)).toThrow(message);
    };
    bad(['--archs', targets], /missing --train/);
    bad(['--train', ok], /missing --archs/);
    bad(
      ['--train', file('few.json', { models: archs(3, 5).map((a) => model(a)) }), '--archs', targets],
      /hold 3 distinct archs; a fit needs at least 6/,
    );
    bad(['--train', file('junk.json', { models: [{ arch: 1 }] }), '--archs', targets], /is not what `cli measure` prints/);
    bad(['--train', ok, file('t256.json', model(archs(1, 6)[0], 256)), '--archs', targets], /measured at T = 256, the others at T = 128/);
  });
});
