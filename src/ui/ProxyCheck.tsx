// Proxy check tab: how well each training-free proxy ranks the trained perplexity of LTS's 200
// GPT-2 models (WikiText-103), computed live in the browser from the shipped data, and the
// power-law fit behind "est. ppl".
import { useEffect, useMemo } from 'react';
import { CartesianGrid, Scatter, ScatterChart, XAxis, YAxis, useXAxisScale, useYAxisScale } from 'recharts';
import { PROXIES, PROXY_IDS, type ProxyId } from '../core/proxies';
import type { PowerLawFit } from '../core/referenceModels';
import { formatCount, formatFlops, sig } from '../view/format';
import type { ReferenceAnalysis } from '../state/referenceStore';
import { referenceStore, useReference } from '../state/store';
import { axisScale } from '../view/ticks';
import { PlotPlaceholder, useStaggered } from './staggered';
import { ValidationLab } from './ValidationLab';

const X_TICK: Record<ProxyId, (v: number) => string> = {
  'decoder-params': (v) => formatCount(v),
  entropy: (v) => sig(v),
  flops: (v) => formatFlops(v).replace('FLOPs', ''),
};
const LOG_X: Record<ProxyId, boolean> = { 'decoder-params': true, entropy: false, flops: true };

/**
 * The 200 models as one path of small circles, placed with the chart's own scales: a recharts
 * Scatter makes a React element and an SVG group per point, 600 for the three plots, which took
 * 160 ms on the main thread when the tab opened. One path each costs a few ms.
 */
function RefPoints({ pts }: { pts: readonly { x: number; ppl: number }[] }) {
  const xs = useXAxisScale();
  const ys = useYAxisScale();
  if (!xs || !ys) return null;
  let d = '';
  let n = 0;
  for (const p of pts) {
    const cx = xs(p.x);
    const cy = ys(p.ppl);
    if (cx === undefined || cy === undefined || !Number.isFinite(cx) || !Number.isFinite(cy)) continue;
    d += `M${(cx - 2.6).toFixed(1)},${cy.toFixed(1)}a2.6,2.6 0 1,0 5.2,0a2.6,2.6 0 1,0 -5.2,0`;
    n++;
  }
  return <path className="ref-dot" d={d} data-count={n} />;
}

function ProxyScatter({ id, analysis }: { id: ProxyId; analysis: ReferenceAnalysis }) {
  const pts = analysis.points[id];
  const corr = analysis.correlations.find((c) => c.proxy === id)!;
  const fit = analysis.fit;
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
  // The fit is a straight line in log-log space: two end points suffice.
  const line = id === 'decoder-params' ? xs.domain.map((n) => ({ x: n, ppl: Math.exp(fit.a + fit.b * Math.log(n)) })) : null;
  return (
    <figure className="proxy-plot">
      <figcaption>
        <strong>{PROXIES[id].label}</strong>
        <span className="muted">
          {' '}
          Spearman {corr.spearman.toFixed(3)} · Kendall {corr.kendall.toFixed(3)}
        </span>
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
          label={{ value: PROXIES[id].label, position: 'bottom', offset: 10, className: 'axis-label' }}
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
          label={{
            value: 'valid ppl (trained)',
            angle: -90,
            position: 'insideLeft',
            style: { textAnchor: 'middle' },
            className: 'axis-label',
          }}
        />
        <RefPoints pts={pts} />
        {line ? <Scatter data={line} line className="fit-line" shape={() => <g />} isAnimationActive={false} legendType="none" /> : null}
      </ScatterChart>
    </figure>
  );
}

function FitCard({ fit }: { fit: PowerLawFit }) {
  return (
    <div className="fit-card">
      <h3>Power-law fit behind “est. ppl”</h3>
      <p className="formula">
        ln ppl = a + b · ln N<sub>decoder</sub>, i.e. ppl = e<sup>a</sup> · N<sup>b</sup>
      </p>
      <dl className="facts compact">
        <div>
          <dt>a</dt>
          <dd>{fit.a.toFixed(3)}</dd>
        </div>
        <div>
          <dt>b</dt>
          <dd>{fit.b.toFixed(4)}</dd>
        </div>
        <div>
          <dt>Spearman</dt>
          <dd>{fit.spearman.toFixed(3)}</dd>
        </div>
        <div>
          <dt>RMSE</dt>
          <dd>
            {fit.rmse.toFixed(2)} ppl <span className="muted">({fit.rmseLog.toFixed(3)} in ln ppl)</span>
          </dd>
        </div>
        <div>
          <dt>Models</dt>
          <dd>{fit.n}</dd>
        </div>
      </dl>
      <p className="hint">
        Fitted on {fit.dataset}. Applied to other families or vocabularies it is an extrapolation: every chart and table labels it “est.”,
        never measured.
      </p>
    </div>
  );
}

export function ProxyCheck() {
  const state = useReference((s) => s);
  const shown = useStaggered(PROXY_IDS.length);
  useEffect(() => {
    void referenceStore.getState().load();
  }, []);
  if (state.status === 'error')
    return (
      <p role="alert" className="message error">
        {state.error}
      </p>
    );
  if (state.status !== 'ready') return <p className="muted">Loading the LTS reference data…</p>;
  const a = state.analysis;
  return (
    <section className="card proxy-card" aria-label="Proxy check">
      <header className="card-head">
        <div>
          <h2 className="card-title">Proxy check: rank correlation with trained perplexity</h2>
          <p className="card-sub">
            {a.n} GPT-2 models trained on WikiText-103 by LiteTransformerSearch ({a.source}). Computed live in this browser; signs are
            flipped so that 1 means a higher proxy always means a lower perplexity.
          </p>
        </div>
      </header>
      <table className="proxy-table" aria-label="Proxy correlations">
        <thead>
          <tr>
            <th scope="col">Proxy</th>
            <th scope="col">Formula</th>
            <th scope="col">Source</th>
            <th scope="col">Spearman ρ</th>
            <th scope="col">Kendall τ</th>
            <th scope="col">n</th>
          </tr>
        </thead>
        <tbody>
          {a.correlations.map((c) => (
            <tr key={c.proxy}>
              <th scope="row">{c.label}</th>
              <td className="formula">{PROXIES[c.proxy].formula}</td>
              <td className="muted">{PROXIES[c.proxy].source}</td>
              <td className="num">{c.spearman.toFixed(3)}</td>
              <td className="num">{c.kendall.toFixed(3)}</td>
              <td className="num">{c.n}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="proxy-grid">
        {PROXY_IDS.map((id, i) => (i < shown ? <ProxyScatter key={id} id={id} analysis={a} /> : <PlotPlaceholder key={id} />))}
        <FitCard fit={a.fit} />
      </div>
      <ValidationLab />
    </section>
  );
}
