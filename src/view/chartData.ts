// Series of the frontier chart for the chosen axes: frontier points (with the Pareto staircase when
// the axes are the run's objectives), at most MAX_DOMINATED faint dominated points, and the
// infeasible ones when asked for. Pure, so that it is tested in Node and memoised by the UI.
import type { PowerLawFit } from '../core/referenceModels';
import { capEvenly } from '../core/stats';
import { AXES, type AxisMetric } from './axes';
import type { MeasuredChartSeries } from './measuredView';
import type { PointRow, RunView } from './runView';
import { axisScale, type AxisScale } from './ticks';

export const MAX_DOMINATED = 2000;

export interface XY {
  x: number;
  y: number;
  id: number;
}

export interface ChartSeries {
  frontier: XY[];
  /** Frontier sorted by x as a step line, or null when the axes are not the objectives. */
  staircase: XY[] | null;
  dominated: XY[];
  infeasible: XY[];
  /** Measured series, as given (measuredChartSeries); included in the axis domains. */
  measured: MeasuredChartSeries[];
  x: AxisScale;
  y: AxisScale;
}

/** What the chart shows: the view settings (axes, scales, toggles) plus the data. */
/** What the chart shows: its axes, their scales, and which point sets. */
export interface ViewSettings {
  x: AxisMetric;
  y: AxisMetric;
  logX: boolean;
  logY: boolean;
  showDominated: boolean;
  showInfeasible: boolean;
}

export interface ChartOptions extends ViewSettings {
  /** Draw the staircase (axes match the run's objectives). */
  staircase: boolean;
  fit: PowerLawFit | null;
  measured?: MeasuredChartSeries[];
}

export function chartSeries(view: RunView, o: ChartOptions): ChartSeries {
  const ax = AXES[o.x];
  const ay = AXES[o.y];
  const ok = (p: XY) => Number.isFinite(p.x) && Number.isFinite(p.y) && (!o.logX || p.x > 0) && (!o.logY || p.y > 0);
  const toXY = (rows: readonly PointRow[]) => rows.map((r) => ({ x: ax.value(r, o.fit), y: ay.value(r, o.fit), id: r.id })).filter(ok);
  const frontier = toXY(view.frontier);
  const dominated = o.showDominated ? toXY(capEvenly(view.dominated, MAX_DOMINATED)) : [];
  const infeasible = o.showInfeasible ? toXY(view.infeasible) : [];
  const staircase = o.staircase ? [...frontier].sort((a, b) => a.x - b.x || a.y - b.y) : null;
  const measured = o.measured ?? [];
  const all = [frontier, dominated, infeasible];
  const mPoints = measured.flatMap((s) => s.points);
  const xs = all.flatMap((s) => s.map((p) => p.x)).concat(mPoints.flatMap((p) => [p.x, p.lo ?? p.x, p.hi ?? p.x]));
  return {
    frontier,
    staircase,
    dominated,
    infeasible,
    measured,
    x: axisScale(o.logX ? xs.filter((v) => v > 0) : xs, o.logX),
    y: axisScale(all.flatMap((s) => s.map((p) => p.y)).concat(mPoints.map((p) => p.y)), o.logY),
  };
}

/** The point nearest to (px, py) in screen space within `radius` pixels, if any; ties go to the first. */
export function nearestPoint(
  points: readonly { sx: number; sy: number; id: number }[],
  px: number,
  py: number,
  radius: number,
): number | null {
  let best: number | null = null;
  let bestD = radius * radius + 1e-9;
  for (const p of points) {
    const d = (p.sx - px) ** 2 + (p.sy - py) ** 2;
    if (d < bestD) {
      bestD = d;
      best = p.id;
    }
  }
  return best;
}
