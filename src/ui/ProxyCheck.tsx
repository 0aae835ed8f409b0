// Proxy check tab: how well each training-free proxy ranks the trained perplexity of LTS's 200
// GPT-2 models (WikiText-103), computed live in the browser from the shipped data, and the
// power-law fit behind "est. ppl".
import { useEffect } from 'react';
import { Scatter } from 'recharts';
import { PROXIES, PROXY_IDS, type ProxyId } from '../core/proxies';
import type { PowerLawFit } from '../core/referenceModels';
import type { ReferenceAnalysis } from '../state/referenceStore';
import { referenceStore, useReference } from '../state/store';
import type { AxisScale } from '../view/ticks';
import { ProxyPlot } from './proxyPlot';
import { ValidationLab } from './ValidationLab';

function ProxyScatter({ id, analysis }: { id: ProxyId; analysis: ReferenceAnalysis }) {
  const corr = analysis.correlations.find((c) => c.proxy === id)!;
  const fit = analysis.fit;
  // The fit is a straight line in log-log space: two end points suffice.
  const line = (xs: AxisScale) =>
    id === 'decoder-params' ? (
      <Scatter
        data={xs.domain.map((n) => ({ x: n, ppl: Math.exp(fit.a + fit.b * Math.log(n)) }))}
        line
        className="fit-line"
        shape={() => <g />}
        isAnimationActive={false}
        legendType="none"
      />
    ) : null;
  return (
    <ProxyPlot
      id={id}
      pts={analysis.points[id]}
      caption={`Spearman ${corr.spearman.toFixed(3)} · Kendall ${corr.kendall.toFixed(3)}`}
      xLabel={PROXIES[id].label}
      yLabel="valid ppl (trained)"
      dot={{ r: 2.6, className: 'ref-dot' }}
      extra={line}
    />
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
        {PROXY_IDS.map((id) => (
          <ProxyScatter key={id} id={id} analysis={a} />
        ))}
        <FitCard fit={a.fit} />
      </div>
      <ValidationLab />
    </section>
  );
}
