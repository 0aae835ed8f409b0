// Frontier candidates, sortable, one page at a time (a frontier holds thousands of archs: a page
// keeps each progress update cheap). Clicking a row or pressing Enter on it selects it.
import { useDeferredValue, useMemo } from 'react';
import { estPplBasis, latencySource, sourcedLabel } from '../view/axes';
import { formatInt } from '../view/format';
import { describeComparison } from '../view/baselines';
import { describeMeasurement, shownMeasuredLookup } from '../view/measuredView';
import { EMPTY_VIEW, runView } from '../view/runView';
import { useActions, useExplorer, useReference } from '../state/store';
import { COLUMN_BY_KEY, COLUMN_GROUPS, COLUMNS, deviceColumns, PAGE_SIZE, pageCount, runBaselineLookup, sortRows } from '../view/table';

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
  const fit = useReference((s) => s.estFit);
  const { sortBy, setPage, select, showSeries } = useActions();
  const rows = snapshot ? runView(snapshot).frontier : EMPTY_VIEW.frontier;
  const lookup = useMemo(() => shownMeasuredLookup(measurements, shownSeriesId, results), [measurements, shownSeriesId, results]);
  const baselineIds = useExplorer((s) => s.settings.baselines);
  const baselines = useMemo(() => runBaselineLookup(results?.config ?? null, baselineIds), [results, baselineIds]);
  const sorted = useMemo(() => sortRows(rows, sort, fit, lookup, baselines), [rows, sort, fit, lookup, baselines]);
  const devices = useMemo(() => deviceColumns(measurements, shownSeriesId, results), [measurements, shownSeriesId, results]);
  const source = latencySource(results?.config.eval ?? { profile: nextProfile, workload: 'decode' });
  // A predictor predicts at the T of the series it learned: the prefill column says which.
  const predictedT = results?.config.eval.predictor?.tokens;
  const sub = (c: (typeof COLUMNS)[number]) => (c.key === 'latencyPrefill' && predictedT !== undefined ? `${predictedT} tokens` : c.sub);
  const groups = COLUMN_GROUPS.map((g) => ({
    label: sourcedLabel(g.label, source.word),
    span: g.label === COLUMN_BY_KEY.measured.group ? Math.max(1, devices.length) : g.span,
  }));
  /** Sort by a device's column: it becomes the shown series (the one exports and the sort use). */
  const sortByDevice = (id: string) => {
    if (id === shownSeriesId) return sortBy('measured');
    showSeries(id);
    if (sort.key !== 'measured') sortBy('measured');
  };
  const shown = measurements.series.find((m) => m.id === shownSeriesId);
  const baselineTitle = (r: (typeof rows)[number]) => {
    const c = baselines?.(r);
    return c ? describeComparison(c, results?.config.eval.workload ?? 'decode', source.word) : undefined;
  };
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
            Proxies: decoder params (LTS), entropy (MeRino-style, our reconstruction), prefill FLOPs (naive baseline). Latency is{' '}
            {source.word} ({source.detail}); est. ppl is a power-law fit on {estPplBasis(fit)}, not a measurement.{' '}
            {shown
              ? `Measured: ${workload} latency measured (${shown.label}), median ± half the p10–p90 range.`
              : 'Measured: empty until candidates are timed on this device (Measure).'}
          </p>
        </div>
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
              {groups.map((g) => (
                <th key={g.label} scope="colgroup" colSpan={g.span}>
                  <span className="group-label">{g.label}</span>
                </th>
              ))}
            </tr>
            <tr>
              {COLUMNS.flatMap((c) =>
                c.key === 'measured' && devices.length
                  ? devices.map((d) => {
                      const isSorted = sort.key === 'measured' && d.shown;
                      return (
                        <th key={d.id} scope="col" aria-sort={isSorted ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'}>
                          <button type="button" className="sort" onClick={() => sortByDevice(d.id)} title={d.label}>
                            <span className="th-main th-device">
                              <span className="th-device-name">{d.label}</span>
                              <span className="sort-mark" aria-hidden="true">
                                {isSorted ? (sort.dir === 'asc' ? '▲' : '▼') : ''}
                              </span>
                            </span>
                            <span className="th-sub">{c.sub}</span>
                          </button>
                        </th>
                      );
                    })
                  : [
                      <th
                        key={c.key}
                        scope="col"
                        aria-sort={sort.key === c.key ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'}
                      >
                        <button type="button" className="sort" onClick={() => sortBy(c.key)}>
                          <span className="th-main">
                            {c.header}
                            <span className="sort-mark" aria-hidden="true">
                              {sort.key === c.key ? (sort.dir === 'asc' ? '▲' : '▼') : ''}
                            </span>
                          </span>
                          {sub(c) ? <span className="th-sub">{sub(c)}</span> : null}
                        </button>
                      </th>,
                    ],
              )}
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
                {COLUMNS.flatMap((c) =>
                  c.key === 'measured' && devices.length
                    ? devices.map((d) => {
                        const m = d.lookup?.(r.id);
                        return (
                          <td
                            key={d.id}
                            data-col={d.shown ? 'measured' : 'measured-other'}
                            data-series={d.label}
                            title={m ? describeMeasurement(m.measurement, m.series) : undefined}
                          >
                            {c.cell(r, fit, d.lookup)}
                          </td>
                        );
                      })
                    : [
                        <td key={c.key} data-col={c.key} title={c.key === 'baseline' ? baselineTitle(r) : undefined}>
                          {c.cell(r, fit, lookup, baselines)}
                        </td>,
                      ],
                )}
              </tr>
            ))}
            {visible.length === 0 ? (
              <tr>
                <td colSpan={COLUMNS.length + Math.max(0, devices.length - 1)} className="empty">
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
