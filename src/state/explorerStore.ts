// The explorer's state and actions. Components read it with selectors and call actions; only the
// actions talk to the search worker (through a SearchRunner, faked in unit tests).
import { createStore, type StoreApi } from 'zustand/vanilla';
import { archKey, type Arch } from '../core/arch';
import { RUNTIME_TITLES } from '../core/backendNames';
import type { DeviceProfile } from '../core/latency';
import { frontierFingerprint } from '../core/links';
import { archBase, unpackArch, type PackedSnapshot } from '../core/packed';
import type { PaperId } from '../core/papers';
import type { LatencyPredictor } from '../core/predictor';
import type { SearchConfig } from '../core/search';
import type { SpacePresetId } from '../core/space';
import { capEvenly } from '../core/stats';
import { latencyAxis, proxyAxis, type AxisMetric } from '../view/axes';
import type { ViewSettings } from '../view/chartData';
import { formatElapsed, formatInt } from '../view/format';
import { shownMeasuredLookup } from '../view/measuredView';
import { runView } from '../view/runView';
import { pageOf, runBaselineLookup, sortRows, type ColumnKey, type SortState } from '../view/table';
import { isAbortError } from '../workers/bridge';
import { createMeasure, NO_MEASURE, type MeasureActions, type MeasureDeps, type MeasureState } from './measure';
import { infeasibleBudgets } from './preflight';
import type { SearchRun, SearchRunner } from './searchClient';
import {
  defaultSettings,
  paperSettings,
  presetSpaceForm,
  settingsToConfig,
  type BudgetsForm,
  type ObjectivesForm,
  type Settings,
  type SpaceForm,
} from './settings';
import type { DecodedShareLink } from './shareLink';

export type RunStatus = 'idle' | 'running';
export type RunOutcome = 'none' | 'done' | 'stopped' | 'failed';

export interface RunState {
  status: RunStatus;
  outcome: RunOutcome;
  /** Config of the current (or last) run; null before the first run. */
  config: SearchConfig | null;
  /** Latest snapshot of this run (null until it reports): progress. The chart shows `results`. */
  snapshot: PackedSnapshot | null;
  /** performance.now() at start; elapsedMs is final once the run is over. */
  startedAt: number;
  elapsedMs: number;
  /** Increments per run; callbacks of an older run are ignored. */
  id: number;
}

/** What the chart, table and exports show: a run's latest snapshot with that run's config. */
export interface Results {
  runId: number;
  config: SearchConfig;
  snapshot: PackedSnapshot;
}

export type Tab = 'explorer' | 'proxies' | 'about';

export interface Selection {
  id: number;
  runId: number;
  arch: Arch;
  /** Config of the run it comes from (it stays on screen while the next run is under way). */
  config: SearchConfig;
}

export interface ExplorerActions extends MeasureActions {
  setPreset(id: SpacePresetId): void;
  updateSpace(patch: Partial<SpaceForm>): void;
  updateBudgets(patch: Partial<BudgetsForm>): void;
  updateObjectives(patch: Partial<ObjectivesForm>): void;
  setEvaluations(n: number): void;
  setSeed(n: number): void;
  /** Device profile for the next search's analytic latency (calibration, or back to the default). */
  setProfile(profile: DeviceProfile): void;
  /** Latency predictor for the next search (predicted latency), or null for the analytic one. */
  setPredictor(predictor: LatencyPredictor | null): void;
  /** A paper's preset (space, budgets, objectives, baselines), then its search; null: no paper. */
  applyPaper(id: PaperId | null): void;
  startSearch(): void;
  stopSearch(): void;
  select(id: number | null): void;
  setView(patch: Partial<ViewSettings>): void;
  setTab(tab: Tab): void;
  sortBy(key: ColumnKey): void;
  setPage(page: number): void;
  dismissMessages(): void;
  /** Reproduces a share link: its settings and view, its device series, then its search; once
   *  done, selects its candidate and says whether the frontier matches the sender's. */
  openShareLink(link: DecodedShareLink): void;
  /**
   * "Refine on this device": measure the frontier candidates the shown series lacks (up to
   * REFINE_BATCH, spread along the frontier), learn the series again, search on its predicted
   * latency, and repeat until the frontier comes out the same twice in a row or REFINE_ROUNDS
   * rounds are done. Stop (measuring or the search) ends it; what was measured is kept.
   */
  refine(): Promise<void>;
}

export interface ExplorerState {
  settings: Settings;
  run: RunState;
  /**
   * On screen: the current run's latest snapshot, or the previous run's until the current one
   * reports (no flash of an empty chart, and stopped or failed runs lose nothing).
   */
  results: Results | null;
  /** Errors to show (input, budgets, worker); the results on screen are kept. */
  errors: string[];
  /** One-line outcome of the last run ("Stopped after ..."). */
  notice: string | null;
  view: ViewSettings;
  tab: Tab;
  selection: Selection | null;
  sort: SortState;
  page: number;
  /** On-device timing and calibration (state/measure). */
  measure: MeasureState;
  actions: ExplorerActions;
}

export type ExplorerStore = StoreApi<ExplorerState>;

const isProxyAxis = (a: AxisMetric) => a === 'decoder-params' || a === 'entropy' || a === 'flops-prefill';

/** Frontier candidate in the middle of the latency range: a sensible first selection. */
function middleOfFrontier(s: PackedSnapshot, latencyKey: 'latencyDecode' | 'latencyPrefill'): number | null {
  const rows = [...runView(s).frontier].sort((a, b) => a[latencyKey] - b[latencyKey]);
  return rows.length ? rows[Math.floor(rows.length / 2)].id : null;
}

/** "Refine on this device": candidates measured per round, and the most rounds it takes. */
export const REFINE_BATCH = 6;
export const REFINE_ROUNDS = 4;

/** Frontier candidates (as archs) that `series` has not measured, spread along latency. */
export function refineBatch(s: Pick<ExplorerState, 'results' | 'measure'>, seriesId: string, n: number): Arch[] {
  const series = s.measure.measurements.series.find((x) => x.id === seriesId);
  if (!s.results || !series) return [];
  const { snapshot, config } = s.results;
  const base = archBase(config);
  const key = config.eval.workload === 'prefill' ? 'latencyPrefill' : 'latencyDecode';
  const rows = [...runView(snapshot).frontier].sort((a, b) => a[key] - b[key] || a.id - b.id);
  const missing = rows.map((r) => unpackArch(snapshot.frontier, r.index, base)).filter((a) => !series.byArch[archKey(a)]);
  return capEvenly(missing, n);
}

/** How often a running search redraws its results (the progress panel follows every update). */
export const RESULTS_REFRESH_MS = 400;

export function createExplorerStore(
  runner: SearchRunner,
  now: () => number = () => performance.now(),
  measureDeps: MeasureDeps = NO_MEASURE,
): ExplorerStore {
  let active: SearchRun | null = null;

  return createStore<ExplorerState>()((set, get) => {
    const measureParts = createMeasure(measureDeps, set, get);
    const setSettings = (patch: Partial<Settings>) => set({ settings: { ...get().settings, ...patch } });
    /** A change to what a paper preset sets (space, budgets, objectives): the settings are no
     *  longer the paper's, so its selection and its "Paper vs this run" card go. */
    const leavePaper = (patch: Partial<Settings>) => setSettings({ ...patch, paper: null });

    const finish = (runId: number, outcome: RunOutcome, notice: string | null, errors: string[] = []) => {
      const { run } = get();
      if (run.id !== runId || run.status !== 'running') return;
      active = null;
      // A stopped or failed run shows its latest snapshot, which the results may lag behind.
      const latest = run.snapshot && run.config ? { results: { runId, config: run.config, snapshot: run.snapshot } } : {};
      // Starting the run cleared the errors: any there now came during it (a link that could not
      // be read, a setting a link could not use) and stay beside the run's own.
      set({
        run: { ...run, status: 'idle', outcome, elapsedMs: now() - run.startedAt },
        notice,
        errors: [...get().errors, ...errors],
        ...latest,
      });
    };

    // Progress (counts, bar) follows every snapshot; the chart, table and architecture view
    // follow at most every RESULTS_REFRESH_MS during a run, since re-rendering them costs tens of
    // ms per update and, ten times a second on a loaded machine, made long tasks.
    let resultsShownAt = -Infinity;
    const accept = (runId: number, snapshot: PackedSnapshot, final = false) => {
      const { run } = get();
      if (run.id !== runId || run.status !== 'running' || !run.config) return;
      const t = now();
      const showResults = final || t - resultsShownAt >= RESULTS_REFRESH_MS;
      if (showResults) resultsShownAt = t;
      set({
        run: { ...run, snapshot, elapsedMs: t - run.startedAt },
        ...(showResults ? { results: { runId, config: run.config, snapshot } } : {}),
      });
    };

    /** A share link being reproduced: its candidate and fingerprint, for when its run is done. */
    let pendingLink: { runId: number; selectedId: number | null; fingerprint: string } | null = null;
    const finishLink = (final: PackedSnapshot) => {
      const link = pendingLink!;
      pendingLink = null;
      const { results } = get();
      if (!results) return;
      if (link.selectedId !== null && runView(final).byId.has(link.selectedId)) get().actions.select(link.selectedId);
      if (!link.fingerprint) return;
      const mine = frontierFingerprint(final, results.config);
      if (mine === link.fingerprint) {
        set({ notice: `${get().notice ?? ''} Same frontier as the sender's (fingerprint ${mine}).`.trim() });
      } else {
        set({
          errors: [
            ...get().errors,
            `This frontier differs from the sender's (fingerprint ${mine}, the link's ${link.fingerprint}): this browser computes ` +
              "some logarithms or exponentials differently, and a tie broke another way. What you see is this browser's search.",
          ],
        });
      }
    };

    /** After a run, select the middle of the frontier unless the user picked something in it. */
    const selectDefault = (runId: number) => {
      const { results, selection } = get();
      if (results?.runId !== runId || selection?.runId === runId) return;
      const id = middleOfFrontier(results.snapshot, results.config.eval.workload === 'prefill' ? 'latencyPrefill' : 'latencyDecode');
      if (id !== null) get().actions.select(id);
    };

    const actions: ExplorerActions = {
      setPreset: (id) => leavePaper({ presetId: id, space: presetSpaceForm(id) }),
      updateSpace: (patch) => leavePaper({ presetId: 'custom', space: { ...get().settings.space, ...patch } }),
      updateBudgets: (patch) => leavePaper({ budgets: { ...get().settings.budgets, ...patch } }),
      updateObjectives: (patch) => leavePaper({ objectives: { ...get().settings.objectives, ...patch } }),
      setEvaluations: (n) => setSettings({ evaluations: n }),
      setSeed: (n) => setSettings({ seed: n }),
      setProfile: (profile) => setSettings({ profile }),
      setPredictor: (predictor) => setSettings({ predictor }),
      applyPaper(id) {
        set({ settings: paperSettings(get().settings, id) });
        if (id === null) return;
        if (get().run.status === 'running') get().actions.stopSearch();
        get().actions.startSearch();
      },

      startSearch() {
        const state = get();
        if (state.run.status === 'running') return;
        const { config, errors } = settingsToConfig(state.settings);
        if (!config) return set({ errors, notice: null });
        const impossible = infeasibleBudgets(config);
        if (impossible.length) return set({ errors: impossible, notice: null });
        const runId = state.run.id + 1;
        const proxy = config.objectives[0].metric === 'entropy' ? 'entropy' : state.settings.objectives.proxy;
        // Follow the new objectives on the axes, unless the user picked a non-objective axis.
        // Unchanged view and sort keep their identity: the chart and table then skip re-rendering.
        let view = state.view;
        const x = view.x.startsWith('latency') ? latencyAxis(config.eval.workload) : view.x;
        const y = isProxyAxis(view.y) ? proxyAxis(proxy) : view.y;
        if (x !== view.x || y !== view.y) view = { ...view, x, y };
        const sortKey = config.eval.workload === 'prefill' ? 'latencyPrefill' : 'latencyDecode';
        const sort: SortState = state.sort.key === sortKey && state.sort.dir === 'asc' ? state.sort : { key: sortKey, dir: 'asc' };
        set({
          run: { status: 'running', outcome: 'none', config, snapshot: null, startedAt: now(), elapsedMs: 0, id: runId },
          errors: [],
          notice: null,
          // The previous selection stays on screen until this run picks one (no flicker).
          page: 0,
          view,
          sort,
        });
        active = runner.start(config, (p) => accept(runId, p));
        active.result.then(
          (final) => {
            accept(runId, final, true);
            const n = final.frontier.count;
            const secs = formatElapsed(now() - get().run.startedAt);
            finish(
              runId,
              'done',
              n > 0 ? `Done: ${formatInt(final.evaluated)} evaluations in ${secs}.` : null,
              n > 0 ? [] : [`no feasible architecture found in ${formatInt(final.evaluated)} evaluations: every one breaks a budget`],
            );
            selectDefault(runId);
            if (pendingLink?.runId === runId) finishLink(final);
          },
          (e: unknown) => {
            if (isAbortError(e)) return; // stopSearch already updated the state
            finish(runId, 'failed', null, [`the search failed: ${(e as Error).message}. Results so far are kept.`]);
          },
        );
      },

      stopSearch() {
        const { run } = get();
        if (run.status !== 'running') return;
        active?.abort();
        const n = run.snapshot?.evaluated ?? 0;
        finish(run.id, 'stopped', `Stopped after ${formatInt(n)} evaluations; the frontier found so far is kept.`);
        selectDefault(run.id);
      },

      select(id) {
        const { results } = get();
        if (id === null || !results) return set({ selection: null });
        const { snapshot: s, config, runId } = results;
        const row = runView(s).byId.get(id);
        if (!row) return;
        const arch = unpackArch(row.set === 'frontier' ? s.frontier : s.sample, row.index, archBase(config));
        const { measure } = get();
        const sorted = sortRows(
          runView(s).frontier,
          get().sort,
          null,
          shownMeasuredLookup(measure.measurements, measure.shownSeriesId, results),
          runBaselineLookup(config, get().settings.baselines),
        );
        const page = pageOf(sorted, id);
        set({ selection: { id, runId, arch, config }, ...(page === null ? {} : { page }) });
      },

      setView: (patch) => set({ view: { ...get().view, ...patch } }),
      setTab: (tab) => set({ tab }),
      sortBy(key) {
        const { sort } = get();
        set({ sort: { key, dir: sort.key === key && sort.dir === 'asc' ? 'desc' : 'asc' }, page: 0 });
      },
      setPage: (page) => set({ page: Math.max(0, page) }),
      dismissMessages: () => set({ errors: [], notice: null }),

      async refine() {
        const start = get();
        const seriesId = start.measure.shownSeriesId;
        const series = start.measure.measurements.series.find((x) => x.id === seriesId);
        const fail = (message: string) => set({ measure: { ...get().measure, errors: [message], notice: null } });
        if (!start.settings.predictor || !series)
          return fail('Refine needs a predictor: measure candidates on this device, then “Predict” on its series.');
        const { form } = start.measure;
        const here = (globalThis as { navigator?: { userAgent?: string } }).navigator?.userAgent;
        if (series.device.userAgent !== here) {
          return fail(`${series.label} is another device's series: refine it there (send a measure link of the next candidates).`);
        }
        if (series.runtime !== form.runtime || series.backend !== form.backend || series.tokens !== form.tokens) {
          const runtime = series.runtime === form.runtime ? '' : `${RUNTIME_TITLES[series.runtime]}, `;
          return fail(
            `Refine measures with the Measure panel's runtime, backend and T: set them to ${runtime}${series.backend} and ${series.tokens} (the series').`,
          );
        }
        if (start.run.status === 'running' || start.measure.status !== 'idle') return;
        const mode = start.measure.form.mode;
        const keys = () => (get().results ? frontierFingerprint(get().results!.snapshot, get().results!.config) : '');
        let previous = keys();
        let outcome = `the frontier still changed after ${REFINE_ROUNDS} rounds`;
        try {
          for (let round = 1; round <= REFINE_ROUNDS; round++) {
            set({ measure: { ...get().measure, refine: { round, of: REFINE_ROUNDS } } });
            const batch = refineBatch(get(), series.id, REFINE_BATCH);
            if (batch.length === 0) {
              outcome = 'every frontier candidate is measured on this device';
              break;
            }
            get().actions.setLinkCandidates(batch);
            await get().actions.measure();
            if (get().measure.items.some((it) => it.state === 'stopped')) return; // Stop: keep what was timed
            get().actions.predictFrom(series.id);
            if (get().measure.errors.length) return;
            get().actions.startSearch();
            await active?.result.catch(() => {});
            if (get().run.outcome !== 'done') return; // the search was stopped or failed: it says why
            const now = keys();
            if (now === previous) {
              outcome = `the frontier came out the same twice in a row (round ${round})`;
              break;
            }
            previous = now;
          }
          const p = get().settings.predictor;
          const fit = p
            ? ` The predictor now rests on ${p.decode.n} candidates (decode LOO ${(100 * p.decode.looMedianApe).toFixed(1)} %).`
            : '';
          set({ measure: { ...get().measure, notice: `Refined on ${series.label}: ${outcome}.${fit}` } });
        } finally {
          set({ measure: { ...get().measure, refine: null, form: { ...get().measure.form, mode } } });
        }
      },

      openShareLink({ state, measured, problems }) {
        if (get().run.status === 'running') get().actions.stopSearch();
        set({ settings: { ...state.settings, space: { ...state.settings.space } }, selection: null });
        if (measured) get().actions.importResults(measured);
        get().actions.startSearch();
        const { run, errors } = get();
        if (run.status !== 'running') return; // the link's settings did not make a search: errors say why
        set({ view: state.view }); // as sent, even an axis the new objectives would have replaced
        pendingLink = { runId: run.id, selectedId: state.selectedId, fingerprint: state.fingerprint };
        if (problems.length) {
          set({ errors: [...errors, `The link held settings this app could not use (their defaults apply): ${problems.join('; ')}.`] });
        }
      },
      ...measureParts.actions,
    };

    const calibration = measureParts.measure.calibration;
    return {
      settings: { ...defaultSettings(), ...(calibration?.use ? { profile: calibration.profile } : {}) },
      run: { status: 'idle', outcome: 'none', config: null, snapshot: null, startedAt: 0, elapsedMs: 0, id: 0 },
      results: null,
      errors: [],
      notice: null,
      view: { x: 'latency-decode', y: 'decoder-params', logX: false, logY: false, showDominated: true, showInfeasible: false },
      tab: 'explorer',
      selection: null,
      sort: { key: 'latencyDecode', dir: 'asc' },
      page: 0,
      measure: measureParts.measure,
      actions,
    };
  });
}
