// Frontier candidates, sortable, one page at a time (a frontier holds thousands of archs: a page
// keeps each progress update cheap). Clicking a row or pressing Enter on it selects it.
import { useDeferredValue, useMemo } from 'react';
import { formatInt } from '../view/format';
import { describeMeasurement, shownMeasuredLookup } from '../view/measuredView';
import { EMPTY_VIEW, runView } from '../view/runView';
import { useActions, useExplorer, useReference } from '../state/store';
import { COLUMN_GROUPS, COLUMNS, PAGE_SIZE, pageCount, sortRows } from '../view/table';
import { Select } from './controls';

/** Which measured series the "Measured" column shows (when there is more than one). */
function SeriesPicker() {
  const series = useExplorer((s) => s.measure.measurements.series);
  const shown = useExplorer((s) => s.measure.shownSeriesId);
  const { showSeries } = useActions();
  if (series.length === 0) return null;
  return (
    <Select
      label="Measured column"
      value={shown ?? series[series.length - 1].id}
      options={series.map((s) => ({ value: s.id, label: s.label }))}
      onChange={showSeries}
    />
  );
}

export function CandidateTable() {
  // Deferred: progress updates re-render the table in a yielding transition.
  const results = useDeferredValue(useExplorer((s) => s.results));
  const snapshot = results?.snapshot ?? null;
  const measurements = useExplorer((s) => s.measure.measurements);
  const shownSeriesId = useExplorer((s) => s.measure.shownSeriesId);
  const nextProfile = useExplorer((s) => s.settings.profile);
  const sort = useExplorer((s) => s.sort);
  const page = useExplorer((s) => s.page);
  const selection = useExplorer((s) => s.selection);
  const selectedId = selection && results && selection.runId === results.runId ? selection.id : null;
  const fit = useReference((s) => s.analysis?.fit ?? null);
  const { sortBy, setPage, select } = useActions();
  const rows = snapshot ? runView(snapshot).frontier : EMPTY_VIEW.frontier;
  const lookup = useMemo(() => shownMeasuredLookup(measurements, shownSeriesId, results), [measurements, shownSeriesId, results]);
  const sorted = useMemo(() => sortRows(rows, sort, fit, lookup), [rows, sort, fit, lookup]);
  const shown = measurements.series.find((m) => m.id === shownSeriesId);
  const workload = results?.config.eval.workload ?? 'decode';
  const pages = pageCount(sorted.length);
  const p = Math.min(page, pages - 1);
  const visible = sorted.slice(p * PAGE_SIZE, (p + 1) * PAGE_SIZE);
  return (
    <section className="card table-card" aria-labelledby="candidates-title">
      <header className="card-head">
        <div>
          <h2 className="card-title" id="candidates-title">
            Frontier candidates <span className="count">{formatInt(sorted.length)}</span>
          </h2>
          <p className="card-sub">
            Proxies: decoder params (LTS), entropy (MeRino-style, our reconstruction), prefill FLOPs (naive baseline). Latency is analytic (
            {(results?.config.eval.profile ?? nextProfile).label}); est. ppl is a power-law fit on the LTS GPT-2 / WikiText-103 models, not
            a measurement.{' '}
            {shown
              ? `Measured: ${workload} latency measured (${shown.label}), median ± half the p10–p90 range.`
              : 'Measured: empty until candidates are timed on this device (Measure).'}
          </p>
        </div>
        <SeriesPicker />
        <nav className="pager" aria-label="Table pages">
          <button type="button" onClick={() => setPage(p - 1)} disabled={p === 0} aria-label="Previous page">
            ‹
          </button>
          <span>
            Page {formatInt(p + 1)} of {formatInt(pages)}
          </span>
          <button type="button" onClick={() => setPage(p + 1)} disabled={p >= pages - 1} aria-label="Next page">
            ›
          </button>
        </nav>
      </header>
      <div className="table-scroll">
        <table aria-label="Candidates" className="candidates">
          <thead>
            <tr className="group-row">
              {COLUMN_GROUPS.map((g) => (
                <th key={g.label} scope="colgroup" colSpan={g.span}>
                  <span className="group-label">{g.label}</span>
                </th>
              ))}
            </tr>
            <tr>
              {COLUMNS.map((c) => (
                <th key={c.key} scope="col" aria-sort={sort.key === c.key ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'}>
                  <button type="button" className="sort" onClick={() => sortBy(c.key)}>
                    <span className="th-main">
                      {c.header}
                      <span className="sort-mark" aria-hidden="true">
                        {sort.key === c.key ? (sort.dir === 'asc' ? '▲' : '▼') : ''}
                      </span>
                    </span>
                    {c.sub ? <span className="th-sub">{c.sub}</span> : null}
                  </button>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {visible.map((r) => (
              <tr
                key={r.id}
                aria-selected={r.id === selectedId}
                className={r.id === selectedId ? 'selected' : undefined}
                tabIndex={0}
                data-id={r.id}
                onClick={() => select(r.id)}
                onKeyDown={(e) => {
                  if (e.key === 'Enter' || e.key === ' ') {
                    e.preventDefault();
                    select(r.id);
                  }
                }}
              >
                {COLUMNS.map((c) => {
                  const m = c.key === 'measured' ? lookup?.(r.id) : undefined;
                  return (
                    <td key={c.key} data-col={c.key} title={m ? describeMeasurement(m.measurement, m.series) : undefined}>
                      {c.cell(r, fit, lookup)}
                    </td>
                  );
                })}
              </tr>
            ))}
            {visible.length === 0 ? (
              <tr>
                <td colSpan={COLUMNS.length} className="empty">
                  No frontier yet.
                </td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </div>
    </section>
  );
}
