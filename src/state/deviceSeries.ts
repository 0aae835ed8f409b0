// The device series of the measure part of the store: which one the table shows, another
// device's imported (a results link or file), renamed, removed, and learned as a latency
// predictor (core/predictor) for the next search. Every change is saved to local storage; a
// browser that refuses says so and the series stay in memory.
import { parseArchKey } from '../core/arch';
import type { DeviceProfile } from '../core/latency';
import { parseResultsJson, type ResultsLink } from '../core/resultsLink';
import { addMeasurements, importedSeriesLabel, seriesId, type Measurement, type MeasurementStore } from '../core/measurements';
import { fitPredictor, type LatencyPredictor } from '../core/predictor';
import { saveMeasurements, type StorageLike } from './storage';

export interface DeviceSeriesActions {
  showSeries(id: string): void;
  /** Adds another device's series (a results link or file); the same results twice add nothing. */
  importResults(results: ResultsLink): void;
  /** A results file's text: imported, or a sentence naming the file and what is wrong with it. */
  importResultsFile(name: string, text: string): void;
  renameSeries(id: string, label: string): void;
  removeSeries(id: string): void;
  /** Learns this series' latency (core/predictor) and has the next search minimise it; a
   *  series with too few candidates gets a sentence instead. */
  predictFrom(seriesId: string): void;
}

/** What these actions read and write of the store (the measure part and two settings). */
interface Context {
  storage?: StorageLike;
  get: () => {
    measure: { measurements: MeasurementStore; shownSeriesId: string | null };
    settings: { profile: DeviceProfile };
    actions: { setPredictor(predictor: LatencyPredictor | null): void };
  };
  setMeasure: (patch: {
    measurements?: MeasurementStore;
    shownSeriesId?: string | null;
    errors?: string[];
    notice?: string | null;
  }) => void;
}

/** The series measured most recently (the one the table shows after a reload). */
export const latestSeries = (s: MeasurementStore): string | null =>
  [...s.series].sort(
    (a, b) =>
      Math.max(...Object.values(b.byArch).map((m) => Date.parse(m.at))) - Math.max(...Object.values(a.byArch).map((m) => Date.parse(m.at))),
  )[0]?.id ?? null;

const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

export function createDeviceSeriesActions({ storage, get, setMeasure }: Context): DeviceSeriesActions {
  /** Keeps `store` (and `patch`); a storage error joins the patch's errors. */
  const save = (store: MeasurementStore, patch: Parameters<Context['setMeasure']>[0] = {}) => {
    const saveError = saveMeasurements(storage, store);
    setMeasure({ ...patch, measurements: store, ...(saveError ? { errors: [...(patch.errors ?? []), saveError] } : {}) });
  };

  const actions: DeviceSeriesActions = {
    showSeries: (id) => setMeasure({ shownSeriesId: id }),

    importResults(results) {
      let store = get().measure.measurements;
      const ids: string[] = [];
      let count = 0;
      for (const s of results.series) {
        const ms = s.measurements.filter((m): m is Measurement => m !== null);
        if (ms.length === 0) continue;
        const runtime = s.runtime ?? 'tfjs'; // results made before ONNX Runtime are tfjs's
        const label = s.label || importedSeriesLabel(s.backend, s.device, s.tokens, runtime);
        store = addMeasurements(store, s.backend, s.device, s.thread, ms, label, runtime);
        ids.push(seriesId(s.backend, s.device, s.tokens, runtime));
        count += ms.length;
      }
      if (ids.length === 0) return setMeasure({ errors: ['The results hold no measured candidate: nothing was imported.'], notice: null });
      const names = ids.map((id) => store.series.find((s) => s.id === id)!.label);
      save(store, {
        shownSeriesId: ids[0],
        errors: [],
        notice: `Imported ${count} measurement${count === 1 ? '' : 's'}: ${names.join('; ')}.`,
      });
    },

    importResultsFile(name, text) {
      let results: ResultsLink;
      try {
        results = parseResultsJson(text);
      } catch (e) {
        return setMeasure({ errors: [`${name} was not imported: ${messageOf(e)}. Nothing changed.`], notice: null });
      }
      actions.importResults(results);
    },

    renameSeries(id, label) {
      const name = label.trim();
      if (!name) return;
      const { measurements } = get().measure;
      save({ ...measurements, series: measurements.series.map((s) => (s.id === id ? { ...s, label: name } : s)) });
    },

    removeSeries(id) {
      const { measurements, shownSeriesId } = get().measure;
      const store = { ...measurements, series: measurements.series.filter((s) => s.id !== id) };
      save(store, { shownSeriesId: shownSeriesId === id ? latestSeries(store) : shownSeriesId });
    },

    predictFrom(id) {
      const series = get().measure.measurements.series.find((s) => s.id === id);
      if (!series) return;
      const samples = Object.values(series.byArch).flatMap((m) => {
        const arch = parseArchKey(m.archKey);
        return arch ? [{ arch, prefillMs: m.prefill.medianMs, decodeMs: m.decode.medianMs }] : [];
      });
      let predictor: LatencyPredictor;
      try {
        predictor = fitPredictor(samples, series.tokens, get().settings.profile, series.label);
      } catch (e) {
        return setMeasure({ errors: [`No predictor for ${series.label}: ${messageOf(e)}. Measure more candidates on it.`], notice: null });
      }
      get().actions.setPredictor(predictor);
      const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
      const figures = (w: 'prefill' | 'decode') =>
        `${w} ${pct(predictor[w].looMedianApe)} median error, ${pct(predictor[w].looWithin10)} within ±10 %, ` +
        `Spearman ${predictor[w].spearman.toFixed(3)}`;
      setMeasure({
        errors: [],
        notice:
          `Learned ${series.label} from ${samples.length} candidates (leave-one-out: ${figures('decode')}; ${figures('prefill')}). ` +
          'The next search minimises its predicted latency.',
      });
    },
  };
  return actions;
}
