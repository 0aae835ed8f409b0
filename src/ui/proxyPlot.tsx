// One proxy against perplexity, log y: the Proxy check's plots of LTS's models and the lab's of
// the models trained here share it. Points are one SVG path placed with the chart's own scales:
// a recharts Scatter makes a React element and an SVG group per point, 600 for LTS's three plots,
// which took 160 ms on the main thread when the tab opened. One path each costs a few ms.
import { useMemo, type ReactNode } from 'react';
import { CartesianGrid, ScatterChart, XAxis, YAxis, useXAxisScale, useYAxisScale } from 'recharts';
import { PROXIES, type ProxyId } from '../core/proxies';
import { formatCount, formatFlops, sig } from '../view/format';
import { axisScale, type AxisScale } from '../view/ticks';

const X_TICK: Record<ProxyId, (v: number) => string> = {
  'decoder-params': (v) => formatCount(v),
  entropy: (v) => sig(v),
  flops: (v) => formatFlops(v).replace('FLOPs', ''),
};
const LOG_X: Record<ProxyId, boolean> = { 'decoder-params': true, entropy: false, flops: true };

function Dots({ pts, r, className }: { pts: readonly { x: number; ppl: number }[]; r: number; className: string }) {
  const xs = useXAxisScale();
  const ys = useYAxisScale();
  if (!xs || !ys) return null;
  let d = '';
  let n = 0;
  for (const p of pts) {
    const cx = xs(p.x);
    const cy = ys(p.ppl);
    if (cx === undefined || cy === undefined || !Number.isFinite(cx) || !Number.isFinite(cy)) continue;
    d += `M${(cx - r).toFixed(1)},${cy.toFixed(1)}a${r},${r} 0 1,0 ${2 * r},0a${r},${r} 0 1,0 -${2 * r},0`;
    n++;
  }
  return <path className={className} d={d} data-count={n} />;
}

export interface ProxyPlotProps {
  id: ProxyId;
  pts: readonly { x: number; ppl: number }[];
  /** After the proxy's name in the caption (its rank correlations). */
  caption: ReactNode;
  xLabel: string;
  yLabel: string;
  /** Dot radius and class: LTS's 200 models small, the lab's few larger. */
  dot: { r: number; className: string };
  testId?: string;
  /** More chart children (a fit line), given the x axis' scale. */
  extra?: (xs: AxisScale) => ReactNode;
}

export function ProxyPlot({ id, pts, caption, xLabel, yLabel, dot, testId, extra }: ProxyPlotProps) {
  const xs = useMemo(
    () =>
      axisScale(
        pts.map((p) => p.x),
        LOG_X[id],
      ),
    [pts, id],
  );
  const ys = useMemo(
    () =>
      axisScale(
        pts.map((p) => p.ppl),
        true,
      ),
    [pts],
  );
  return (
    <figure className="proxy-plot" data-testid={testId}>
      <figcaption>
        <strong>{PROXIES[id].label}</strong>
        <span className="muted"> {caption}</span>
      </figcaption>
      <ScatterChart width={300} height={250} margin={{ top: 8, right: 12, bottom: 28, left: 4 }}>
        <CartesianGrid className="chart-grid" />
        <XAxis
          type="number"
          dataKey="x"
          scale={LOG_X[id] ? 'log' : 'linear'}
          domain={xs.domain}
          ticks={xs.ticks}
          allowDataOverflow
          tickFormatter={X_TICK[id]}
          fontSize={11}
          label={{ value: xLabel, position: 'bottom', offset: 10, className: 'axis-label' }}
        />
        <YAxis
          type="number"
          dataKey="ppl"
          scale="log"
          domain={ys.domain}
          ticks={ys.ticks}
          allowDataOverflow
          width={44}
          fontSize={11}
          tickFormatter={(t: number) => sig(t)}
          label={{ value: yLabel, angle: -90, position: 'insideLeft', style: { textAnchor: 'middle' }, className: 'axis-label' }}
        />
        <Dots pts={pts} r={dot.r} className={dot.className} />
        {extra?.(xs)}
      </ScatterChart>
    </figure>
  );
}
