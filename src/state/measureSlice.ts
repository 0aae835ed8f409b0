// On-device timing and calibration, a slice of the explorer store: pick a backend, time the
// selected candidate or up to MAX_FRONTIER_MEASURE spread along the frontier (one bench call per
// candidate and round: several candidates are timed in round-robin slices, src/bench/rounds.ts
// and slices.ts, and Stop keeps every run already timed), keep measured series in local storage,
// and calibrate the analytic latency's device profile. Only these actions talk to the bench
// runner (faked or run over a MessageChannel in unit tests). Errors a user can cause get a
// sentence and never touch the frontier or earlier measurements.
import { archSummary, type Arch } from '../core/arch';
import { DEFAULT_PROFILE } from '../core/latency';
import { archBase, unpackArch } from '../core/packed';
import type { BackendName } from '../bench/backends';
import { mergeSlices, sliceOptions } from '../bench/slices';
import type { BenchPhase, BenchResult } from '../bench/timing';
import type { BackendSession, BenchRun, BenchRunner } from './benchClient';
import { loadCalibration, saveCalibration, CALIBRATION_VERSION, type Calibration } from './calibration';
import { capEvenly } from './chartData';
import type { ExplorerState } from './explorerStore';
import { addMeasurements, deviceLabel, loadMeasurements, saveMeasurements, seriesId, toMeasurement, type Measurement, type MeasurementStore, type StorageLike } from './measurements';
import { runView } from './runView';
import { isAbortError } from './searchClient';
import { isPositiveInt } from './settings';

export type MeasureMode = 'selected' | 'frontier';
export const MAX_FRONTIER_MEASURE = 20;
export const MEASURE_WARMUP = 2;
export const MAX_ROUNDS = 10;

export interface MeasureForm {
  backend: BackendName;
  mode: MeasureMode;
  /** Prefill length T (and decode context). */
  tokens: number;
  runs: number;
  /** Keep timing a workload until its runs add up to this many ms (more samples for short
   *  workloads, so the median moves less with the device's noise); 0 = exactly `runs`. */
  minTimeMs: number;
  /** User memory cap for the guard, MB; null = the backend's own limit. */
  maxMemoryMB: number | null;
  /** With more than one candidate: each one's runs and time are split into this many slices,
   *  taken round-robin over the candidates, so a slowdown of the device (heat, another tab)
   *  lands on every candidate alike instead of on whichever ran then. 1 = one after the other. */
  rounds: number;
}

export type ItemState = 'pending' | 'running' | 'done' | 'failed' | 'stopped';

export interface MeasureItem {
  key: string;
  summary: string;
  state: ItemState;
  phase: BenchPhase | null;
  /** 0..1 through every round's build, prefill, decode and peak-memory pass. */
  fraction: number;
  /** Slices timed so far, of `rounds`. */
  slicesDone: number;
  rounds: number;
  measurement?: Measurement;
  error?: string;
}

export interface BenchState {
  form: MeasureForm;
  status: 'idle' | 'measuring' | 'calibrating';
  /** The backend actually running (after the first measure / calibrate), its device and thread. */
  session: BackendSession | null;
  /** Whether a backend was ever asked for (tfjs is loaded from then on). */
  tfjsLoaded: boolean;
  items: MeasureItem[];
  measurements: MeasurementStore;
  /** The series the table's "Measured" column shows. */
  shownSeriesId: string | null;
  calibration: Calibration | null;
  errors: string[];
  notice: string | null;
}

export interface BenchActions {
  updateMeasure(patch: Partial<MeasureForm>): void;
  measure(): Promise<void>;
  stopMeasuring(): void;
  calibrate(): Promise<void>;
  /** Use the calibrated profile for the next search's analytic latency, or go back to the default. */
  useCalibration(on: boolean): void;
  showSeries(id: string): void;
}

export interface BenchDeps {
  runner: BenchRunner;
  storage?: StorageLike;
}

type Set = (partial: Partial<ExplorerState>) => void;
type Get = () => ExplorerState;

const PHASES: Record<BenchPhase, [number, number]> = { build: [0, 0.1], prefill: [0.1, 0.5], decode: [0.6, 0.35], peak: [0.95, 0.05] };
const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));
const latest = (s: MeasurementStore): string | null =>
  [...s.series].sort((a, b) => Math.max(...Object.values(b.byArch).map((m) => Date.parse(m.at))) - Math.max(...Object.values(a.byArch).map((m) => Date.parse(m.at))))[0]?.id ?? null;

/** The candidates "Measure" times now: the selection, or the frontier thinned evenly along latency. */
export function measureTargets(s: Pick<ExplorerState, 'selection' | 'results'>, mode: MeasureMode): { archs: Arch[]; error?: string } {
  if (mode === 'selected') {
    return s.selection ? { archs: [s.selection.arch] } : { archs: [], error: 'Select a candidate in the chart or the table first.' };
  }
  if (!s.results || s.results.snapshot.frontier.count === 0) return { archs: [], error: 'No frontier yet: run a search first.' };
  const { snapshot, config } = s.results;
  const key = config.eval.workload === 'prefill' ? 'latencyPrefill' : 'latencyDecode';
  const rows = capEvenly([...runView(snapshot).frontier].sort((a, b) => a[key] - b[key] || a.id - b.id), MAX_FRONTIER_MEASURE);
  return { archs: rows.map((r) => unpackArch(snapshot.frontier, r.index, archBase(config))) };
}

export function validateMeasureForm(f: MeasureForm, archs: readonly Arch[]): string[] {
  const errors: string[] = [];
  if (!isPositiveInt(f.tokens)) errors.push('Tokens (T) must be a positive integer');
  if (!isPositiveInt(f.runs) || f.runs > 1000) errors.push('Timed runs must be an integer from 1 to 1,000');
  if (!(f.minTimeMs >= 0 && f.minTimeMs <= 600_000)) errors.push('Min time per workload must be from 0 to 600,000 ms');
  if (!isPositiveInt(f.rounds) || f.rounds > MAX_ROUNDS) errors.push(`Rounds must be an integer from 1 to ${MAX_ROUNDS}`);
  if (f.maxMemoryMB !== null && !(f.maxMemoryMB > 0 && Number.isFinite(f.maxMemoryMB))) {
    errors.push('Max model memory must be a positive number of MB (or empty for the backend limit)');
  }
  const short = archs.find((a) => isPositiveInt(f.tokens) && f.tokens + 1 > a.contextLength);
  if (short) errors.push(`Tokens (T) ${f.tokens} leaves no room for a decode step in the context of ${short.contextLength} tokens`);
  return errors;
}

export function createMeasureSlice(deps: BenchDeps, set: Set, get: Get): { bench: BenchState; actions: BenchActions } {
  const { runner, storage } = deps;
  let current: BenchRun<unknown> | null = null;
  /** Bumped by every start and stop: an older action's late results are ignored. */
  let token = 0;

  const loaded = loadMeasurements(storage);
  const cal = loadCalibration(storage);
  const setBench = (patch: Partial<BenchState>) => set({ bench: { ...get().bench, ...patch } });
  const setItem = (i: number, patch: Partial<MeasureItem>) =>
    setBench({ items: get().bench.items.map((it, j) => (j === i ? { ...it, ...patch } : it)) });
  const live = (t: number) => t === token;
  /** The run under way, for Stop to record the slices already timed. */
  let partial: { sess: BackendSession; slices: BenchResult[][]; failures: string[] } | null = null;

  /** Adds candidate i's slices, pooled, to the series of this backend + device + T. */
  function record(sess: BackendSession, i: number, slices: readonly BenchResult[], failures: string[]): void {
    const m = toMeasurement(mergeSlices(slices)); // one slice merges to itself (slices: 1, not stored)
    const next = addMeasurements(get().bench.measurements, sess.backend, sess.device, sess.thread, [m]);
    const saveError = saveMeasurements(storage, next);
    if (saveError && !failures.includes(saveError)) failures.push(saveError);
    setBench({ measurements: next, shownSeriesId: seriesId(sess.backend, sess.device, m.tokens) });
    setItem(i, { state: 'done', phase: null, fraction: 1, slicesDone: slices.length, key: m.archKey, measurement: m });
  }

  /** Selects the backend; on failure says why (never a silent fallback) and returns null. */
  async function session(t: number): Promise<BackendSession | null> {
    const { backend } = get().bench.form;
    setBench({ tfjsLoaded: true });
    try {
      const s = await runner.useBackend(backend);
      if (!live(t)) return null;
      if (s.device.backend !== backend) throw new Error(`asked for ${backend} but tfjs runs ${s.device.backend}`);
      setBench({ session: s });
      return s;
    } catch (e) {
      if (live(t)) {
        setBench({
          status: 'idle',
          session: null, // the runner dropped its worker: nothing runs now
          items: get().bench.items.map((it) => ({ ...it, state: 'stopped' as const })),
          errors: [`The ${backend} backend is not available: ${messageOf(e)}. Nothing was measured; the frontier and earlier measurements are kept.`],
        });
      }
      return null;
    }
  }

  const actions: BenchActions = {
    updateMeasure: (patch) => setBench({ form: { ...get().bench.form, ...patch } }),

    async measure() {
      const s = get();
      if (s.bench.status !== 'idle') return;
      const { form } = s.bench;
      const { archs, error } = measureTargets(s, form.mode);
      const errors = error ? [error] : validateMeasureForm(form, archs);
      if (errors.length) return setBench({ errors, notice: null });
      const t = ++token;
      // Round-robin needs two candidates; one is timed in a single slice.
      const rounds = archs.length > 1 ? form.rounds : 1;
      const items = archs.map((a): MeasureItem => ({ key: '', summary: archSummary(a), state: 'pending', phase: null, fraction: 0, slicesDone: 0, rounds }));
      setBench({ status: 'measuring', items, errors: [], notice: null });
      const sess = await session(t);
      if (!sess) return;
      const options = sliceOptions(
        {
          tokens: form.tokens,
          runs: form.runs,
          minTimeMs: form.minTimeMs,
          warmup: MEASURE_WARMUP,
          ...(form.maxMemoryMB === null ? {} : { maxBytes: form.maxMemoryMB * 1e6 }),
        },
        rounds,
      );
      const slices: BenchResult[][] = archs.map(() => []);
      const failures: string[] = [];
      partial = { sess, slices, failures };
      for (let r = 0; r < rounds; r++) {
        for (let i = 0; i < archs.length; i++) {
          if (get().bench.items[i].state === 'failed') continue; // refused or failed in an earlier round
          setItem(i, { state: 'running' });
          const run = runner.measure([archs[i]], options, (_, phase, n, of) => {
            if (!live(t)) return;
            // At most one update per percent or phase: a thousand fast runs must not flood React.
            const fraction = (r + PHASES[phase][0] + PHASES[phase][1] * (of > 0 ? n / of : 0)) / rounds;
            const item = get().bench.items[i];
            if (item && item.phase === phase && fraction - item.fraction < 0.01) return;
            setItem(i, { phase, fraction });
          });
          current = run;
          let message: string | undefined;
          try {
            const [outcome] = await run.result;
            if (!live(t)) return;
            if (outcome.ok && outcome.result.backend !== sess.backend) {
              message = `asked for ${sess.backend} but it ran on ${outcome.result.backend}; not recorded`;
            } else if (outcome.ok) {
              slices[i].push(outcome.result);
              if (r === rounds - 1) record(sess, i, slices[i], failures);
              else setItem(i, { state: 'pending', phase: null, fraction: (r + 1) / rounds, slicesDone: r + 1 });
            } else message = outcome.error;
          } catch (e) {
            if (isAbortError(e) || !live(t)) return; // stopMeasuring already updated the state
            message = messageOf(e);
          }
          if (message !== undefined) {
            failures.push(`${archSummary(archs[i])}: ${message}`);
            slices[i] = []; // a candidate that failed once is not recorded from its other slices
            setItem(i, { state: 'failed', error: message });
          }
        }
      }
      current = null;
      partial = null;
      const measured = get().bench.items.filter((it) => it.state === 'done').length;
      const label = deviceLabel(sess.backend, sess.device);
      setBench({
        status: 'idle',
        errors: failures,
        notice: measured ? `Measured ${measured} of ${archs.length} candidate${archs.length === 1 ? '' : 's'} on ${label}.` : null,
      });
    },

    stopMeasuring() {
      const { bench } = get();
      if (bench.status === 'idle') return;
      token++;
      current?.abort();
      current = null;
      // Candidates with some slices timed keep them: real runs, recorded with their slice count.
      let early = 0;
      const errors = partial?.failures ?? bench.errors;
      if (partial) {
        const { sess, slices, failures } = partial;
        slices.forEach((done, i) => {
          if (done.length > 0 && get().bench.items[i].state !== 'done') {
            record(sess, i, done, failures);
            early++;
          }
        });
        partial = null;
      }
      const { items } = get().bench;
      const done = items.filter((it) => it.state === 'done').length;
      const rounds = items[0]?.rounds ?? 1;
      const fewer = early ? ` (${early} in fewer than ${rounds} rounds)` : '';
      setBench({
        status: 'idle',
        errors,
        items: items.map((it) => (it.state === 'running' || it.state === 'pending' ? { ...it, state: 'stopped' } : it)),
        notice:
          bench.status === 'calibrating'
            ? 'Calibration stopped; the analytic latency keeps its profile.'
            : `Stopped measuring: ${done} of ${items.length} measured${fewer}; those and earlier measurements are kept.`,
      });
    },

    async calibrate() {
      if (get().bench.status !== 'idle') return;
      const t = ++token;
      setBench({ status: 'calibrating', items: [], errors: [], notice: null });
      const sess = await session(t);
      if (!sess) return;
      const run = runner.profile();
      current = run;
      try {
        const p = await run.result;
        if (!live(t)) return;
        const calibration: Calibration = {
          version: CALIBRATION_VERSION,
          profile: { gflops: p.gflops, gbps: p.gbps, overheadMsPerKernel: p.overheadMsPerKernel, label: p.label },
          backend: sess.backend,
          device: deviceLabel(sess.backend, sess.device),
          at: new Date().toISOString(),
          use: true,
        };
        const saveError = saveCalibration(storage, calibration);
        current = null;
        setBench({
          status: 'idle',
          calibration,
          errors: saveError ? [saveError] : [],
          notice: `Calibrated: ${p.label}. The next search uses it for analytic latency.`,
        });
        get().actions.setProfile(calibration.profile);
      } catch (e) {
        if (isAbortError(e) || !live(t)) return;
        current = null;
        setBench({ status: 'idle', errors: [`Calibration failed: ${messageOf(e)}. The analytic latency keeps its profile.`] });
      }
    },

    useCalibration(on) {
      const { calibration } = get().bench;
      if (!calibration) return;
      const next = { ...calibration, use: on };
      const saveError = saveCalibration(storage, next);
      setBench({ calibration: next, ...(saveError ? { errors: [saveError] } : {}) });
      get().actions.setProfile(on ? next.profile : DEFAULT_PROFILE);
    },

    showSeries: (id) => setBench({ shownSeriesId: id }),
  };

  const dropped = [loaded.dropped && `Saved measurements were dropped: ${loaded.dropped}.`, cal.dropped && `The saved calibration was dropped: ${cal.dropped}.`];
  return {
    bench: {
      form: { backend: 'wasm', mode: 'selected', tokens: 128, runs: 10, minTimeMs: 1000, maxMemoryMB: null, rounds: 4 },
      status: 'idle',
      session: null,
      tfjsLoaded: false,
      items: [],
      measurements: loaded.store,
      shownSeriesId: latest(loaded.store),
      calibration: cal.calibration,
      errors: dropped.filter((x): x is string => !!x),
      notice: null,
    },
    actions,
  };
}

/** A runner for stores without on-device timing (unit tests of the search alone). */
export const NO_BENCH: BenchDeps = {
  runner: {
    useBackend: () => Promise.reject(new Error('on-device timing is not available here')),
    measure: () => ({ result: Promise.reject(new Error('on-device timing is not available here')), abort() {} }),
    profile: () => ({ result: Promise.reject(new Error('on-device timing is not available here')), abort() {} }),
  },
};

/** The Backend picker's choices, in the order a GPU-first device would try them. */
export const BACKEND_CHOICES: readonly BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];
export { BACKEND_MEMORY_LIMITS } from '../bench/guard';
