// Chart series from a packed snapshot: frontier, at most 2,000 dominated points, infeasible only
// when asked, the staircase only when the axes are the run's objectives.
import { describe, expect, it } from 'vitest';
import { packSnapshot } from '../../../src/core/packed';
import { DEFAULT_SEARCH, searchToEnd } from '../../../src/core/search';
import { axesMatchObjectives } from '../../../src/view/axes';
import { chartSeries, MAX_DOMINATED, nearestPoint, type ChartOptions } from '../../../src/view/chartData';
import { runView } from '../../../src/view/runView';
import { capEvenly } from '../../../src/core/stats';

const s = searchToEnd({ ...DEFAULT_SEARCH, evaluations: 3000, budgets: { paramsTotal: 40e6 } });
const view = runView(packSnapshot(s, 2));
const base: ChartOptions = {
  x: 'latency-decode',
  y: 'decoder-params',
  logX: false,
  logY: false,
  showDominated: true,
  showInfeasible: false,
  staircase: true,
  fit: null,
};

describe('chart series', () => {
  it('splits the sample into frontier, dominated and infeasible points', () => {
    expect(view.frontier).toHaveLength(s.frontier.length);
    const frontierIds = new Set(s.frontier.map((c) => c.id));
    expect(view.dominated.every((r) => r.violation === 0 && !frontierIds.has(r.id))).toBe(true);
    expect(view.infeasible.every((r) => r.violation > 0)).toBe(true);
    expect(view.infeasible.length).toBeGreaterThan(0); // 40M budget: some sampled archs break it
  });

  it('draws the frontier with its staircase, infeasible only when toggled', () => {
    const c = chartSeries(view, base);
    expect(c.frontier).toHaveLength(s.frontier.length);
    expect(c.infeasible).toHaveLength(0);
    const xs = c.staircase!.map((p) => p.x);
    expect(xs).toEqual([...xs].sort((a, b) => a - b));
    // A Pareto staircase of (min x, max y): y rises with x.
    const ys = c.staircase!.map((p) => p.y);
    expect(ys).toEqual([...ys].sort((a, b) => a - b));
    expect(chartSeries(view, { ...base, showInfeasible: true }).infeasible.length).toBe(view.infeasible.length);
    expect(chartSeries(view, { ...base, staircase: false }).staircase).toBeNull();
    // The domain covers every drawn point.
    for (const p of [...c.frontier, ...c.dominated]) {
      expect(p.x).toBeGreaterThanOrEqual(c.x.domain[0]);
      expect(p.x).toBeLessThanOrEqual(c.x.domain[1]);
    }
  });

  it('caps dominated points evenly', () => {
    const xs = Array.from({ length: 5000 }, (_, i) => i);
    const capped = capEvenly(xs, MAX_DOMINATED);
    expect(capped).toHaveLength(MAX_DOMINATED);
    expect(capped[0]).toBe(0);
    expect(capped[capped.length - 1]).toBeGreaterThan(4990);
  });

  it('draws the staircase only when the axes are the objectives', () => {
    expect(axesMatchObjectives('latency-decode', 'decoder-params', 'decoder-params', 'decode')).toBe(true);
    expect(axesMatchObjectives('latency-decode', 'est-ppl', 'decoder-params', 'decode')).toBe(true);
    expect(axesMatchObjectives('latency-prefill', 'decoder-params', 'decoder-params', 'decode')).toBe(false);
    expect(axesMatchObjectives('latency-decode', 'entropy', 'decoder-params', 'decode')).toBe(false);
    expect(axesMatchObjectives('latency-decode', 'flops-prefill', 'flops', 'decode')).toBe(true);
  });

  it('hit-tests the nearest point within a radius', () => {
    const pts = [
      { sx: 10, sy: 10, id: 1 },
      { sx: 20, sy: 10, id: 2 },
    ];
    expect(nearestPoint(pts, 12, 11, 5)).toBe(1);
    expect(nearestPoint(pts, 18, 10, 5)).toBe(2);
    expect(nearestPoint(pts, 50, 50, 5)).toBeNull();
  });
});

describe('sourcedLabel', () => {
  it('names the run latency source, and the predictor T in place of the app T', async () => {
    const { AXES, sourcedLabel } = await import('../../../src/view/axes');
    expect(sourcedLabel(AXES['latency-prefill'].label, 'analytic')).toBe('Prefill latency, 128 tokens (ms, analytic)');
    expect(sourcedLabel(AXES['latency-prefill'].label, 'predicted', 16)).toBe('Prefill latency, 16 tokens (ms, predicted)');
    expect(sourcedLabel(AXES['latency-decode'].label, 'predicted', 16)).toBe('Decode latency per token (ms, predicted)');
  });
});
