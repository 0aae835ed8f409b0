// The store's measure and calibrate actions over the real measure worker API (comlink on a
// MessageChannel, tfjs cpu backend in Node) and the real search worker API: measuring adds a
// series and persists it, a new store reads it back, Stop keeps earlier results, a candidate over
// the memory cap gets its message while the other is measured, an unavailable backend says so,
// ONNX Runtime Web measures into a series of its own, and calibration sets the next search's
// eval.profile and its label, persisted, with a way back.
import { describe, expect, it } from 'vitest';
import { checkMemory } from '../../../src/core/memoryGuard';
import { DEFAULT_PROFILE, type DeviceProfile } from '../../../src/core/latency';
import type { MeasuredProfile } from '../../../src/measure/profile';
import { createMeasureRunner } from '../../../src/state/measureClient';
import { CALIBRATION_KEY } from '../../../src/state/calibration';
import { createExplorerStore, type ExplorerStore } from '../../../src/state/explorerStore';
import { archSummary } from '../../../src/core/arch';
import { api as measureApi } from '../../../src/workers/measure.worker';
import { fakeRunner, fakeWorker } from './fakeWorker';
import { MEASUREMENTS_KEY, UNREADABLE_DISMISSED_KEY, UNREADABLE_KEY, type StorageLike } from '../../../src/state/storage';
import { measureTargets } from '../../../src/state/measureForm';
import { archKey } from '../../../src/core/arch';
import { baselineById } from '../../../src/core/baselines';

const until = async (cond: () => boolean, ms = 30_000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
};

function memoryStorage(): StorageLike & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v) };
}

/** A profile the next calibrate returns instead of measuring (null: measured). */
const profileOverride: { next: DeviceProfile | null } = { next: null };

/** A store with a tiny space (two frontier candidates) searched, ready to measure on cpu; `timed`
 *  lists the candidate of every measure call, in order. */
async function setup(storage = memoryStorage()) {
  const { runner } = fakeRunner();
  const measureRunner = createMeasureRunner(
    () => fakeWorker(measureApi),
    async () => measureApi,
  );
  const timed: string[] = [];
  const measure = measureRunner.measure.bind(measureRunner);
  measureRunner.measure = (archs, options, onProgress) => {
    timed.push(...archs.map(archSummary));
    return measure(archs, options, onProgress);
  };
  const profile = measureRunner.profile.bind(measureRunner);
  measureRunner.profile = (options) => {
    const next = profileOverride.next;
    return next ? { result: Promise.resolve(next as MeasuredProfile), abort() {} } : profile(options);
  };
  const store = createExplorerStore(runner, undefined, { runner: measureRunner, storage });
  const a = store.getState().actions;
  a.updateSpace({ vocabSize: 64, contextLength: 64, layersMin: 1, layersMax: 1, dModelMin: 16, dModelMax: 32, dModelStep: 16, heads: '2' });
  a.updateSpace({ dInnerMin: 64, dInnerMax: 64, dInnerStep: 64 });
  a.setEvaluations(50);
  a.startSearch();
  await until(() => store.getState().run.status === 'idle');
  expect(store.getState().results!.snapshot.frontier.count).toBe(2);
  a.updateMeasure({ backend: 'cpu', mode: 'frontier', tokens: 8, runs: 2, minTimeMs: 0, rounds: 1 });
  return { store, storage, a, timed };
}

const series = (store: ExplorerStore) => store.getState().measure.measurements.series;

describe('measuring from the store', () => {
  it('a running candidate holds its phase, the count within it, and when the phase began', async () => {
    const { store, a } = await setup();
    const seen: { phase: string | null; run?: number; of?: number; phaseStartedAt?: number }[] = [];
    const unsubscribe = store.subscribe((s) => {
      const it = s.measure.items[0];
      if (it?.state === 'running' && it.phase && seen.at(-1)?.phase !== it.phase) seen.push({ ...it });
    });
    const t0 = Date.now();
    await a.measure();
    unsubscribe();
    expect(seen.map((x) => x.phase)).toEqual(['build', 'prefill', 'decode', 'peak']);
    expect(seen[1]).toMatchObject({ run: 0, of: 2 }); // prefill's first report comes before its warm-up
    const starts = seen.map((x) => x.phaseStartedAt ?? NaN);
    expect(starts[0]).toBeGreaterThanOrEqual(t0);
    expect(starts).toEqual([...starts].sort((x, y) => x - y));
  });

  it('measures the frontier on cpu, persists the series, and a new store reads it back', async () => {
    const { store, storage, a } = await setup();
    await a.measure();
    const { measure } = store.getState();
    expect(measure.errors).toEqual([]);
    expect(measure.status).toBe('idle');
    expect(measure.session).toMatchObject({ backend: 'cpu', thread: 'worker' });
    expect(measure.notice).toMatch(/^Measured 2 of 2 candidates on cpu · /);
    expect(measure.items.map((i) => i.state)).toEqual(['done', 'done']);
    expect(series(store)).toHaveLength(1);
    const measured = Object.values(series(store)[0].byArch);
    expect(measured).toHaveLength(2);
    for (const m of measured) {
      expect(m.leakedTensors).toBe(0);
      expect(m.tokens).toBe(8);
      expect(m.decode.medianMs).toBeGreaterThan(0);
    }
    expect(measure.shownSeriesId).toBe(series(store)[0].id);
    expect(JSON.parse(storage.data.get(MEASUREMENTS_KEY)!).version).toBe(3);
    expect(series(store)[0]).toMatchObject({ tokens: 8, label: expect.stringMatching(/^cpu · .* · T = 8$/) });
    // "Reload": a new store over the same storage has the same series, shown in the table.
    const again = createExplorerStore(fakeRunner().runner, undefined, {
      runner: createMeasureRunner(
        () => fakeWorker(measureApi),
        async () => measureApi,
      ),
      storage,
    });
    expect(again.getState().measure.measurements).toEqual(store.getState().measure.measurements);
    expect(again.getState().measure.shownSeriesId).toBe(series(store)[0].id);
    expect(again.getState().measure.session).toBeNull(); // tfjs not loaded until asked
  });

  it('selected mode times the selection only; no selection is a sentence, not a run', async () => {
    const { store, a } = await setup();
    a.updateMeasure({ mode: 'selected' });
    a.select(null);
    await a.measure();
    expect(store.getState().measure.errors).toEqual(['Select a candidate in the chart or the table first.']);
    expect(series(store)).toHaveLength(0);
    const id = store.getState().results!.snapshot.frontier.ids[0];
    a.select(id);
    expect(measureTargets(store.getState(), 'selected').archs).toHaveLength(1);
    await a.measure();
    expect(Object.keys(series(store)[0].byArch)).toHaveLength(1);
  });

  it("with baselines, Measure times the chart's baselines after the candidates, in the same rounds, into the same series", async () => {
    const { store, a } = await setup();
    store.setState({ settings: { ...store.getState().settings, baselines: ['pythia-70m', 'lts-gpt2-16l'] } });
    const picked = measureTargets(store.getState(), 'frontier', true).archs;
    expect(picked.slice(-2).map(archKey)).toEqual(['pythia-70m', 'lts-gpt2-16l'].map((id) => archKey(baselineById(id)!.arch)));
    expect(measureTargets(store.getState(), 'frontier', false).archs).toHaveLength(picked.length - 2);
    // The link's own candidates are what a measure link asked for: no baselines added to them.
    expect(
      measureTargets({ ...store.getState(), measure: { ...store.getState().measure, linkCandidates: picked } }, 'link', true).archs,
    ).toHaveLength(picked.length);
    // Timed for real (cpu, tiny T): a small baseline is measured beside the candidates.
    store.setState({ settings: { ...store.getState().settings, baselines: ['pythia-70m'] } });
    a.updateMeasure({ withBaselines: true, tokens: 4, runs: 1, minTimeMs: 0 });
    await a.measure();
    const keys = Object.keys(series(store)[0].byArch);
    expect(keys).toContain(archKey(baselineById('pythia-70m')!.arch));
    expect(keys).toHaveLength(picked.length - 1);
  }, 120_000);

  it('Stop is idle at once and keeps the frontier and earlier measurements; the next run works', async () => {
    const { store, a } = await setup();
    await a.measure();
    const before = store.getState().measure.measurements;
    const frontier = store.getState().results;
    a.updateMeasure({ runs: 1000 });
    const pending = a.measure();
    // In Node the "worker" shares the thread: stop as soon as the first candidate is under way.
    await until(() => store.getState().measure.items[0]?.state === 'running');
    a.stopMeasuring();
    const { measure } = store.getState();
    expect(measure.status).toBe('idle'); // synchronously
    expect(measure.notice).toBe('Stopped measuring: 0 of 2 measured; those and earlier measurements are kept.');
    expect(measure.items.map((i) => i.state)).toEqual(['stopped', 'stopped']);
    await pending;
    expect(store.getState().measure.measurements).toBe(before);
    expect(store.getState().results).toBe(frontier);
    a.updateMeasure({ runs: 2 });
    await a.measure();
    expect(store.getState().measure.items.map((i) => i.state)).toEqual(['done', 'done']);
  });

  it('a candidate over the memory cap gets its message while the other is measured', async () => {
    const { store, a } = await setup();
    const [small, large] = measureTargets(store.getState(), 'frontier').archs.sort((x, y) => x.dModel - y.dModel);
    const need = (arch: typeof small) => checkMemory(arch, { backend: 'cpu', tokens: 8, capacity: 9 }).neededBytes;
    const capMB = (need(small) + need(large)) / 2 / 1e6;
    a.updateMeasure({ maxMemoryMB: capMB });
    await a.measure();
    const { measure } = store.getState();
    expect(measure.errors).toHaveLength(1);
    expect(measure.errors[0]).toMatch(/^1L d32 h2 ffn64: 1L d32 h2 ffn64 needs .* limit .* on the user cap on cpu$/);
    expect(measure.notice).toMatch(/^Measured 1 of 2 candidates/);
    expect(Object.keys(series(store)[0].byArch)).toHaveLength(1);
    expect(measure.items.find((i) => i.state === 'failed')!.summary).toBe('1L d32 h2 ffn64');
  });

  it('an unavailable backend says why and changes nothing; bad input is reported', async () => {
    const { store, a } = await setup();
    await a.measure();
    const before = store.getState().measure.measurements;
    a.updateMeasure({ backend: 'webgpu' });
    await a.measure();
    expect(store.getState().measure.errors[0]).toMatch(/^The webgpu backend is not available: .*webgpu.*Nothing was measured/);
    expect(store.getState().measure.measurements).toBe(before);
    expect(store.getState().measure.session).toBeNull(); // nothing runs: the badge must not claim cpu
    a.updateMeasure({ backend: 'cpu', tokens: 64, runs: 0, minTimeMs: -5, rounds: 11 });
    await a.measure();
    expect(store.getState().measure.errors).toEqual([
      'Timed runs must be an integer from 1 to 1,000',
      'Min time per workload must be from 0 to 600,000 ms',
      'Rounds must be an integer from 1 to 10',
      'Tokens (T) 64 leaves no room for a decode step in the context of 64 tokens',
    ]);
  });

  it('on ONNX Runtime Web: its own series beside tfjs’s, labelled by runtime, no memory figure; calibration stays tfjs', async () => {
    const { store, storage, a } = await setup();
    await a.measure(); // tfjs on cpu first
    a.updateMeasure({ runtime: 'ort', backend: 'wasm', rounds: 2 });
    await a.measure();
    const { measure } = store.getState();
    expect(measure.errors).toEqual([]);
    expect(measure.session).toMatchObject({
      runtime: 'ort',
      backend: 'wasm',
      thread: 'worker',
      device: { backend: 'wasm', wasmSimd: true },
    });
    expect(measure.notice).toMatch(/^Measured 2 of 2 candidates on ORT-web wasm · /);
    expect(series(store).map((s) => s.runtime)).toEqual(['tfjs', 'ort']);
    const ort = series(store)[1];
    expect(ort).toMatchObject({ backend: 'wasm', tokens: 8, label: expect.stringMatching(/^ORT-web wasm · .* · T = 8$/) });
    expect(ort.id).toMatch(/^ort\|wasm\|/);
    expect(measure.shownSeriesId).toBe(ort.id);
    for (const m of Object.values(ort.byArch)) expect([m.peakBytes, m.leakedTensors, m.slices, m.decode.runs]).toEqual([null, 0, 2, 2]);
    // Saved with its runtime; a new store reads it back as ORT's.
    const saved = JSON.parse(storage.data.get(MEASUREMENTS_KEY)!);
    expect(saved.series.map((s: { runtime: string }) => s.runtime)).toEqual(['tfjs', 'ort']);
    // ORT has no cpu backend: the form says so before anything runs.
    a.updateMeasure({ backend: 'cpu' });
    await a.measure();
    expect(store.getState().measure.errors).toEqual(['ONNX Runtime Web does not run on cpu: pick webgpu or wasm as the Backend']);
    // Calibrate times tfjs's micro-benchmarks whatever the runtime picked (here on cpu: tfjs's
    // wasm files are served by Vite in the app, not readable from this Node worker).
    expect(store.getState().measure.form.runtime).toBe('ort');
    profileOverride.next = { gflops: 20, gbps: 10, overheadMsPerKernel: 0.01, label: 'measured' };
    try {
      await a.calibrate();
    } finally {
      profileOverride.next = null;
    }
    expect(store.getState().measure.errors).toEqual([]);
    expect(store.getState().measure.session).toMatchObject({ runtime: 'tfjs', backend: 'cpu' });
    expect(store.getState().measure.calibration?.device).toMatch(/^cpu · /);
  });

  it('rounds: the candidates are timed round-robin, each one from all its slices pooled', async () => {
    const { store, a, timed } = await setup();
    a.updateMeasure({ rounds: 3, runs: 4 });
    await a.measure();
    const { measure } = store.getState();
    expect(measure.errors).toEqual([]);
    const [x, y] = measureTargets(store.getState(), 'frontier').archs.map(archSummary);
    expect(timed).toEqual([x, y, x, y, x, y]);
    expect(measure.items.map((i) => [i.state, i.slicesDone, i.fraction])).toEqual([
      ['done', 3, 1],
      ['done', 3, 1],
    ]);
    for (const m of Object.values(series(store)[0].byArch)) {
      expect(m.slices).toBe(3);
      expect(m.prefill.runs).toBe(3 * Math.ceil(4 / 3)); // each round's share of the runs
      expect(m.decode.runs).toBe(6);
      expect(m.leakedTensors).toBe(0);
    }
    // One candidate cannot be interleaved: it is timed once, with every run.
    a.updateMeasure({ mode: 'selected' });
    a.select(store.getState().results!.snapshot.frontier.ids[0]);
    timed.length = 0;
    await a.measure();
    expect(timed).toHaveLength(1);
    expect(store.getState().measure.items[0].measurement).toMatchObject({ prefill: { runs: 4 } });
    expect(store.getState().measure.items[0].measurement!.slices).toBeUndefined();
  });

  it('rounds: Stop records the slices already timed, and says they are fewer', async () => {
    const { store, a } = await setup();
    a.updateMeasure({ rounds: 3, runs: 999 }); // 333 runs a slice: long enough to stop in
    const pending = a.measure();
    // Stop once the first candidate has one round done and the second is under way.
    await until(() => store.getState().measure.items[1]?.state === 'running');
    a.stopMeasuring();
    const { measure } = store.getState();
    expect(measure.status).toBe('idle');
    expect(measure.notice).toBe('Stopped measuring: 1 of 2 measured (1 in fewer than 3 rounds); those and earlier measurements are kept.');
    expect(measure.items.map((i) => i.state)).toEqual(['done', 'stopped']);
    expect(measure.items[0]).toMatchObject({ slicesDone: 1 });
    const [m] = Object.values(series(store)[0].byArch);
    expect(m.prefill.runs).toBe(333); // a third of the runs
    expect(m.slices).toBeUndefined();
    await pending;
    expect(Object.values(series(store)[0].byArch)).toHaveLength(1); // the abandoned slice adds nothing
  });

  it('rounds: a candidate refused in the first round is not tried again', async () => {
    const { store, a, timed } = await setup();
    const [small, large] = measureTargets(store.getState(), 'frontier').archs.sort((p, q) => p.dModel - q.dModel);
    const need = (arch: typeof small) => checkMemory(arch, { backend: 'cpu', tokens: 8, capacity: 9 }).neededBytes;
    a.updateMeasure({ rounds: 2, maxMemoryMB: (need(small) + need(large)) / 2 / 1e6 });
    await a.measure();
    const { measure } = store.getState();
    expect(measure.errors).toHaveLength(1);
    expect(timed.filter((t) => t === archSummary(large))).toHaveLength(1);
    expect(timed.filter((t) => t === archSummary(small))).toHaveLength(2);
    expect(Object.values(series(store)[0].byArch).map((m) => m.slices)).toEqual([2]);
  });

  it('calibrate sets the next search eval.profile and its label, persisted; unchecking goes back to the default', async () => {
    const { store, storage, a } = await setup();
    expect(store.getState().settings.profile).toBe(DEFAULT_PROFILE);
    await a.calibrate();
    const { measure, settings } = store.getState();
    expect(measure.errors).toEqual([]);
    expect(measure.calibration?.use).toBe(true);
    expect(settings.profile.label).toMatch(/^measured on cpu: [\d.]+ GFLOP\/s \(matmul\), [\d.]+ GB\/s \(GEMV\), [\d.]+ µs\/kernel$/);
    expect(settings.profile.gflops).toBeGreaterThan(0);
    expect(settings.profile.backend).toBe('cpu'); // its kernel set (core/latency kernelSetOf)
    a.startSearch();
    await until(() => store.getState().run.status === 'idle');
    expect(store.getState().results!.config.eval.profile).toEqual(settings.profile);
    expect(JSON.parse(storage.data.get(CALIBRATION_KEY)!)).toMatchObject({ version: 1, use: true, backend: 'cpu' });
    // A new store starts with the calibrated profile.
    const reloaded = createExplorerStore(fakeRunner().runner, undefined, {
      runner: createMeasureRunner(
        () => fakeWorker(measureApi),
        async () => measureApi,
      ),
      storage,
    });
    expect(reloaded.getState().settings.profile).toEqual(settings.profile);
    a.useCalibration(false);
    expect(store.getState().settings.profile).toBe(DEFAULT_PROFILE);
    expect(JSON.parse(storage.data.get(CALIBRATION_KEY)!).use).toBe(false);
    const reloaded2 = createExplorerStore(fakeRunner().runner, undefined, {
      runner: createMeasureRunner(
        () => fakeWorker(measureApi),
        async () => measureApi,
      ),
      storage,
    });
    expect(reloaded2.getState().settings.profile).toBe(DEFAULT_PROFILE);
    expect(reloaded2.getState().measure.calibration?.profile.label).toBe(settings.profile.label);
  });

  it('unreadable saved data is dropped with a sentence', async () => {
    const storage = memoryStorage();
    storage.setItem(MEASUREMENTS_KEY, '{"version":0,"series":[]}');
    storage.setItem(CALIBRATION_KEY, 'nope');
    const store = createExplorerStore(fakeRunner().runner, undefined, {
      runner: createMeasureRunner(
        () => fakeWorker(measureApi),
        async () => measureApi,
      ),
      storage,
    });
    expect(store.getState().measure.errors).toEqual(['The saved calibration was dropped: the saved calibration was not valid JSON.']);
    expect(store.getState().measure.unreadable?.message).toBe(
      'Saved measurements could not be read: version 0 is not one this app reads (1, 2 or 3). ' +
        'The unreadable data is kept aside in this browser (a Measure does not erase it): download it, or delete it.',
    );
    expect(store.getState().settings.profile).toBe(DEFAULT_PROFILE);
  });

  it('a stored calibration with absurd numbers is not used, with a sentence naming the field and value', () => {
    const storage = memoryStorage();
    const profile = { gflops: 5e-324, gbps: 10, overheadMsPerKernel: 0.01, label: 'measured on wasm: absurd' };
    storage.setItem(CALIBRATION_KEY, JSON.stringify({ version: 1, profile, backend: 'wasm', device: 'x', at: '2025-01-01', use: true }));
    const store = createExplorerStore(fakeRunner().runner, undefined, {
      runner: createMeasureRunner(
        () => fakeWorker(measureApi),
        async () => measureApi,
      ),
      storage,
    });
    expect(store.getState().settings.profile).toBe(DEFAULT_PROFILE);
    expect(store.getState().measure.calibration).toBeNull();
    expect(store.getState().measure.errors).toEqual([
      'The saved calibration was dropped: its matmul throughput (gflops) is 5e-324 GFLOP/s, below the least this app accepts (0.01 GFLOP/s).',
    ]);
  });

  it('a calibration that measures absurd numbers is not applied nor stored', async () => {
    const { store, storage, a } = await setup();
    const absurd = { gflops: 30, gbps: 0, overheadMsPerKernel: 0.01, label: 'measured on cpu: absurd' };
    profileOverride.next = absurd;
    await a.calibrate();
    profileOverride.next = null;
    expect(store.getState().measure.errors).toEqual([
      'Calibration was not applied: its memory bandwidth (gbps) is 0 GB/s, below the least this app accepts (0.01 GB/s). ' +
        'The analytic latency keeps its profile.',
    ]);
    expect(store.getState().measure.calibration).toBeNull();
    expect(store.getState().settings.profile).toBe(DEFAULT_PROFILE);
    expect(storage.data.has(CALIBRATION_KEY)).toBe(false);
  });

  it('the measure action keeps the unreadable backup; its dismissal and deletion are remembered', async () => {
    const storage = memoryStorage();
    const v3 = '{"version":4,"series":[]}';
    storage.setItem(MEASUREMENTS_KEY, v3);
    const { store, a } = await setup(storage);
    expect(store.getState().measure.unreadable).toMatchObject({
      dismissed: false,
      message: expect.stringMatching(/^Saved measurements could not be read: version 4 is newer than this app reads \(3\)\. /),
      file: { text: v3 },
    });
    await a.measure();
    expect(store.getState().measure.errors).toEqual([]);
    expect(JSON.parse(storage.data.get(MEASUREMENTS_KEY)!).series).toHaveLength(1); // the new series is saved
    expect(JSON.parse(storage.data.get(UNREADABLE_KEY)!).kept.map((e: { text: string }) => e.text)).toEqual([v3]);
    expect(store.getState().measure.unreadable?.file.text).toBe(v3);
    // "Dismiss": a reload does not show the message again, but still offers the data.
    a.dismissUnreadable();
    expect(store.getState().measure.unreadable?.dismissed).toBe(true);
    const reload = () =>
      createExplorerStore(fakeRunner().runner, undefined, {
        runner: createMeasureRunner(
          () => fakeWorker(measureApi),
          async () => measureApi,
        ),
        storage,
      });
    expect(reload().getState().measure.unreadable).toMatchObject({ dismissed: true, file: { text: v3 } });
    expect(reload().getState().measure.measurements.series).toHaveLength(1);
    // "Delete unreadable data": gone, after a reload too.
    a.deleteUnreadable();
    expect(store.getState().measure.unreadable).toBeNull();
    // This storage has no removeItem: the keys are emptied, which reads as nothing.
    expect(storage.data.get(UNREADABLE_KEY)).toBe('');
    expect(storage.data.get(UNREADABLE_DISMISSED_KEY)).toBe('');
    expect(reload().getState().measure.unreadable).toBeNull();
  });
});
