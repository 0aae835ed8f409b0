// The lab's store against a scripted runner (the worker's side is validationClient.test.ts):
// form and text errors at their field, a run's progress and loss curves, Stop and failures that
// keep the models already trained, the est. ppl switch into the reference store, and the saved
// report (versioned, refused with a reason when unreadable).
import { describe, expect, it } from 'vitest';
import { DEFAULT_SPACE } from '../../../src/core/space';
import type { PowerLawFit } from '../../../src/core/referenceModels';
import { DEFAULT_TRAIN, type CorpusInfo, type ValidationReport } from '../../../src/core/validation';
import { createReferenceStore } from '../../../src/state/referenceStore';
import type { ValidationRunner } from '../../../src/state/validationClient';
import { VALIDATION_KEY, loadValidation } from '../../../src/state/validationStorage';
import { createValidationStore, formErrors, readUserText, DEFAULT_FORM, type ValidationDeps } from '../../../src/state/validationStore';
import { cancellable } from '../../../src/workers/bridge';
import type { ModelCallback, ProgressCallback, TrainRequest } from '../../../src/workers/train.worker';
import type { CorpusSource } from '../../../src/core/validation';
import { fakeReport } from './validationFixture';

interface Call {
  request: TrainRequest;
  corpus: CorpusSource | undefined;
  progress: ProgressCallback;
  model: ModelCallback;
  resolve(r: ValidationReport): void;
  reject(e: unknown): void;
  aborted: boolean;
}

function scriptedRunner() {
  const calls: Call[] = [];
  const runner: ValidationRunner = {
    validate(request, corpus, progress, model) {
      let resolve!: (r: ValidationReport) => void;
      let reject!: (e: unknown) => void;
      const p = new Promise<ValidationReport>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      const call: Call = { request, corpus, progress, model, resolve, reject, aborted: false };
      calls.push(call);
      return cancellable(
        () => p,
        () => {
          call.aborted = true;
        },
      );
    },
  };
  return { runner, calls };
}

function memoryStorage(initial: Record<string, string> = {}) {
  const m = new Map(Object.entries(initial));
  return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v), map: m };
}

const report = fakeReport();
const info: CorpusInfo = report.corpus;
const tick = () => new Promise((r) => setTimeout(r, 5));

function setup(extra: Partial<ValidationDeps> = {}) {
  const { runner, calls } = scriptedRunner();
  const fits: (PowerLawFit | null)[] = [];
  const storage = memoryStorage();
  const store = createValidationStore({
    runner,
    currentSpace: () => ({ space: DEFAULT_SPACE, errors: [] }),
    setEstFit: (f) => fits.push(f),
    storage,
    refreshMs: 0,
    now: () => '2026-12-01T03:00:00.000Z',
    ...extra,
  });
  return { store, calls, fits, storage, actions: store.getState().actions };
}

const bytes = (s: string) => new TextEncoder().encode(s);
const longText = (n: number) => 'Call me Ishmael. Some years ago, never mind how long precisely.\n'.repeat(n);

describe('form and text', () => {
  it('K, steps and seed out of range get a sentence each, and start refuses without touching the report', () => {
    expect(formErrors(DEFAULT_FORM)).toEqual({});
    const e = formErrors({ ...DEFAULT_FORM, k: 2, steps: NaN, seed: 1.5 });
    expect(e.k).toBe('Models (K) must be a whole number from 3 to 48, not 2');
    expect(e.steps).toBe('Steps per model must be a whole number from 1 to 5,000');
    expect(e.seed).toMatch(/^Training seed must be a whole number/);
    const { store, calls, actions } = setup();
    store.setState({ report });
    actions.updateForm({ k: 100 });
    actions.start();
    expect(calls).toHaveLength(0);
    expect(store.getState()).toMatchObject({ status: 'idle', report });
    expect(store.getState().error).toMatch(/^Fix the form first: Models \(K\) must be a whole number from 3 to 48, not 100/);
  });

  it('a .txt that is empty, binary, not UTF-8, blank or too short is refused with why; the text chosen before stays', () => {
    expect(readUserText('e.txt', new Uint8Array())).toEqual({ error: '“e.txt” is empty' });
    expect(readUserText('b.txt', new Uint8Array([72, 0, 105]))).toEqual({ error: '“b.txt” is not a text file (it holds NUL bytes)' });
    expect(readUserText('l.txt', new Uint8Array([0xff, 0xfe, 0x41]))).toEqual({ error: '“l.txt” is not UTF-8 text' });
    expect(readUserText('w.txt', bytes(' \n\n  '))).toEqual({ error: '“w.txt” holds only white space' });
    const short = readUserText('s.txt', bytes('A short note.'));
    expect('error' in short && short.error).toMatch(/^“s\.txt”: the training text is too short: 13 bytes; at least \d+ needed/);
    const { store, actions } = setup();
    actions.chooseText('book.txt', bytes(longText(40)));
    expect(store.getState().text).toMatchObject({ name: 'book.txt', bytes: longText(40).length });
    actions.chooseText('s.txt', bytes('A short note.'));
    expect(store.getState().text?.name).toBe('book.txt');
    expect(store.getState().textError).toMatch(/too short/);
    actions.clearText();
    expect(store.getState()).toMatchObject({ text: null, textError: null });
  });

  it('a search space with errors is named, nothing starts', () => {
    const { store, calls, actions } = setup({ currentSpace: () => ({ errors: ['Heads: no choice divides dModel 100'] }) });
    actions.start();
    expect(calls).toHaveLength(0);
    expect(store.getState().error).toBe('The search space has errors (Search space panel): Heads: no choice divides dModel 100.');
  });
});

describe('a run', () => {
  it('sends the space, the settings and the backend; Moby-Dick unless the user gave a text', async () => {
    const { calls, actions } = setup();
    actions.updateForm({ k: 3, steps: 20, seed: 7, backend: 'cpu' });
    actions.start();
    expect(calls[0].request).toMatchObject({
      space: DEFAULT_SPACE,
      backend: 'cpu',
      settings: { k: 3, steps: 20, seed: 7, batchSize: DEFAULT_TRAIN.batchSize, seqLen: DEFAULT_TRAIN.seqLen },
    });
    expect(calls[0].corpus).toBeUndefined();
    calls[0].reject(new Error('x'));
    await tick();
    actions.chooseText('mine.txt', bytes(longText(40)));
    actions.start();
    expect(calls[1].corpus).toEqual({ name: 'mine.txt', documents: [longText(40)] });
  });

  it('progress: model i of K and its loss curve so far; finished models arrive one by one; the report ends it and is saved', async () => {
    const { store, calls, actions, storage } = setup();
    actions.updateForm({ k: 5, steps: 20 });
    actions.start();
    expect(store.getState().status).toBe('running');
    const c = calls[0];
    c.progress({ model: 0, k: 5, step: 0, steps: 20, loss: NaN, phase: 'build' });
    for (let s = 1; s <= 3; s++) c.progress({ model: 0, k: 5, step: s, steps: 20, loss: 6 - s, phase: 'train' });
    await tick();
    let run = store.getState().run!;
    expect(run.progress).toMatchObject({ model: 0, step: 3, loss: 3 });
    expect(run.curves[0]).toEqual([5, 4, 3]);
    c.model(report.models[0], info);
    c.progress({ model: 1, k: 5, step: 2, steps: 20, loss: 4.5, phase: 'train' }); // step 1 was not reported
    await tick();
    run = store.getState().run!;
    expect(run.models).toHaveLength(1);
    expect(run.curves[0]).toEqual(report.models[0].losses); // the model's own full curve
    expect(run.curves[1]).toEqual([NaN, 4.5]);
    c.resolve(report);
    await tick();
    const s = store.getState();
    expect(s).toMatchObject({ status: 'done', report, partial: false, notice: 'Done: 5 models trained and scored.' });
    expect(s.run!.curves).toHaveLength(5);
    const saved = loadValidation(storage);
    expect(saved.message).toBeNull();
    expect(saved.saved.report).toEqual(report);
  });

  it('Stop terminates the run and keeps the models finished so far as a report of their own; late messages are ignored', async () => {
    const { store, calls, actions } = setup();
    actions.updateForm({ k: 5, steps: 20 });
    actions.start();
    const c = calls[0];
    c.model(report.models[0], info);
    c.model(report.models[1], info);
    c.model(report.models[2], info);
    c.progress({ model: 3, k: 5, step: 4, steps: 20, loss: 3, phase: 'train' });
    actions.stop();
    expect(c.aborted).toBe(true);
    const s = store.getState();
    expect(s.status).toBe('stopped');
    expect(s.partial).toBe(true);
    expect(s.notice).toBe('Stopped after 3 of 5 models; the models trained so far are kept.');
    expect(s.report!.models).toEqual(report.models.slice(0, 3));
    expect(s.report!.corpus).toEqual(info);
    expect(s.report!.proxies.find((p) => p.proxy === 'decoder-params')).toMatchObject({ spearman: 1, n: 3 });
    c.model(report.models[3], info);
    c.resolve(report);
    await tick();
    expect(store.getState().report!.models).toHaveLength(3);
    expect(store.getState().status).toBe('stopped');
  });

  it('Stop before any model keeps the earlier report', async () => {
    const { store, calls, actions } = setup();
    store.setState({ report });
    actions.start();
    calls[0].progress({ model: 0, k: 12, step: 5, steps: 300, loss: 4, phase: 'train' });
    actions.stop();
    expect(store.getState()).toMatchObject({ status: 'stopped', report, partial: false });
    expect(store.getState().notice).toMatch(/^Stopped before the first of 12 models was trained; the report on screen is the earlier one/);
  });

  it('a failure (an unavailable backend, a crash) is named; what was trained or shown stays', async () => {
    const { store, calls, actions } = setup();
    store.setState({ report });
    actions.updateForm({ backend: 'webgpu' });
    actions.start();
    calls[0].reject(new Error('webgpu is not available: no adapter\n  at stack'));
    await tick();
    expect(store.getState()).toMatchObject({ status: 'failed', report, error: 'Validation failed: webgpu is not available: no adapter.' });
    actions.start();
    calls[1].model(report.models[0], info);
    calls[1].reject(new Error('train worker crashed: out of memory'));
    await tick();
    const s = store.getState();
    expect(s.error).toBe('Validation failed: train worker crashed: out of memory. The 1 model trained before it is kept.');
    expect(s.report!.models).toEqual([report.models[0]]);
    expect(s.partial).toBe(true);
  });
});

describe('est. ppl reference', () => {
  it('hands the fit on the trained models to the reference store, names it, and goes back to LTS; LTS figures stay', async () => {
    const reference = createReferenceStore();
    const { runner } = scriptedRunner();
    const store = createValidationStore({
      runner,
      currentSpace: () => ({ space: DEFAULT_SPACE, errors: [] }),
      setEstFit: (f) => reference.getState().setEstFit(f),
      storage: memoryStorage(),
    });
    store.setState({ report });
    // Taken before the LTS data has loaded: loading it does not undo the choice.
    store.getState().actions.useAsReference(true);
    const mine = reference.getState().estFit!;
    expect(mine.dataset).toBe('Moby-Dick, 5 models trained here, per-byte ppl');
    await reference.getState().load();
    expect(reference.getState().estFit).toBe(mine);
    const lts = reference.getState().analysis!.fit;
    expect(lts.dataset).toBe('LTS GPT-2, WikiText-103'); // the Proxy check's LTS figures are untouched
    store.getState().actions.useAsReference(false);
    expect(reference.getState().estFit).toBe(lts);
    expect(reference.getState().override).toBeNull();
  });

  it('a report that cannot be fitted says why and changes nothing', () => {
    const { store, fits, actions } = setup();
    actions.useAsReference(true);
    expect(store.getState().referenceError).toBe('there is no report to take a fit from yet');
    store.setState({ report: fakeReport(report.models.slice(0, 2)) });
    actions.useAsReference(true);
    expect(store.getState().referenceError).toMatch(/^This report cannot be the est\. ppl reference: a fit needs at least 3/);
    expect(fits).toEqual([]);
  });
});

describe('saved report', () => {
  const saved = (o: unknown) => memoryStorage({ [VALIDATION_KEY]: typeof o === 'string' ? o : JSON.stringify(o) });

  it('NaN figures survive the round trip (JSON null)', () => {
    const withNaN = fakeReport(report.models.slice(0, 2));
    withNaN.proxies[0] = { ...withNaN.proxies[0], spearman: NaN, spearmanCi: [NaN, NaN] }; // a proxy tied on every model
    const storage = saved({ version: 1, report: withNaN, partial: true });
    const r = loadValidation(storage);
    expect(r.message).toBeNull();
    expect(r.saved.partial).toBe(true);
    expect(r.saved.report!.proxies[0].spearman).toBeNaN();
    expect(r.saved.report!.proxies[0].spearmanCi.every(Number.isNaN)).toBe(true);
    expect(r.saved.report!.proxies[1]).toEqual(withNaN.proxies[1]);
  });

  it('data this app cannot read is refused whole, with the reason', () => {
    const bad: [unknown, RegExp][] = [
      ['{', /not loaded: it is not JSON\.$/],
      [{ version: 2, report: null }, /version 2 is not one this app reads \(1\)/],
      [{ version: 1, report: { ...report, backend: 'tpu' } }, /backend "tpu" is not a backend this app knows/],
      [{ version: 1, report: { ...report, models: [{ ...report.models[0], ppl: 'low' }] } }, /models\[0\]\.ppl is string, not a number/],
      [{ version: 1, report: { ...report, models: [{ ...report.models[0], arch: { dModel: 0 } }] } }, /models\[0\]\.arch: /],
      [
        { version: 1, report: { ...report, proxies: [{ ...report.proxies[0], proxy: 'vibes' }] } },
        /proxies\[0\]\.proxy "vibes" is not a proxy/,
      ],
    ];
    for (const [data, why] of bad) {
      const r = loadValidation(saved(data));
      expect(r.saved.report, String(why)).toBeNull();
      expect(r.message, String(why)).toMatch(why);
    }
    const { store } = setup({ storage: saved({ version: 1, report: { ...report, backend: 'tpu' } }) });
    expect(store.getState().report).toBeNull();
    expect(store.getState().storageMessage).toBe(
      'The saved validation report was not loaded: backend "tpu" is not a backend this app knows.',
    );
    const good = setup({ storage: saved({ version: 1, report, partial: false }) });
    expect(good.store.getState().report).toEqual(report);
  });

  it('a browser that refuses to store gets a sentence; the report stays on screen', async () => {
    const full = {
      getItem: () => null,
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
    };
    const { store, calls, actions } = setup({ storage: full });
    actions.start();
    calls[0].resolve(report);
    await tick();
    expect(store.getState().report).toEqual(report);
    expect(store.getState().storageMessage).toMatch(/could not be saved in this browser \(QuotaExceededError\)/);
  });
});
