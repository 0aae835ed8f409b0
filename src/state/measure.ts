// Measure and calibrate, a part of the explorer store (its `measure` key): pick a backend, time
// the selected candidate or up to MAX_FRONTIER_MEASURE spread along the frontier (one measure
// call per candidate and round: several candidates are timed in round-robin slices, core/slices,
// and Stop keeps every run already timed), keep measured series in local storage, and calibrate
// the analytic latency's device profile. Only these actions talk to the measure
// runner (faked or run over a MessageChannel in unit tests). Errors a user can cause get a
// sentence and never touch the frontier or earlier measurements. The device series' own actions
// (import, rename, remove, predict) are in deviceSeries.ts.
import type { BaselineId } from '../core/baselines';
import { archSummary, type Arch } from '../core/arch';
import { backendLabel, type BackendName, type RuntimeName } from '../core/backendNames';
import { DEFAULT_PROFILE, type DeviceProfile } from '../core/latency';
import { addMeasurements, deviceLabel, seriesId, toMeasurement, type Measurement, type MeasurementStore } from '../core/measurements';
import type { PackedSnapshot } from '../core/packed';
import type { LatencyPredictor } from '../core/predictor';
import type { SearchConfig } from '../core/search';
import { mergeSlices, roundRobin, sliceOptions, type SliceOutcome } from '../core/slices';
import type { MeasureResult } from '../core/timingStats';
import type { MeasurePhase } from '../measure/timing';
import { isAbortError, type AbortableRun } from '../workers/bridge';
import type { MeasureOutcome } from '../workers/measure.worker';
import { loadCalibration, newCalibration, saveCalibration, type Calibration } from './calibration';
import type { BackendSession, MeasureRunner } from './measureClient';
import { MEASURE_WARMUP, measureTargets, validateMeasureForm, type MeasureForm } from './measureForm';
import { progressUpdate } from './measureProgress';
import { createDeviceSeriesActions, latestSeries, type DeviceSeriesActions } from './deviceSeries';
import { deleteUnreadable, dismissUnreadable, loadMeasurements, saveMeasurements, type StorageLike, type UnreadableData } from './storage';

export type ItemState = 'pending' | 'running' | 'done' | 'failed' | 'stopped';

export interface MeasureItem {
  key: string;
  summary: string;
  state: ItemState;
  phase: MeasurePhase | null;
  /** Progress within the phase, as measureArch reports it (weights built, timed runs done, peak
   *  passes done) of `of`; absent before the first report. */
  run?: number;
  of?: number;
  /** Date.now() when the phase began, for the panel's elapsed-seconds counter (a big model's
   *  build or peak pass can take a minute with no other change on screen). */
  phaseStartedAt?: number;
  /** 0..1 through every round's build, prefill, decode and peak-memory pass. */
  fraction: number;
  /** Slices timed so far, of `rounds`. */
  slicesDone: number;
  rounds: number;
  measurement?: Measurement;
  error?: string;
}

export interface MeasureState {
  form: MeasureForm;
  status: 'idle' | 'measuring' | 'calibrating';
  /** While "Refine on this device" runs: its round and the most it takes. */
  refine: { round: number; of: number } | null;
  /** The backend actually running (after the first measure / calibrate), its device and thread. */
  session: BackendSession | null;
  /** Whether a backend was ever asked for (tfjs is loaded from then on). */
  tfjsLoaded: boolean;
  items: MeasureItem[];
  measurements: MeasurementStore;
  /** The series the table's "Measured" column shows. */
  shownSeriesId: string | null;
  /** The candidates of the measure link this page opened (mode 'link'). */
  linkCandidates: Arch[];
  calibration: Calibration | null;
  /** Saved measurements this app could not read, kept aside (state/storage) until the user
   *  deletes them, with the sentence shown until the user dismisses it. */
  unreadable: (UnreadableData & { message: string }) | null;
  errors: string[];
  notice: string | null;
}

export interface MeasureActions extends DeviceSeriesActions {
  updateMeasure(patch: Partial<MeasureForm>): void;
  measure(): Promise<void>;
  stopMeasuring(): void;
  calibrate(): Promise<void>;
  /** Use the calibrated profile for the next search's analytic latency, or go back to the default. */
  useCalibration(on: boolean): void;
  /** The candidates of a measure link, timed by `measure` in mode 'link'. */
  setLinkCandidates(archs: Arch[]): void;
  /** `measure` on each backend in turn (the measure page's "every backend"); Stop ends the lot. */
  measureOnEach(backends: readonly BackendName[]): Promise<void>;
  /** "Dismiss" on the unreadable-data message: remembered for this backup (a new one shows again). */
  dismissUnreadable(): void;
  /** "Delete unreadable data": the backup is gone for good. */
  deleteUnreadable(): void;
}

/** The sentence about kept-aside data: every reason, and what the user can do. */
export const unreadableMessage = (reasons: readonly string[]): string =>
  reasons.map((r) => `${r.charAt(0).toUpperCase()}${r.slice(1)}.`).join(' ') +
  ' The unreadable data is kept aside in this browser (a Measure does not erase it): download it, or delete it.';

/** How long a backend may take to start before Measure gives up on it: WebGPU can wait for an
 *  adapter that never comes (or a lost device); the others fail fast or not at all. */
export const BACKEND_START_MS: Readonly<Record<BackendName, number>> = { webgpu: 30_000, webgl: 60_000, wasm: 60_000, cpu: 60_000 };

const withTimeout = <T>(p: Promise<T>, ms: number, message: string): Promise<T> =>
  new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(message)), ms);
    p.then(resolve, reject).finally(() => clearTimeout(timer));
  });

export interface MeasureDeps {
  runner: MeasureRunner;
  storage?: StorageLike;
}

/** What this part needs of the store it lives in (the explorer store, which imports this file). */
export interface MeasureHost {
  measure: MeasureState;
  selection: { arch: Arch } | null;
  results: { config: SearchConfig; snapshot: PackedSnapshot } | null;
  actions: { setProfile(profile: DeviceProfile): void; setPredictor(predictor: LatencyPredictor | null): void };
  settings: { profile: DeviceProfile; baselines: readonly BaselineId[] };
}
type Set = (partial: Pick<MeasureHost, 'measure'>) => void;
type Get = () => MeasureHost;

const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

export function createMeasure(deps: MeasureDeps, set: Set, get: Get): { measure: MeasureState; actions: MeasureActions } {
  const { runner, storage } = deps;
  let current: AbortableRun<unknown> | null = null;
  /** Bumped by every start and stop: an older action's late results are ignored. */
  let token = 0;

  const loaded = loadMeasurements(storage);
  const cal = loadCalibration(storage);
  const setMeasure = (patch: Partial<MeasureState>) => set({ measure: { ...get().measure, ...patch } });
  const setItem = (i: number, patch: Partial<MeasureItem>) =>
    setMeasure({ items: get().measure.items.map((it, j) => (j === i ? { ...it, ...patch } : it)) });
  const live = (t: number) => t === token;
  /** The run under way, for Stop to record the slices already timed. */
  let partial: { sess: BackendSession; slices: MeasureResult[][]; failures: string[] } | null = null;

  /** Adds candidate i's slices, pooled, to the series of this runtime + backend + device + T. */
  function record(sess: BackendSession, i: number, slices: readonly MeasureResult[], failures: string[]): void {
    const m = toMeasurement(mergeSlices(slices)); // one slice merges to itself (slices: 1, not stored)
    const next = addMeasurements(get().measure.measurements, sess.backend, sess.device, sess.thread, [m], undefined, sess.runtime);
    const saveError = saveMeasurements(storage, next);
    if (saveError && !failures.includes(saveError)) failures.push(saveError);
    setMeasure({ measurements: next, shownSeriesId: seriesId(sess.backend, sess.device, m.tokens, sess.runtime) });
    setItem(i, { state: 'done', phase: null, fraction: 1, slicesDone: slices.length, key: m.archKey, measurement: m });
  }

  /** Selects the backend on `runtime` (Calibrate: always tfjs); on failure says why (never a
   *  silent fallback) and returns null. */
  async function session(t: number, runtime: RuntimeName = get().measure.form.runtime): Promise<BackendSession | null> {
    const { backend } = get().measure.form;
    const name = backendLabel(backend, runtime);
    setMeasure({ tfjsLoaded: true });
    try {
      const s = await withTimeout(
        runner.useBackend(backend, runtime),
        BACKEND_START_MS[backend],
        `${name} did not start within ${BACKEND_START_MS[backend] / 1000} s`,
      );
      if (!live(t)) return null;
      if (s.device.backend !== backend || (s.runtime ?? 'tfjs') !== runtime) {
        throw new Error(`asked for ${name} but ${backendLabel(s.device.backend, s.runtime ?? 'tfjs')} runs`);
      }
      setMeasure({ session: s });
      return s;
    } catch (e) {
      if (live(t)) {
        setMeasure({
          status: 'idle',
          session: null, // the runner dropped its worker: nothing runs now
          items: get().measure.items.map((it) => ({ ...it, state: 'stopped' as const })),
          errors: [
            `The ${name} backend is not available: ${messageOf(e)}. ` +
              'Nothing was measured; the frontier and earlier measurements are kept.',
          ],
        });
      }
      return null;
    }
  }

  const actions: MeasureActions = {
    updateMeasure: (patch) => setMeasure({ form: { ...get().measure.form, ...patch } }),

    async measure() {
      const s = get();
      if (s.measure.status !== 'idle') return;
      const { form } = s.measure;
      const { archs, error } = measureTargets(s, form.mode, form.withBaselines);
      const errors = error ? [error] : validateMeasureForm(form, archs);
      if (errors.length) return setMeasure({ errors, notice: null });
      const t = ++token;
      // Round-robin needs two candidates; one is timed in a single slice.
      const rounds = archs.length > 1 ? form.rounds : 1;
      const items = archs.map((a): MeasureItem => ({
        key: '',
        summary: archSummary(a),
        state: 'pending',
        phase: null,
        fraction: 0,
        slicesDone: 0,
        rounds,
      }));
      setMeasure({ status: 'measuring', items, errors: [], notice: null });
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
      const slices: MeasureResult[][] = archs.map(() => []);
      const failures: string[] = [];
      partial = { sess, slices, failures };
      const timeSlice = async (i: number, r: number): Promise<SliceOutcome> => {
        setItem(i, { state: 'running' });
        let updatedAt = 0;
        const run = runner.measure([archs[i]], options, (_, phase, n, of) => {
          if (!live(t)) return;
          const now = Date.now();
          const update = progressUpdate(get().measure.items[i], { phase, n, of, round: r, rounds }, now, updatedAt);
          if (!update) return;
          updatedAt = now;
          setItem(i, update);
        });
        current = run;
        let outcome: MeasureOutcome;
        try {
          [outcome] = await run.result;
        } catch (e) {
          if (isAbortError(e) || !live(t)) throw e; // stopMeasuring already updated the state
          return { error: messageOf(e) };
        }
        if (!live(t)) throw new Error('superseded by a later start or stop');
        if (!outcome.ok) return { error: outcome.error };
        if (outcome.result.backend !== sess.backend || (outcome.result.runtime ?? 'tfjs') !== sess.runtime) {
          const ran = backendLabel(outcome.result.backend, outcome.result.runtime ?? 'tfjs');
          return { error: `asked for ${backendLabel(sess.backend, sess.runtime)} but it ran on ${ran}; not recorded` };
        }
        return outcome.result;
      };
      try {
        await roundRobin(archs.length, rounds, timeSlice, {
          into: slices,
          onSlice: (i, r, done) => {
            if (r === rounds - 1) record(sess, i, done, failures);
            else setItem(i, { state: 'pending', phase: null, fraction: (r + 1) / rounds, slicesDone: r + 1 });
          },
          onFailure: (i, error) => {
            failures.push(`${archSummary(archs[i])}: ${error}`);
            setItem(i, { state: 'failed', error });
          },
        });
      } catch (e) {
        if (isAbortError(e) || !live(t)) return;
        throw e;
      }
      current = null;
      partial = null;
      const measured = get().measure.items.filter((it) => it.state === 'done').length;
      const label = deviceLabel(sess.backend, sess.device, sess.runtime);
      setMeasure({
        status: 'idle',
        errors: failures,
        notice: measured ? `Measured ${measured} of ${archs.length} candidate${archs.length === 1 ? '' : 's'} on ${label}.` : null,
      });
    },

    stopMeasuring() {
      const { measure } = get();
      if (measure.status === 'idle') return;
      token++;
      current?.abort();
      current = null;
      // Candidates with some slices timed keep them: real runs, recorded with their slice count.
      let early = 0;
      const errors = partial?.failures ?? measure.errors;
      if (partial) {
        const { sess, slices, failures } = partial;
        slices.forEach((done, i) => {
          if (done.length > 0 && get().measure.items[i].state !== 'done') {
            record(sess, i, done, failures);
            early++;
          }
        });
        partial = null;
      }
      const { items } = get().measure;
      const done = items.filter((it) => it.state === 'done').length;
      const rounds = items[0]?.rounds ?? 1;
      const fewer = early ? ` (${early} in fewer than ${rounds} rounds)` : '';
      setMeasure({
        status: 'idle',
        errors,
        items: items.map((it) => (it.state === 'running' || it.state === 'pending' ? { ...it, state: 'stopped' } : it)),
        notice:
          measure.status === 'calibrating'
            ? 'Calibration stopped; the analytic latency keeps its profile.'
            : `Stopped measuring: ${done} of ${items.length} measured${fewer}; those and earlier measurements are kept.`,
      });
    },

    async calibrate() {
      if (get().measure.status !== 'idle') return;
      const t = ++token;
      setMeasure({ status: 'calibrating', items: [], errors: [], notice: null });
      const sess = await session(t, 'tfjs'); // the device profile is tfjs's micro-benchmarks
      if (!sess) return;
      const run = runner.profile();
      current = run;
      try {
        const p = await run.result;
        if (!live(t)) return;
        const made = newCalibration(p, sess.backend, deviceLabel(sess.backend, sess.device));
        if ('wrong' in made) {
          current = null;
          return setMeasure({
            status: 'idle',
            errors: [`Calibration was not applied: its ${made.wrong.join('; its ')}. The analytic latency keeps its profile.`],
          });
        }
        const { calibration } = made;
        const saveError = saveCalibration(storage, calibration);
        current = null;
        setMeasure({
          status: 'idle',
          calibration,
          errors: saveError ? [saveError] : [],
          notice: `Calibrated: ${p.label}. The next search uses it for analytic latency.`,
        });
        get().actions.setProfile(calibration.profile);
      } catch (e) {
        if (isAbortError(e) || !live(t)) return;
        current = null;
        setMeasure({ status: 'idle', errors: [`Calibration failed: ${messageOf(e)}. The analytic latency keeps its profile.`] });
      }
    },

    useCalibration(on) {
      const { calibration } = get().measure;
      if (!calibration) return;
      const next = { ...calibration, use: on };
      const saveError = saveCalibration(storage, next);
      setMeasure({ calibration: next, ...(saveError ? { errors: [saveError] } : {}) });
      get().actions.setProfile(on ? next.profile : DEFAULT_PROFILE);
    },

    ...createDeviceSeriesActions({ storage, get, setMeasure }),

    dismissUnreadable() {
      const { unreadable } = get().measure;
      if (!unreadable) return;
      const saveError = dismissUnreadable(storage, unreadable.id);
      setMeasure({ unreadable: { ...unreadable, dismissed: true }, ...(saveError ? { errors: [saveError] } : {}) });
    },

    deleteUnreadable() {
      const deleteError = deleteUnreadable(storage);
      setMeasure({ unreadable: null, ...(deleteError ? { errors: [deleteError] } : {}) });
    },

    setLinkCandidates: (archs) => setMeasure({ linkCandidates: archs, form: { ...get().measure.form, mode: 'link' } }),

    async measureOnEach(backends) {
      const errors: string[] = [];
      const notices: string[] = [];
      for (const backend of backends) {
        setMeasure({ form: { ...get().measure.form, backend } });
        const before = token;
        await actions.measure();
        errors.push(...get().measure.errors);
        if (get().measure.notice) notices.push(get().measure.notice!);
        // measure() took token before + 1; a Stop (or another start) moved it on: end the lot.
        if (token !== before + 1) return;
      }
      setMeasure({ errors, notice: notices.join(' ') || null });
    },
  };

  // Unreadable data has its own message (with download and delete); an error beyond it (storage
  // unavailable, or the backup could not be stored) joins the errors.
  const unreadable = loaded.unreadable && { ...loaded.unreadable, message: unreadableMessage(loaded.unreadable.reasons) };
  const dropped = [
    loaded.dropped && !unreadable?.reasons.includes(loaded.dropped) && `Saved measurements were dropped: ${loaded.dropped}.`,
    cal.dropped && `The saved calibration was dropped: ${cal.dropped}.`,
  ];
  return {
    measure: {
      form: {
        runtime: 'tfjs',
        backend: 'wasm',
        mode: 'selected',
        tokens: 128,
        runs: 10,
        minTimeMs: 1000,
        maxMemoryMB: null,
        rounds: 4,
        withBaselines: false,
      },
      status: 'idle',
      session: null,
      tfjsLoaded: false,
      items: [],
      measurements: loaded.store,
      shownSeriesId: latestSeries(loaded.store),
      linkCandidates: [],
      refine: null,
      calibration: cal.calibration,
      unreadable,
      errors: dropped.filter((x): x is string => !!x),
      notice: null,
    },
    actions,
  };
}

/** A runner for stores without on-device timing (unit tests of the search alone). */
export const NO_MEASURE: MeasureDeps = {
  runner: {
    useBackend: () => Promise.reject(new Error('on-device timing is not available here')),
    measure: () => ({ result: Promise.reject(new Error('on-device timing is not available here')), abort() {} }),
    profile: () => ({ result: Promise.reject(new Error('on-device timing is not available here')), abort() {} }),
  },
};
