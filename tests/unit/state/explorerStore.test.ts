// The explorer store driving the real worker API over a MessageChannel (comlink in Node):
// search to the end, live progress, Stop keeps the frontier, failures keep results and the next
// search starts a fresh worker, user errors get sentences and start nothing.
import { describe, expect, it } from 'vitest';
import { createExplorerStore, type ExplorerStore } from '../../../src/state/explorerStore';
import { runView } from '../../../src/view/runView';
import { PAGE_SIZE, sortRows } from '../../../src/view/table';
import { fakeRunner, fakeWorker } from './fakeWorker';

const until = async (cond: () => boolean, ms = 20_000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
};

function setup(evaluations = 3000) {
  const { runner, workers } = fakeRunner();
  const store = createExplorerStore(runner);
  store.getState().actions.setEvaluations(evaluations);
  return { store, workers };
}

const idle = (store: ExplorerStore) => () => store.getState().run.status === 'idle';

describe('explorer store', () => {
  it('runs the default search to the end, streams progress and selects a frontier candidate', async () => {
    const { store, workers } = setup();
    const seen: number[] = [];
    store.subscribe((s) => {
      if (s.run.snapshot && seen[seen.length - 1] !== s.run.snapshot.evaluated) seen.push(s.run.snapshot.evaluated);
    });
    store.getState().actions.startSearch();
    expect(store.getState().run.status).toBe('running');
    await until(idle(store));
    const { run, selection, notice, errors } = store.getState();
    expect(errors).toEqual([]);
    expect(run.outcome).toBe('done');
    expect(run.snapshot!.evaluated).toBe(3000);
    expect(run.snapshot!.done).toBe(true);
    expect(run.snapshot!.frontier.count).toBeGreaterThan(10);
    expect(seen.length).toBeGreaterThanOrEqual(2); // at least one progress update before the final one
    expect(notice).toMatch(/^Done: 3,000 evaluations in /);
    // Selected: a frontier candidate, its arch unpacked, within the 64M total-params budget.
    expect(selection).not.toBeNull();
    expect(runView(run.snapshot!).byId.get(selection!.id)!.status).toBe('frontier');
    expect(selection!.arch.family).toBe('gpt2');
    expect(workers).toHaveLength(1);
    expect(workers[0].terminated).toBe(false); // reused by the next run
  });

  it('Stop makes the UI idle at once, keeps the frontier so far and terminates the worker', async () => {
    const { store, workers } = setup(400_000);
    store.getState().actions.startSearch();
    await until(() => (store.getState().run.snapshot?.frontier.count ?? 0) > 0);
    const before = store.getState().run.snapshot!;
    store.getState().actions.stopSearch();
    // Synchronously idle: nothing waits for the worker.
    const { run, notice, errors } = store.getState();
    expect(run.status).toBe('idle');
    expect(run.outcome).toBe('stopped');
    expect(run.snapshot).toBe(before);
    expect(store.getState().results?.snapshot).toBe(before);
    expect(errors).toEqual([]);
    expect(notice).toMatch(/Stopped after [\d,]+ evaluations; the frontier found so far is kept/);
    expect(workers[0].terminated).toBe(true);
    expect(store.getState().selection?.runId).toBe(run.id);
    // Late messages from the stopped run change nothing.
    await new Promise((r) => setTimeout(r, 50));
    expect(store.getState().run.snapshot).toBe(before);
    // The next search gets a new worker and completes.
    store.getState().actions.setEvaluations(1500);
    store.getState().actions.startSearch();
    await until(idle(store));
    expect(store.getState().run.outcome).toBe('done');
    expect(workers).toHaveLength(2);
  });

  it('a worker that throws shows the error, keeps the previous results, and the next search works', async () => {
    let calls = 0;
    const broken = { search: async () => Promise.reject(new Error('boom in the worker')) };
    const { runner, workers } = fakeRunner(() => (calls++ === 1 ? fakeWorker(broken) : fakeWorker()));
    const store = createExplorerStore(runner);
    store.getState().actions.setEvaluations(1500);
    store.getState().actions.startSearch();
    await until(idle(store));
    const first = store.getState().run.snapshot;
    expect(first?.frontier.count).toBeGreaterThan(0);

    store.getState().actions.startSearch(); // reuses worker 1: fine
    await until(idle(store));
    expect(store.getState().run.outcome).toBe('done');
    // Force a new worker (the broken one) by stopping a run.
    store.getState().actions.setEvaluations(400_000);
    store.getState().actions.startSearch();
    store.getState().actions.stopSearch();
    const kept = store.getState().results;
    expect(kept?.snapshot.frontier.count).toBeGreaterThan(0);
    store.getState().actions.startSearch();
    await until(idle(store));
    const s = store.getState();
    expect(s.run.outcome).toBe('failed');
    expect(s.errors.join(' ')).toMatch(/the search failed: boom in the worker\. Results so far are kept\./);
    expect(s.results).toBe(kept);
    expect(workers[1].terminated).toBe(true);

    store.getState().actions.setEvaluations(1500);
    store.getState().actions.startSearch();
    await until(idle(store));
    expect(store.getState().run.outcome).toBe('done');
    expect(store.getState().errors).toEqual([]);
    expect(workers).toHaveLength(3);
  });

  it('a worker that dies (error event) rejects the run with a message and is replaced', async () => {
    const { store, workers } = setup(400_000);
    store.getState().actions.startSearch();
    await until(() => (store.getState().run.snapshot?.frontier.count ?? 0) > 0);
    workers[0].crash('out of memory');
    await until(idle(store));
    expect(store.getState().errors[0]).toMatch(/search worker crashed: out of memory/);
    expect(store.getState().results?.snapshot.frontier.count).toBeGreaterThan(0);
    expect(workers[0].terminated).toBe(true);
    store.getState().actions.setEvaluations(1000);
    store.getState().actions.startSearch();
    await until(idle(store));
    expect(store.getState().run.outcome).toBe('done');
    expect(workers).toHaveLength(2);
  });

  it('an impossible budget gets a sentence, starts nothing and loses nothing', async () => {
    const { store, workers } = setup(1000);
    store.getState().actions.startSearch();
    await until(idle(store));
    const kept = store.getState().results;
    store.getState().actions.updateBudgets({ paramsM: 1 });
    store.getState().actions.startSearch();
    const s = store.getState();
    expect(s.run.status).toBe('idle');
    expect(s.errors).toEqual([
      'no feasible architecture: the smallest arch in the space (2L d128 h2 ffn256) has 6.83 M total params > budget 1 M total params',
    ]);
    expect(s.results).toBe(kept);
    expect(workers).toHaveLength(1);
  });

  it("a space with no valid width/FFN width pair says so once, in the panel's words", () => {
    const { store, workers } = setup();
    store.getState().actions.updateSpace({ dInnerMin: 128, dInnerMax: 256, dInnerStep: 64 });
    store.getState().actions.startSearch();
    const { errors, run } = store.getState();
    expect(run.status).toBe('idle');
    expect(errors).toEqual([
      'FFN width: for Model width 192, 256, 320 and 10 more, no choice is ≥ 1.7 × Model width; raise FFN width "to" or lower Min FFN ratio',
    ]);
    expect(workers).toHaveLength(0);
  });

  it('MeRino mode searches entropy against latency and puts entropy on the y axis', async () => {
    const { store } = setup(1000);
    store.getState().actions.updateObjectives({ merino: true });
    store.getState().actions.startSearch();
    await until(idle(store));
    const s = store.getState();
    expect(s.run.config!.objectives).toEqual([
      { metric: 'entropy', sense: 'max' },
      { metric: 'latency', sense: 'min' },
    ]);
    expect(s.view.y).toBe('entropy');
  });

  it('select picks any sampled point and pages the table to a frontier row', async () => {
    const { store } = setup(2000);
    store.getState().actions.startSearch();
    await until(idle(store));
    const { run, sort } = store.getState();
    const rows = sortRows(runView(run.snapshot!).frontier, sort, null);
    const target = rows[rows.length - 1];
    store.getState().actions.select(target.id);
    expect(store.getState().selection!.id).toBe(target.id);
    expect(store.getState().page).toBe(Math.floor((rows.length - 1) / PAGE_SIZE));
    expect(store.getState().selection!.arch.layers).toHaveLength(target.nLayer);
    const dominated = runView(run.snapshot!).dominated[0];
    store.getState().actions.select(dominated.id);
    expect(store.getState().selection!.id).toBe(dominated.id);
    store.getState().actions.sortBy('paramsTotal');
    expect(store.getState().sort).toEqual({ key: 'paramsTotal', dir: 'asc' });
    store.getState().actions.sortBy('paramsTotal');
    expect(store.getState().sort).toEqual({ key: 'paramsTotal', dir: 'desc' });
  });
});

describe('refineBatch', () => {
  it('picks frontier candidates the series lacks, spread along latency', async () => {
    const { refineBatch } = await import('../../../src/state/explorerStore');
    const { addMeasurements, emptyMeasurements } = await import('../../../src/core/measurements');
    const { archBase, packSnapshot, unpackArch } = await import('../../../src/core/packed');
    const { archKey } = await import('../../../src/core/arch');
    const { DEFAULT_SEARCH, searchToEnd } = await import('../../../src/core/search');
    const config = { ...DEFAULT_SEARCH, evaluations: 400 };
    const snapshot = packSnapshot(searchToEnd(config), config.objectives.length);
    const all = Array.from({ length: snapshot.frontier.count }, (_, i) => unpackArch(snapshot.frontier, i, archBase(config)));
    const t = { medianMs: 1, p10Ms: 1, p90Ms: 1, cv: 0 };
    const m = (a: (typeof all)[number]) => ({
      archKey: archKey(a),
      tokens: 128,
      prefill: t,
      decode: t,
      firstRunMs: 1,
      peakBytes: 1,
      leakedTensors: 0,
      at: '2026-01-01T00:00:00.000Z',
    });
    const store = addMeasurements(emptyMeasurements(), 'wasm', { backend: 'wasm', runtime: 'worker' }, 'worker', all.slice(0, 3).map(m));
    const state = { results: { runId: 1, config, snapshot }, measure: { measurements: store } } as never;
    const batch = refineBatch(state, store.series[0].id, 4);
    expect(batch).toHaveLength(Math.min(4, all.length - 3));
    const measured = new Set(all.slice(0, 3).map(archKey));
    expect(batch.every((a) => !measured.has(archKey(a)))).toBe(true);
    expect(refineBatch(state, 'no such series', 4)).toEqual([]);
  });
});

describe('applyPaper', () => {
  it("sets the paper's space, budgets, objectives and baselines, and runs its search", async () => {
    const { store } = setup(600);
    store.getState().actions.applyPaper('merino');
    const s = store.getState();
    expect(s.settings.paper).toBe('merino');
    expect(s.settings.presetId).toBe('merino-opt');
    expect(s.settings.objectives.merino).toBe(true);
    expect(s.settings.baselines).toEqual(['opt-350m', 'opt-125m']);
    expect(s.run.status).toBe('running');
    expect(s.run.config!.budgets).toEqual({ paramsTotal: 64e6 });
    expect(s.run.config!.space.family).toBe('opt');
    expect(s.run.config!.objectives[0].metric).toBe('entropy');
    // Another paper while it runs: the first search stops, the second starts.
    store.getState().actions.applyPaper('lts');
    expect(store.getState().run.config!.budgets).toEqual({ paramsDecoder: 100e6, paramsDecoderMin: 6e6 });
    expect(store.getState().run.status).toBe('running');
    await until(idle(store));
    const { run, results, errors } = store.getState();
    expect(errors).toEqual([]);
    expect(run.outcome).toBe('done');
    const frontier = runView(results!.snapshot).frontier;
    expect(frontier.length).toBeGreaterThan(0);
    expect(frontier.every((r) => r.paramsDecoder >= 6e6 && r.paramsDecoder <= 100e6)).toBe(true);
    // No paper: only the card goes, the settings stay.
    store.getState().actions.applyPaper(null);
    expect(store.getState().settings.paper).toBeNull();
    expect(store.getState().settings.presetId).toBe('lts-gpt2');
    expect(store.getState().run.status).toBe('idle');
  });

  it('a hand edit of what the paper set (space, budgets, objectives) leaves the paper; evaluations and seed do not', () => {
    const { store } = setup(600);
    const edits: [string, () => void][] = [
      ['space', () => store.getState().actions.updateSpace({ vocabSize: 32_000 })],
      ['preset', () => store.getState().actions.setPreset('lts-gpt2')],
      ['budgets', () => store.getState().actions.updateBudgets({ latencyMs: 50 })],
      ['objectives', () => store.getState().actions.updateObjectives({ merino: false })],
    ];
    for (const [what, edit] of edits) {
      store.getState().actions.applyPaper('merino');
      store.getState().actions.stopSearch();
      store.getState().actions.setEvaluations(700);
      store.getState().actions.setSeed(3);
      expect(store.getState().settings.paper, `${what}: evaluations and seed keep it`).toBe('merino');
      edit();
      expect(store.getState().settings.paper, what).toBeNull();
    }
  });
});
