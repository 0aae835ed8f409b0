// The points of the frontier chart, inside recharts' plot area and placed with its axis scales.
// Thousands of points go on one <canvas> rather than into SVG: an SVG path of 4,000 arcs costs
// tens of ms to parse and paint on every progress update, a canvas a few ms. The canvas is an
// HTML element over the plot area (portalled into the chart box), so that the browser composites
// it as its own layer instead of repainting the whole SVG with it.
// The selection and hover rings stay SVG; a transparent rect on top does hit-testing. The
// projected points are handed to `projection` so the SVG/PNG export can draw them as vectors.
import { memo, useLayoutEffect, useMemo, useRef } from 'react';
import { createPortal } from 'react-dom';
import { usePlotArea, useXAxisScale, useYAxisScale } from 'recharts';
import type { PlacedBaseline } from '../view/baselines';
import { nearestPoint, type ChartSeries, type XY } from '../view/chartData';
import { layoutLabels, stairBoxes, type Box } from '../view/labelLayout';
import { diamondPath, drawPoints, stepPath, type ScreenMeasured, type ScreenPoint, type ScreenSeries } from './pointsDraw';
import { pixelSize } from './raster';

/** A CSS length of the plot area: 0 when recharts reports nothing usable. */
const cssSize = (v: number): number => (Number.isFinite(v) && v > 0 ? v : 0);

interface Props {
  series: ChartSeries;
  selectedId: number | null;
  hoverId: number | null;
  onHover: (p: ScreenPoint | null) => void;
  onSelect: (id: number) => void;
  projection: { current: ScreenSeries | null };
  /** The positioned element holding the chart, where the canvas goes. */
  host: HTMLElement | null;
  logX: boolean;
  logY: boolean;
  /** Baselines inside the axes, drawn as labelled squares in the chart's SVG (so screen readers
   *  and the SVG/PNG exports get their names as text). */
  baselines: readonly PlacedBaseline[];
}

export const ChartLayer = memo(function ChartLayer({
  series,
  selectedId,
  hoverId,
  onHover,
  onSelect,
  projection,
  host,
  logX,
  logY,
  baselines,
}: Props) {
  const xs = useXAxisScale();
  const ys = useYAxisScale();
  const plot = usePlotArea();
  const canvas = useRef<HTMLCanvasElement>(null);

  const screen = useMemo((): (ScreenSeries & { fx: (v: number) => number; fy: (v: number) => number }) | null => {
    if (!xs || !ys || !plot) return null;
    // The axes are linear or log over an explicit domain: take recharts' scale at the two ends
    // of the domain and interpolate, instead of calling it for each of thousands of points.
    const affine = (scale: NonNullable<typeof xs>, [d0, d1]: [number, number], log: boolean) => {
      const f = log ? Math.log10 : (v: number) => v;
      const p0 = scale(d0) ?? NaN;
      const p1 = scale(d1) ?? NaN;
      const k = (p1 - p0) / (f(d1) - f(d0));
      return (v: number) => p0 + k * (f(v) - f(d0));
    };
    const fx = affine(xs, series.x.domain, logX);
    const fy = affine(ys, series.y.domain, logY);
    const project = (pts: readonly XY[]): ScreenPoint[] => {
      const out: ScreenPoint[] = [];
      for (const p of pts) {
        const sx = fx(p.x);
        const sy = fy(p.y);
        if (Number.isFinite(sx) && Number.isFinite(sy)) out.push({ sx, sy, id: p.id });
      }
      return out;
    };
    const frontier = project(series.frontier);
    const dominated = project(series.dominated);
    const infeasible = project(series.infeasible);
    const measured: ScreenMeasured[] = series.measured.map((m) => ({
      id: m.id,
      label: m.label,
      color: m.color,
      points: m.points
        .map((p) => ({
          sx: fx(p.x),
          sy: fy(p.y),
          id: p.id,
          ...(p.lo !== undefined && p.hi !== undefined ? { slo: fx(p.lo), shi: fx(p.hi) } : {}),
        }))
        .filter((p) => Number.isFinite(p.sx) && Number.isFinite(p.sy)),
      frontierPath: stepPath(m.frontier.map((p) => [fx(p.x), fy(p.y)])),
    }));
    // Measured points of the run on screen are selectable (the others have no id here).
    const measuredHits = measured.flatMap((m) => m.points.filter((p) => p.id !== null).map((p) => ({ sx: p.sx, sy: p.sy, id: p.id! })));
    // Hit-testing prefers frontier points: they come first and ties keep the first.
    const all = [...frontier, ...measuredHits, ...dominated, ...infeasible];
    return {
      frontier,
      dominated,
      infeasible,
      measured,
      stairs: series.staircase ? project(series.staircase) : null,
      all,
      byId: new Map(all.map((p) => [p.id, p])),
      plot: { x: plot.x, y: plot.y, width: plot.width, height: plot.height },
      fx,
      fy,
    };
  }, [series, xs, ys, plot, logX, logY]);

  // Labels avoid each other, the markers, the frontier's points and its step line.
  const labelled = useMemo(() => {
    if (!screen || baselines.length === 0) return [];
    // A scale that cannot place a value (a collapsed domain) gives NaN: such a baseline is not drawn.
    const drawn = baselines.filter((b) => Number.isFinite(screen.fx(b.x)) && Number.isFinite(screen.fy(b.y)));
    const anchors = drawn.map((b) => ({ sx: screen.fx(b.x), sy: screen.fy(b.y), text: b.row.baseline.name + (b.warning ? ' *' : '') }));
    const dot = (p: { sx: number; sy: number }): Box => ({ x: p.sx - 3, y: p.sy - 3, width: 6, height: 6 });
    const obstacles = [...(screen.stairs ? stairBoxes(screen.stairs, screen.plot.x + screen.plot.width) : []), ...screen.frontier.map(dot)];
    const labels = layoutLabels(anchors, screen.plot, obstacles);
    return drawn.map((b, i) => ({ b, anchor: anchors[i], label: labels[i] }));
  }, [screen, baselines]);

  const selected = (selectedId !== null && screen?.byId.get(selectedId)) || null;
  const hover = (hoverId !== null && screen?.byId.get(hoverId)) || null;

  useLayoutEffect(() => {
    if (screen && canvas.current) drawPoints(canvas.current, screen);
  }, [screen, host]);
  useLayoutEffect(() => {
    projection.current = screen ? { ...screen, selected } : null;
  }, [screen, selected, projection]);

  if (!plot || !screen) return null;
  const dpr = typeof window === 'undefined' ? 1 : window.devicePixelRatio || 1;
  // A plot area squeezed to nothing (a window too narrow for the chart) can come out zero, negative
  // or NaN: size the canvas and the hit area at 0 then (drawPoints draws nothing into it).
  const width = cssSize(plot.width);
  const height = cssSize(plot.height);

  const locate = (e: React.MouseEvent<SVGRectElement>) => {
    const svg = e.currentTarget.ownerSVGElement;
    if (!svg) return null;
    const box = svg.getBoundingClientRect();
    const id = nearestPoint(screen.all, e.clientX - box.left, e.clientY - box.top, 10);
    return id === null ? null : (screen.byId.get(id) ?? null);
  };

  // Canvas and rings are HTML/SVG siblings laid over the chart's SVG (in this order), so the
  // rings stay on top of the points; the hit area below stays in the chart SVG.
  return (
    <g className="chart-layer" data-export-layer="">
      {host
        ? createPortal(
            <>
              <canvas
                ref={canvas}
                className="points-canvas"
                width={pixelSize(Math.round(width * dpr))}
                height={pixelSize(Math.round(height * dpr))}
                style={{ position: 'absolute', left: plot.x, top: plot.y, width, height, pointerEvents: 'none' }}
                data-frontier={screen.frontier.length}
                data-dominated={screen.dominated.length}
                data-infeasible={screen.infeasible.length}
              />
              <svg className="chart-overlay" aria-hidden="true">
                {screen.measured.map((m) => (
                  <g key={m.id} className="measured-series" data-series={m.label} data-count={m.points.length} style={{ color: m.color }}>
                    {m.frontierPath ? <path className="measured-front" d={m.frontierPath} /> : null}
                    {m.points.map((p) =>
                      p.slo !== undefined && p.shi !== undefined ? (
                        <line key={`bar-${p.sx},${p.sy}`} className="pt-measured-bar" x1={p.slo} x2={p.shi} y1={p.sy} y2={p.sy} />
                      ) : null,
                    )}
                    {m.points.map((p) => (
                      <path key={`${p.sx},${p.sy}`} className="pt-measured" d={diamondPath(p.sx, p.sy)} />
                    ))}
                  </g>
                ))}
                {selected ? <circle className="pt-selected" cx={selected.sx} cy={selected.sy} r={7} data-id={selected.id} /> : null}
                {hover && hover.id !== selectedId ? <circle className="pt-hover" cx={hover.sx} cy={hover.sy} r={5.5} /> : null}
              </svg>
            </>,
            host,
          )
        : null}
      {labelled.length ? (
        <g className="baselines" role="list" aria-label="Baselines">
          {labelled.map(({ b, anchor, label }) => (
            <g key={b.row.baseline.id} role="listitem" className="baseline" data-baseline={b.row.baseline.id}>
              <title>{`${b.row.baseline.name}: ${b.row.baseline.source}${b.warning ? `; ${b.warning}` : ''}`}</title>
              <rect className="pt-baseline" x={anchor.sx - 4} y={anchor.sy - 4} width={8} height={8} />
              {label.leader ? (
                <line
                  className="baseline-leader"
                  x1={anchor.sx}
                  y1={anchor.sy}
                  x2={Math.max(label.box.x, Math.min(anchor.sx, label.box.x + label.box.width))}
                  y2={Math.max(label.box.y, Math.min(anchor.sy, label.box.y + label.box.height))}
                />
              ) : null}
              <text className="baseline-label" x={label.x} y={label.y} data-overlaps={label.overlaps ? 'true' : 'false'}>
                {anchor.text}
              </text>
            </g>
          ))}
        </g>
      ) : null}
      <rect
        className="hit-area"
        data-export="skip"
        x={plot.x}
        y={plot.y}
        width={width}
        height={height}
        fill="transparent"
        onMouseMove={(e) => onHover(locate(e))}
        onMouseLeave={() => onHover(null)}
        onClick={(e) => {
          const p = locate(e);
          if (p) onSelect(p.id);
        }}
      />
    </g>
  );
});
