// The frontier chart (recharts 3): axes, grid and labels from recharts, the points from
// ChartLayer, an HTML tooltip with the arch summary. Click or arrow keys select a candidate.
import { memo, useCallback, useDeferredValue, useMemo, useState } from 'react';
import { CartesianGrid, ComposedChart, XAxis, YAxis } from 'recharts';
import { archKey, archSummary } from '../core/arch';
import { DEFAULT_EVAL } from '../core/evaluate';
import { archBase, unpackArch } from '../core/packed';
import { AXES, axesMatchObjectives, estPplLabel, isMeasuredAxis, sourcedLabel } from '../view/axes';
import { baselineRows, placeBaselines, type BaselinePlacement } from '../view/baselines';
import { chartSeries } from '../view/chartData';
import { describeMeasurement, measuredChartSeries, runKeyIndex } from '../view/measuredView';
import { EMPTY_VIEW, runView } from '../view/runView';
import { useActions, useExplorer, useReference } from '../state/store';
import { ChartLayer } from './ChartLayer';
import type { ScreenPoint, ScreenSeries } from './pointsDraw';
import { useBoxWidth } from './useBoxWidth';

import { CHART_HEIGHT } from './chartSize';

/**
 * Under this chart width a tooltip beside the point (220 px at least, 14 px off) would stick out
 * of the chart and widen the page: it spans the chart's width instead, above or below the point.
 */
const DOCK_TOOLTIP_BELOW = 2 * (220 + 14);

function tooltipPlacement(point: ScreenPoint, boxWidth: number): { className: string; style: React.CSSProperties } {
  if (boxWidth > 0 && boxWidth < DOCK_TOOLTIP_BELOW) {
    const above = point.sy > CHART_HEIGHT / 2;
    return {
      className: 'chart-tooltip docked',
      style: { top: point.sy, transform: above ? 'translateY(calc(-100% - 14px))' : 'translateY(14px)' },
    };
  }
  const flip = point.sx > boxWidth / 2;
  return {
    className: 'chart-tooltip',
    style: { left: point.sx, top: point.sy, transform: flip ? 'translate(calc(-100% - 14px), 14px)' : 'translate(14px, 14px)' },
  };
}

function Tooltip({ point, boxWidth }: { point: ScreenPoint; boxWidth: number }) {
  const snapshot = useExplorer((s) => s.results?.snapshot);
  const config = useExplorer((s) => s.results?.config);
  const view = useExplorer((s) => s.view);
  const fit = useReference((s) => s.estFit);
  const measurements = useExplorer((s) => s.measure.measurements);
  const row = snapshot ? runView(snapshot).byId.get(point.id) : undefined;
  if (!row || !snapshot || !config) return null;
  const arch = unpackArch(row.set === 'frontier' ? snapshot.frontier : snapshot.sample, row.index, archBase(config));
  const key = archKey(arch);
  const measured = measurements.series.filter((s) => s.byArch[key]);
  const ax = AXES[isMeasuredAxis(view.x) ? 'latency-decode' : view.x];
  const ay = AXES[view.y];
  const { className, style } = tooltipPlacement(point, boxWidth);
  return (
    // Mouse-only detail (the table and the architecture view carry the same for keyboard users).
    <div className={className} aria-hidden="true" style={style}>
      <div className="tt-title">
        {archSummary(arch)} <span className={`tag tag-${row.status}`}>{row.status}</span>
      </div>
      <dl>
        <dt>{ax.name}</dt>
        <dd>{ax.format(ax.value(row, fit))}</dd>
        <dt>{view.y === 'est-ppl' ? estPplLabel(fit) : ay.name}</dt>
        <dd>{ay.format(ay.value(row, fit))}</dd>
        <dt>Total params</dt>
        <dd>{AXES['params-total'].format(row.paramsTotal)}</dd>
      </dl>
      {measured.map((s) => (
        <p key={s.id} className="tt-measured">
          {describeMeasurement(s.byArch[key], s)}
        </p>
      ))}
    </div>
  );
}

/** Baselines the axes leave out, each with the reason, and the entropy caveat: never dropped silently. */
function OffChart({ placement }: { placement: BaselinePlacement }) {
  const warned = placement.on.filter((b) => b.warning);
  if (placement.off.length === 0 && warned.length === 0) return null;
  return (
    <div className="baselines-note" data-testid="baselines-off">
      {placement.off.length ? (
        <p>
          <strong>Off-chart baselines:</strong>{' '}
          {placement.off.map((o, i) => (
            <span key={o.row.baseline.id} data-baseline={o.row.baseline.id} title={o.row.baseline.source}>
              {i ? '; ' : ''}
              {o.row.baseline.name} ({o.reason})
            </span>
          ))}
          .
        </p>
      ) : null}
      {warned.length ? (
        <p>
          * {warned.map((b) => b.row.baseline.name).join(', ')}: the entropy proxy is not comparable across families (each family has its
          own linear maps); compare params, FLOPs and latency instead.
        </p>
      ) : null}
    </div>
  );
}

/** Same numbers, same array: recharts re-computes its axes only when the domain really changes. */
function useStableArray<T extends number[]>(xs: T): T {
  const key = xs.join(',');
  // Keyed on the values, not the array identity (deliberately not listing `xs`).
  return useMemo(() => xs, [key]); // eslint-disable-line react-hooks/exhaustive-deps
}

const MARGIN = { top: 16, right: 28, bottom: 26, left: 20 };

export const FrontierChart = memo(function FrontierChart({ projection }: { projection: { current: ScreenSeries | null } }) {
  // Deferred: a progress update re-renders the chart in a yielding transition, not one long task.
  const results = useDeferredValue(useExplorer((s) => s.results));
  const snapshot = results?.snapshot ?? null;
  const config = results?.config ?? null;
  const measurements = useExplorer((s) => s.measure.measurements);
  const profile = useExplorer((s) => s.settings.profile);
  const view = useExplorer((s) => s.view);
  // From the deferred results too: a new run's first results then switch runs inside the
  // yielding render, not in an urgent one.
  const selection = useExplorer((s) => s.selection);
  const selectedId = selection && results && selection.runId === results.runId ? selection.id : null;
  const fit = useReference((s) => s.estFit);
  const { select } = useActions();
  const [hover, setHover] = useState<ScreenPoint | null>(null);
  const [host, setHost] = useState<HTMLDivElement | null>(null);
  const width = useBoxWidth(host);

  const proxy = config?.objectives[0].metric;
  const staircase =
    !!config && (proxy === 'decoder-params' || proxy === 'entropy' || proxy === 'flops')
      ? axesMatchObjectives(view.x, view.y, proxy, config.eval.workload)
      : false;
  const rv = snapshot ? runView(snapshot) : EMPTY_VIEW;
  const chartFit = view.y === 'est-ppl' || view.x === 'est-ppl' ? fit : null;
  // Measured candidates sit where the run on screen would put them (its eval settings); those it
  // holds are selectable through their ids.
  const keyIndex = useMemo(
    () => (results && measurements.series.length ? runKeyIndex(results.snapshot, results.config) : null),
    [results, measurements],
  );
  const evalSettings = useMemo(() => results?.config.eval ?? { ...DEFAULT_EVAL, profile }, [results, profile]);
  const measured = useMemo(
    () =>
      measuredChartSeries(measurements, {
        x: view.x,
        y: view.y,
        logX: view.logX,
        logY: view.logY,
        fit: chartFit,
        settings: evalSettings,
        keyIndex,
      }),
    [measurements, view, chartFit, evalSettings, keyIndex],
  );
  const series = useMemo(
    () =>
      chartSeries(rv, {
        x: view.x,
        y: view.y,
        logX: view.logX,
        logY: view.logY,
        showDominated: view.showDominated,
        showInfeasible: view.showInfeasible,
        staircase,
        fit: chartFit,
        measured,
      }),
    [rv, view, staircase, chartFit, measured],
  );

  const shownSeriesId = useExplorer((s) => s.measure.shownSeriesId);
  const baselineIds = useExplorer((s) => s.settings.baselines);
  const baselines = useMemo(() => baselineRows(evalSettings, baselineIds), [evalSettings, baselineIds]);
  const placement = useMemo((): BaselinePlacement => {
    const shown = measurements.series.find((m) => m.id === shownSeriesId);
    const workload = view.x === 'measured-prefill' ? 'prefill' : 'decode';
    return placeBaselines(baselines, {
      x: view.x,
      y: view.y,
      xDomain: series.x.domain,
      yDomain: series.y.domain,
      fit: chartFit,
      searchFamily: config?.space.family ?? 'gpt2',
      measuredX: (key) => shown?.byArch[key]?.[workload].medianMs,
    });
  }, [baselines, view.x, view.y, series, chartFit, config, measurements, shownSeriesId]);

  const frontierByX = useMemo(() => [...series.frontier].sort((a, b) => a.x - b.x), [series]);
  const onKeyDown = useCallback(
    (e: React.KeyboardEvent) => {
      if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return;
      if (frontierByX.length === 0) return;
      e.preventDefault();
      const i = frontierByX.findIndex((p) => p.id === selectedId);
      const next = i < 0 ? 0 : Math.max(0, Math.min(frontierByX.length - 1, i + (e.key === 'ArrowRight' ? 1 : -1)));
      select(frontierByX[next].id);
    },
    [frontierByX, selectedId, select],
  );

  const ax = AXES[view.x];
  const ay = AXES[view.y];
  const yLabel = view.y === 'est-ppl' ? estPplLabel(fit) : ay.label;
  const xDomain = useStableArray(series.x.domain);
  const yDomain = useStableArray(series.y.domain);
  const xTicks = useStableArray(series.x.ticks);
  const yTicks = useStableArray(series.y.ticks);
  const word = config?.eval.predictor ? 'predicted' : 'analytic';
  const predictedT = config?.eval.predictor?.tokens;
  const xLabel = useMemo(
    () => ({ value: sourcedLabel(ax.label, word, predictedT), position: 'bottom' as const, offset: 6, className: 'axis-label' }),
    [ax, word, predictedT],
  );
  const yLabelProps = useMemo(
    () => ({
      value: yLabel,
      angle: -90,
      position: 'insideLeft' as const,
      offset: 4,
      style: { textAnchor: 'middle' as const },
      className: 'axis-label',
    }),
    [yLabel],
  );
  // The same elements while the domain holds: React then skips re-rendering recharts' axes and
  // grid on a progress update, and only the points layer redraws.
  const axes = useMemo(
    () => [
      <CartesianGrid key="grid" className="chart-grid" strokeDasharray="0" />,
      <XAxis
        key="x"
        type="number"
        dataKey="x"
        scale={view.logX ? 'log' : 'linear'}
        domain={xDomain}
        ticks={xTicks}
        allowDataOverflow
        interval={0}
        tickFormatter={ax.tick}
        label={xLabel}
      />,
      <YAxis
        key="y"
        type="number"
        dataKey="y"
        scale={view.logY ? 'log' : 'linear'}
        domain={yDomain}
        ticks={yTicks}
        allowDataOverflow
        interval={0}
        width={56}
        tickFormatter={ay.tick}
        label={yLabelProps}
      />,
    ],
    [view.logX, view.logY, xDomain, yDomain, xTicks, yTicks, ax, ay, xLabel, yLabelProps],
  );

  return (
    <div
      className="chart-box"
      ref={setHost}
      tabIndex={0}
      onKeyDown={onKeyDown}
      aria-label="Frontier plot: arrow keys select the previous or next frontier candidate"
    >
      {/* No recharts keyboard layer: the chart box is the one tab stop, with a short name. Until the
          box has been measured, an empty block of the chart's height keeps the layout still. */}
      {width > 0 ? (
        <ComposedChart width={width} height={CHART_HEIGHT} margin={MARGIN} accessibilityLayer={false}>
          {axes}
          <ChartLayer
            series={series}
            selectedId={selectedId}
            hoverId={hover?.id ?? null}
            onHover={setHover}
            onSelect={select}
            projection={projection}
            host={host}
            logX={view.logX}
            logY={view.logY}
            baselines={placement.on}
          />
        </ComposedChart>
      ) : (
        <div style={{ height: CHART_HEIGHT }} />
      )}
      <OffChart placement={placement} />
      {hover ? <Tooltip point={hover} boxWidth={host?.clientWidth ?? 0} /> : null}
      {view.y === 'est-ppl' && !fit ? <p className="chart-empty">Loading the perplexity fit…</p> : null}
      {!snapshot ? <p className="chart-empty">No results yet: press Search.</p> : null}
      {snapshot && isMeasuredAxis(view.x) && !measured.some((m) => m.points.length) ? (
        <p className="chart-empty">No measurements yet: pick candidates and press Measure.</p>
      ) : null}
    </div>
  );
});
