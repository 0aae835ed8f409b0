// The "Pareto frontier" region: title, axis pickers and toggles, the chart, its legend and the
// frontier / chart exports.
import { Suspense, lazy, useDeferredValue, useRef, useState } from 'react';
import { SPACE_PRESETS, type SearchSpace } from '../core/space';
import { AXES, estPplLabel, isMeasuredAxis, latencySource, measuredWorkload, X_METRICS, Y_METRICS, type AxisMetric } from '../view/axes';
import { MAX_DOMINATED } from '../view/chartData';
import { exportCsv, exportJson } from '../view/exports';
import { formatCount, formatInt } from '../view/format';
import { seriesColor } from '../view/measuredView';
import { legendItems, moreText } from '../view/legend';
import { runView } from '../view/runView';
import { explorerStore, referenceStore, useActions, useExplorer, useReference } from '../state/store';
import { chartSvgString, svgToPng, type ChartFigure } from './chartExport';
import { Checkbox, Select } from './controls';
import { downloadBlob, downloadJson, downloadText } from './download';
import { LinksPanel } from './LinksPanel';
import type { ScreenSeries } from './pointsDraw';
import type { LegendItem } from './svgDocument';
import { HelpFor } from './Help';
import { CHART_HEIGHT } from './chartSize';

// The chart and recharts (about a third of the page's script) are their own chunk: evaluating
// them with the rest of the page made its first task 80+ ms; loaded after it, they run in a task
// of their own. The placeholder keeps the chart's height so nothing moves when it arrives.
const FrontierChart = lazy(() => import('./FrontierChart').then((m) => ({ default: m.FrontierChart })));
const CHART_PLACEHOLDER = <div className="chart-box" style={{ height: CHART_HEIGHT }} aria-busy="true" />;

const spaceName = (space: SearchSpace): string =>
  SPACE_PRESETS.find((p) => JSON.stringify(p.space) === JSON.stringify(space))?.label ?? 'Custom';

function useFigure(): ChartFigure {
  // Deferred like the chart and table: a new snapshot is laid out in a yielding transition.
  const results = useDeferredValue(useExplorer((s) => s.results));
  const view = useExplorer((s) => s.view);
  const fit = useReference((s) => s.estFit);
  const measurements = useExplorer((s) => s.measure.measurements);
  const nextProfile = useExplorer((s) => s.settings.profile);
  const rv = results ? runView(results.snapshot) : null;
  const measuredX = isMeasuredAxis(view.x) ? measuredWorkload(view.x) : null;
  const yName = view.y === 'est-ppl' ? estPplLabel(fit) : AXES[view.y].name;
  const budgets = results?.config.budgets ?? {};
  const hasBaselines = useExplorer((s) => s.settings.baselines.length > 0);
  const budgetText = [
    budgets.paramsTotal ? `≤ ${formatCount(budgets.paramsTotal)} total params` : '',
    budgets.paramsDecoderMin ? `≥ ${formatCount(budgets.paramsDecoderMin)} decoder params` : '',
    budgets.paramsDecoder ? `≤ ${formatCount(budgets.paramsDecoder)} decoder params` : '',
    budgets.latencyMs ? `≤ ${budgets.latencyMs} ms` : '',
    budgets.memoryBytes ? `≤ ${formatCount(budgets.memoryBytes)}B memory` : '',
    budgets.flopsPerToken ? `≤ ${formatCount(budgets.flopsPerToken)}FLOPs/token` : '',
  ].filter(Boolean);
  const space = results ? `${spaceName(results.config.space)} space` : '';
  const legend: LegendItem[] = measuredX
    ? []
    : [{ label: `Pareto frontier (${formatInt(rv?.frontier.length ?? 0)})`, color: themeVar('--front'), symbol: 'line-dot' }];
  // One entry per backend + device, honest about where the numbers come from; the first few
  // only, then a count, so hundreds of stored series never bury the chart.
  const capped = legendItems(measurements.series);
  capped.shown.forEach((m, i) => {
    const n = Object.keys(m.byArch).length;
    legend.push({
      label: `measured (${m.label}): ${formatInt(n)} candidate${n === 1 ? '' : 's'}`,
      color: seriesColor(i),
      symbol: 'diamond',
    });
  });
  if (capped.more) legend.push({ label: moreText(capped.more), color: themeVar('--muted'), symbol: 'none' });
  if (view.showDominated && !measuredX) {
    const n = Math.min(MAX_DOMINATED, rv?.dominated.length ?? 0);
    legend.push({ label: `Dominated (random sample, ${formatInt(n)} shown)`, color: themeVar('--dom'), symbol: 'faint-dot' });
  }
  if (view.showInfeasible && !measuredX) {
    legend.push({
      label: `Over budget (${formatInt(rv?.infeasible.length ?? 0)} in sample)`,
      color: themeVar('--infeasible'),
      symbol: 'cross',
    });
  }
  if (hasBaselines) legend.push({ label: 'Baseline (known model)', color: themeVar('--text'), symbol: 'square' });
  legend.push({ label: 'Selected', color: themeVar('--selected'), symbol: 'ring' });
  const source = latencySource(results?.config.eval ?? { profile: nextProfile, workload: 'decode' });
  const analyticX = view.x === 'latency-decode' || view.x === 'latency-prefill';
  return {
    title: measuredX
      ? `Measured candidates: ${yName} vs measured ${measuredX} latency (on this device)`
      : `Pareto frontier: ${yName} vs ${AXES[view.x].name.toLowerCase()}${analyticX ? ` (${source.word})` : ''}`,
    subtitle: [
      space,
      budgetText.join(', '),
      results ? `${formatInt(results.snapshot.evaluated)} archs evaluated` : '',
      measuredX ? 'latency: measured with tfjs, median of the timed runs, bars p10–p90' : `latency: ${source.word}, ${source.detail}`,
      !measuredX && measurements.series.length ? `◆ measured candidates drawn at their ${source.word} values` : '',
    ]
      .filter(Boolean)
      .join(' · '),
    legend,
  };
}

/** Legend colours stay CSS variables on screen; the SVG export resolves them (chartExport). */
const themeVar = (name: string) => `var(${name})`;

function Legend({ items }: { items: LegendItem[] }) {
  // A long label is cut by CSS (text-overflow) and shown whole in its tooltip.
  return (
    <ul className="legend" aria-label="Legend">
      {items.map((it, i) => (
        <li key={i} title={it.label} className={it.symbol === 'none' ? 'legend-more' : undefined}>
          {it.symbol === 'none' ? null : (
            <span className={`legend-symbol sym-${it.symbol}`} style={{ color: it.color }} aria-hidden="true" />
          )}
          <span className="legend-label">{it.label}</span>
        </li>
      ))}
    </ul>
  );
}

const EXPORT_FORMATS = ['CSV', 'JSON', 'SVG', 'PNG'] as const;

function Exports(props: {
  figure: ChartFigure;
  chartRef: React.RefObject<HTMLDivElement | null>;
  projection: { current: ScreenSeries | null };
}) {
  const { figure, chartRef, projection } = props;
  const hasFrontier = useExplorer((s) => (s.results?.snapshot.frontier.count ?? 0) > 0);
  const [error, setError] = useState<string | null>(null);
  const data = () => {
    const { results, measure } = explorerStore.getState();
    if (!results) throw new Error('no frontier yet');
    const { measurements, shownSeriesId } = measure;
    return {
      snapshot: results.snapshot,
      config: results.config,
      fit: referenceStore.getState().estFit,
      measurements,
      shownSeriesId,
    };
  };
  const svg = () => {
    const el = chartRef.current?.querySelector<SVGSVGElement>('svg.recharts-surface');
    if (!el) throw new Error('the chart is not drawn yet');
    return chartSvgString(el, figure, projection.current);
  };
  /** Runs one export from its click handler; a failure becomes a message beside the buttons. */
  const run = async (f: () => void | Promise<void>) => {
    try {
      setError(null);
      await f();
    } catch (e) {
      setError(`Export failed: ${(e as Error).message}`);
    }
  };
  const save = async (format: (typeof EXPORT_FORMATS)[number]) => {
    if (format === 'SVG') return downloadText(svg(), 'lm-frontier-chart.svg', 'image/svg+xml');
    if (format === 'PNG') return downloadBlob(await svgToPng(svg()), 'lm-frontier-chart.png');
    const d = data();
    if (format === 'CSV')
      downloadText(exportCsv(d.snapshot, d.config, d.fit, d.measurements, d.shownSeriesId), 'lm-frontier.csv', 'text/csv');
    else downloadJson(exportJson(d.snapshot, d.config, d.fit, d.measurements), 'lm-frontier.json');
  };
  const [copied, setCopied] = useState(false);
  /** The chart's PNG on the clipboard, to paste into a chat or a slide. */
  const copyImage = async () => {
    setCopied(false);
    if (typeof ClipboardItem === 'undefined' || !navigator.clipboard?.write) {
      throw new Error('this browser cannot put images on the clipboard; use Export PNG');
    }
    // The item takes a promise, so Safari keeps the click's permission while the PNG renders.
    await navigator.clipboard.write([new ClipboardItem({ 'image/png': svgToPng(svg()) })]);
    setCopied(true);
  };
  return (
    <div className="exports">
      {EXPORT_FORMATS.map((format) => (
        <button key={format} type="button" disabled={!hasFrontier} onClick={() => run(() => save(format))}>
          Export {format}
        </button>
      ))}
      <button type="button" disabled={!hasFrontier} onClick={() => run(copyImage)}>
        Copy image
      </button>
      {copied ? (
        <span role="status" className="hint">
          Chart image copied.
        </span>
      ) : null}
      <LinksPanel onDownloadJson={() => run(() => save('JSON'))} />
      {error ? (
        <span role="alert" className="inline-error">
          {error}
        </span>
      ) : null}
    </div>
  );
}

export function ChartPanel() {
  const view = useExplorer((s) => s.view);
  const latencyWord = useExplorer((s) => (s.results?.config.eval.predictor ? 'predicted' : 'analytic'));
  const { setView } = useActions();
  const figure = useFigure();
  const chartRef = useRef<HTMLDivElement>(null);
  const projection = useRef<ScreenSeries | null>(null);
  const pick = (axis: 'x' | 'y') => (m: AxisMetric) => {
    if (m === 'est-ppl') void referenceStore.getState().load();
    setView({ [axis]: m });
  };
  return (
    <section className="card chart-card" role="region" aria-label="Pareto frontier">
      <header className="card-head">
        <div>
          <h2 className="card-title">{figure.title}</h2>
          <p className="card-sub">{figure.subtitle}</p>
        </div>
      </header>
      <div className="chart-controls">
        <Select
          label="x axis"
          value={view.x}
          options={X_METRICS.map((m) => ({ value: m, label: AXES[m].name }))}
          onChange={pick('x')}
          help={<HelpFor metric={view.x} latencyWord={latencyWord} where="horizontal axis" />}
        />
        <Select
          label="y axis"
          value={view.y}
          options={Y_METRICS.map((m) => ({ value: m, label: AXES[m].name }))}
          onChange={pick('y')}
          help={<HelpFor metric={view.y} latencyWord={latencyWord} where="vertical axis" />}
        />
        <Checkbox label="log x" checked={view.logX} onChange={(logX) => setView({ logX })} />
        <Checkbox label="log y" checked={view.logY} onChange={(logY) => setView({ logY })} />
        <Checkbox label="dominated" checked={view.showDominated} onChange={(showDominated) => setView({ showDominated })} />
        <Checkbox label="over budget" checked={view.showInfeasible} onChange={(showInfeasible) => setView({ showInfeasible })} />
      </div>
      <Legend items={figure.legend} />
      <div ref={chartRef}>
        <Suspense fallback={CHART_PLACEHOLDER}>
          <FrontierChart projection={projection} />
        </Suspense>
      </div>
      <Exports figure={figure} chartRef={chartRef} projection={projection} />
    </section>
  );
}
