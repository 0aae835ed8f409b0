// The validation client over the real train worker API (comlink on a MessageChannel, tfjs's cpu
// backend in Node, the real runValidation): three tiny models trained for a few steps with
// progress and each model handed over once scored; Moby-Dick when no text is given, the user's
// text otherwise; abort rejects at once and terminates the worker; an unavailable backend is an
// error that names it.
import { describe, expect, it } from 'vitest';
import type { SearchSpace } from '../../../src/core/space';
import { DEFAULT_TRAIN, type CorpusInfo, type TrainedModel, type ValidationProgress } from '../../../src/core/validation';
import { createValidationRunner } from '../../../src/state/validationClient';
import { isAbortError } from '../../../src/workers/bridge';
import { api, type TrainRequest } from '../../../src/workers/train.worker';
import { fakeWorker, type FakeWorker } from './fakeWorker';

/** Small enough to train in a blink: widths 16-32, one or two layers, two FFN widths. */
const space: SearchSpace = {
  family: 'gpt2',
  vocabSize: 1000,
  contextLength: 64,
  tieEmbeddings: true,
  nLayer: [1, 2],
  dModel: [16, 32],
  nHead: [2],
  dInner: [32, 64],
  heterogeneous: false,
  rules: { minFfnRatio: 0 },
};
const request = (steps: number, seed = 1): TrainRequest => ({
  space,
  backend: 'cpu',
  settings: { ...DEFAULT_TRAIN, k: 3, steps, seed, batchSize: 4, seqLen: 32, evalTokens: 256 },
});
const text = 'It was a bright cold day in April, and the clocks were striking thirteen.\n'.repeat(100);

function setup() {
  const workers: FakeWorker[] = [];
  const runner = createValidationRunner(() => {
    const w = fakeWorker(api);
    workers.push(w);
    return w;
  });
  return { runner, workers };
}

describe('validation client', () => {
  it('trains K models on Moby-Dick with progress, model i of K and its loss, and reports them', async () => {
    const { runner, workers } = setup();
    const progress: ValidationProgress[] = [];
    const report = await runner.validate(
      request(5),
      undefined,
      (p) => progress.push(p),
      () => {},
    ).result;
    expect(report.backend).toBe('cpu');
    expect(report.corpus.name).toMatch(/^Moby-Dick/);
    expect(report.corpus.split).toMatch(/^the last 10 % of documents held out \(14 of 138/);
    expect(report.models).toHaveLength(3);
    for (const m of report.models) {
      expect(m.losses).toHaveLength(5);
      expect(m.arch.vocabSize).toBe(256);
      expect(m.ppl).toBeGreaterThan(1);
      expect(m.ppl).toBeLessThan(400); // about 256 untrained: a byte-level model barely trained
    }
    expect(report.proxies.map((p) => p.n)).toEqual([3, 3, 3]);
    expect(new Set(progress.map((p) => p.model))).toEqual(new Set([0, 1, 2]));
    expect(new Set(progress.map((p) => p.phase))).toEqual(new Set(['build', 'train', 'score']));
    expect(progress.every((p) => p.k === 3 && p.steps === 5)).toBe(true);
    expect(workers).toHaveLength(1);
    expect(workers[0].terminated).toBe(false); // reused by the next run
  }, 60_000);

  it("trains on the user's text when given, and names it", async () => {
    const { runner } = setup();
    const report = await runner.validate(
      request(2, 2),
      { name: 'clocks.txt', documents: [text] },
      () => {},
      () => {},
    ).result;
    expect(report.corpus.name).toBe('clocks.txt');
    expect(report.corpus.split).toMatch(/^the last 10 % of the text held out, cut at a line break/);
    expect(report.models).toHaveLength(3);
  }, 60_000);

  // What lets a stopped run (its worker terminated, its report never sent) keep what it finished.
  it('hands each model over as soon as it is scored, with the split of the report', async () => {
    const { runner } = setup();
    const models: [TrainedModel, CorpusInfo][] = [];
    const report = await runner.validate(
      request(2, 3),
      { name: 'clocks.txt', documents: [text] },
      () => {},
      (m, info) => models.push([m, info]),
    ).result;
    expect(models.map(([m]) => m)).toEqual(report.models);
    for (const [, info] of models) expect(info).toEqual(report.corpus);
  }, 60_000);

  it('abort rejects at once and terminates the worker; the next run starts a fresh one', async () => {
    const { runner, workers } = setup();
    let started!: () => void;
    const training = new Promise<void>((r) => (started = r));
    const run = runner.validate(
      request(5000),
      { name: 'clocks.txt', documents: [text] },
      (p) => p.phase === 'train' && started(),
      () => {},
    );
    await training;
    const t0 = performance.now();
    run.abort();
    await expect(run.result).rejects.toSatisfy(isAbortError);
    expect(performance.now() - t0).toBeLessThan(250);
    expect(workers[0].terminated).toBe(true);
    await runner.validate(
      request(1),
      { name: 'clocks.txt', documents: [text] },
      () => {},
      () => {},
    ).result;
    expect(workers).toHaveLength(2);
  }, 60_000);

  it('an unavailable backend is an error that names it, never a silent fallback', async () => {
    const { runner, workers } = setup();
    const run = runner.validate(
      { ...request(1), backend: 'webgpu' },
      undefined,
      () => {},
      () => {},
    );
    await expect(run.result).rejects.toThrow(/webgpu/);
    expect(workers[0].terminated).toBe(true); // a failed call drops its worker
  });
});
