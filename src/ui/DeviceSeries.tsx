// The device series the chart and table show: this device's and other devices' (imported from a
// results link or file). Each can be renamed and removed; "Import results" reads a results file,
// and a results file dropped anywhere on the page is imported too.
import { useEffect, useState } from 'react';
import { MIN_SAMPLES } from '../core/predictor';
import { explorerStore, useActions, useExplorer } from '../state/store';
import { seriesColor } from '../view/measuredView';

/** Imports a dropped or picked results file (the store says what is wrong with one that is not). */
const importFile = async (file: File): Promise<void> => explorerStore.getState().actions.importResultsFile(file.name, await file.text());

/** Files dropped on the page (outside inputs) are results files to import. */
function useDropImport(): void {
  useEffect(() => {
    const over = (e: DragEvent) => {
      if (e.dataTransfer?.types.includes('Files')) e.preventDefault();
    };
    const drop = (e: DragEvent) => {
      const files = [...(e.dataTransfer?.files ?? [])];
      if (files.length === 0) return;
      e.preventDefault();
      for (const f of files) void importFile(f);
    };
    window.addEventListener('dragover', over);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragover', over);
      window.removeEventListener('drop', drop);
    };
  }, []);
}

function SeriesRow({ id, label, index, count }: { id: string; label: string; index: number; count: number }) {
  const { renameSeries, removeSeries, predictFrom } = useActions();
  const [name, setName] = useState(label); // remounted (key) when the stored name changes
  return (
    <li>
      <span className="legend-symbol sym-diamond" style={{ color: seriesColor(index) }} aria-hidden="true" />
      <input
        type="text"
        aria-label={`Name of ${label}`}
        title={name}
        value={name}
        onChange={(e) => setName(e.target.value)}
        onBlur={() => (name.trim() ? renameSeries(id, name) : setName(label))}
        onKeyDown={(e) => e.key === 'Enter' && (e.target as HTMLInputElement).blur()}
      />
      <span className="hint">
        {count} candidate{count === 1 ? '' : 's'}
      </span>
      <button
        type="button"
        aria-label={`Predict latency from ${label}`}
        title={`Learn this device's latency from its ${count} measured candidates (at least ${MIN_SAMPLES}) and search on it`}
        onClick={() => predictFrom(id)}
      >
        Predict
      </button>
      <button type="button" aria-label={`Remove ${label}`} onClick={() => removeSeries(id)}>
        Remove
      </button>
    </li>
  );
}

export function DeviceSeries() {
  const series = useExplorer((s) => s.measure.measurements.series);
  useDropImport();
  return (
    <div className="device-series">
      <h3 className="field-label">Device series</h3>
      {series.length ? (
        <ul aria-label="Device series">
          {series.map((s, i) => (
            <SeriesRow key={`${s.id}\n${s.label}`} id={s.id} label={s.label} index={i} count={Object.keys(s.byArch).length} />
          ))}
        </ul>
      ) : (
        <p className="hint">None yet: measure here, or import another device's results.</p>
      )}
      <label className="file-button">
        <span>Import results</span>
        <input
          type="file"
          accept=".json,application/json"
          onChange={(e) => {
            for (const f of e.target.files ?? []) void importFile(f);
            e.target.value = '';
          }}
        />
      </label>
      <p className="hint">
        A results file (from a phone's “Download JSON”) can also be dropped on the page; a results link can be opened here.
      </p>
    </div>
  );
}
