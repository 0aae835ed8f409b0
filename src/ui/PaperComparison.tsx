// "Paper vs this run": per claim of the chosen paper, what the paper reported (its words and
// source) beside what this run shows (view/papers), with the source of every latency figure.
import { useMemo } from 'react';
import { paperPreset } from '../core/papers';
import { latencySource } from '../view/axes';
import { baselineRows } from '../view/baselines';
import { runKeyIndex, timingOf } from '../view/measuredView';
import { paperFigures, type MeasuredInput } from '../view/papers';
import { runView } from '../view/runView';
import { useExplorer } from '../state/store';

export function PaperComparison() {
  const paperId = useExplorer((s) => s.settings.paper);
  const results = useExplorer((s) => s.results);
  const running = useExplorer((s) => s.run.status === 'running');
  const runId = useExplorer((s) => s.run.id);
  const measurements = useExplorer((s) => s.measure.measurements);
  const shownSeriesId = useExplorer((s) => s.measure.shownSeriesId);
  const paper = paperId ? paperPreset(paperId) : null;
  const figures = useMemo(() => {
    if (!paper || !results) return null;
    const { snapshot, config } = results;
    const workload = config.eval.workload;
    const series = measurements.series.find((s) => s.id === shownSeriesId) ?? null;
    let keys: Map<number, string> | null = null;
    const measured: MeasuredInput | null = series
      ? {
          label: series.label,
          latencyMs: (key) => {
            const m = series.byArch[key];
            return m ? timingOf(m, workload).medianMs : undefined;
          },
          keyOf: (r) => {
            keys ??= new Map([...runKeyIndex(snapshot, config)].map(([k, id]) => [id, k]));
            return keys.get(r.id);
          },
        }
      : null;
    return paperFigures(paper, {
      frontier: runView(snapshot).frontier,
      baselines: baselineRows(config.eval, paper.baselines),
      workload,
      sourceWord: latencySource(config.eval).word,
      measured,
    });
  }, [paper, results, measurements, shownSeriesId]);
  if (!paper) return null;
  // Until the paper's run reports, the results on screen are the previous run's.
  const stale = running && results?.runId !== runId;
  const shown = (i: number) => (figures && !stale ? figures[i].text : running ? 'searching…' : 'run the search');
  return (
    <section className="card paper-card" aria-labelledby="paper-title">
      <header className="card-head">
        <h2 className="card-title" id="paper-title">
          Paper vs this run
        </h2>
        <p className="card-sub">
          {paper.label}. Quality is the LTS proxy (decoder params, so est. ppl); latency is this run’s source unless both models are
          measured in the shown series.
        </p>
      </header>
      <table className="proxy-table paper-table" aria-label="Paper vs this run">
        <thead>
          <tr>
            <th scope="col">What the paper reported</th>
            <th scope="col">What this run shows</th>
          </tr>
        </thead>
        <tbody>
          {paper.claims.map((c, i) => (
            <tr key={c.text}>
              <td>
                “{c.text}”<br />
                <small className="hint">{c.source}</small>
              </td>
              <td>{shown(i)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
