// The selected candidate: key numbers, per-layer heads and FFN widths, where its parameters and
// FLOPs go, and its export as a Hugging Face config.json (or arch JSON when heterogeneous) and as
// ONNX (OnnxExport).
import { useDeferredValue, useMemo } from 'react';
import { archKey, archSummary } from '../core/arch';
import { evaluate } from '../core/evaluate';
import { decodeStepFlops, prefillFlops } from '../core/flops';
import { HETEROGENEOUS_REASON } from '../core/hfconfig';
import { estimatePerplexity } from '../core/referenceModels';
import { estPplSource } from '../view/axes';
import { archExport } from '../view/exports';
import { formatBytes, formatCount, formatFlops, formatMs, sig } from '../view/format';
import { describeMeasurement } from '../view/measuredView';
import { runView } from '../view/runView';
import { useExplorer, useReference } from '../state/store';
import { BreakdownBar } from './BreakdownBar';
import { downloadJson } from './download';
import { LayerBars } from './LayerBars';
import { OnnxExport } from './OnnxExport';

export function ArchView() {
  // Deferred: a new selection renders in a yielding transition, not in the click's task.
  const selection = useDeferredValue(useExplorer((s) => s.selection));
  // The selection may come from the previous run while a new one is under way: use its own config.
  const config = selection?.config ?? null;
  // Read from the deferred results: building a snapshot's view (runView) takes ~15 ms, which a
  // store selector would pay synchronously on every progress update.
  const results = useDeferredValue(useExplorer((s) => s.results));
  const status =
    selection && results && selection.runId === results.runId ? runView(results.snapshot).byId.get(selection.id)?.status : undefined;
  const fit = useReference((s) => s.estFit);
  const measurements = useExplorer((s) => s.measure.measurements);
  const key = useMemo(() => (selection ? archKey(selection.arch) : ''), [selection]);
  const details = useMemo(() => {
    if (!selection || !config) return null;
    const e = evaluate(selection.arch, config.eval);
    return {
      e,
      prefill: prefillFlops(selection.arch, config.eval.tokens),
      decode: decodeStepFlops(selection.arch, config.eval.tokens),
      exp: archExport(selection.arch),
    };
  }, [selection, config]);

  if (!selection || !details || !config) {
    return (
      <section className="card arch-card" aria-label="Architecture">
        <h2 className="card-title">Architecture</h2>
        <p className="muted">Select a point on the chart or a row of the table.</p>
      </section>
    );
  }
  const { e, prefill, decode, exp } = details;
  const b = e.params.breakdown;
  const tokens = config.eval.tokens;
  return (
    <section className="card arch-card" aria-label="Architecture">
      <header className="card-head">
        <div>
          <h2 className="card-title">
            <span className="arch-summary" data-testid="arch-summary">
              {archSummary(selection.arch)}
            </span>{' '}
            {status ? <span className={`tag tag-${status}`}>{status}</span> : null}
          </h2>
          <p className="card-sub">
            {selection.arch.family.toUpperCase()} · vocab {selection.arch.vocabSize.toLocaleString('en-US')} · context{' '}
            {selection.arch.contextLength.toLocaleString('en-US')} · candidate #{selection.id}
          </p>
        </div>
        <div className="exports">
          <button
            type="button"
            disabled={exp.heterogeneous}
            aria-describedby={exp.heterogeneous ? 'hf-note' : undefined}
            onClick={() => downloadJson(exp.json, 'config.json')}
          >
            Export config.json
          </button>
          {exp.heterogeneous ? (
            <button type="button" onClick={() => downloadJson(exp.json, 'arch.json')}>
              Export arch JSON
            </button>
          ) : null}
          <OnnxExport arch={selection.arch} />
        </div>
      </header>
      {measurements.series
        .filter((m) => m.byArch[key])
        .map((m) => (
          <p key={m.id} className="measured-line" data-testid="measured-details" data-leaked={m.byArch[key].leakedTensors}>
            {describeMeasurement(m.byArch[key], m)}
          </p>
        ))}
      {exp.heterogeneous ? (
        <p className="note" id="hf-note">
          {HETEROGENEOUS_REASON}
        </p>
      ) : null}
      <dl className="facts">
        <div>
          <dt>Total params</dt>
          <dd>{formatCount(e.params.total)}</dd>
        </div>
        <div>
          <dt>Decoder params</dt>
          <dd>{formatCount(e.params.decoder)}</dd>
        </div>
        <div>
          <dt>FLOPs / token</dt>
          <dd>{formatFlops(e.flops.decodeStep)}</dd>
        </div>
        <div>
          <dt>Memory (fp32)</dt>
          <dd>{formatBytes(e.memory.total)}</dd>
        </div>
        <div>
          <dt>Decode latency</dt>
          <dd>
            {formatMs(e.latency.decodeMs)}{' '}
            <span className="src" title={config.eval.profile.label}>
              analytic
            </span>
          </dd>
        </div>
        <div>
          <dt>Prefill {tokens} tok</dt>
          <dd>
            {formatMs(e.latency.prefillMs)}{' '}
            <span className="src" title={config.eval.profile.label}>
              analytic
            </span>
          </dd>
        </div>
        <div>
          <dt>est. ppl</dt>
          <dd>
            {fit ? sig(estimatePerplexity(fit, e.params.decoder)) : '…'} <span className="src">{estPplSource(fit)}</span>
          </dd>
        </div>
        <div>
          <dt>Entropy</dt>
          <dd>{sig(e.scores.entropy)}</dd>
        </div>
      </dl>
      <div className="arch-grid">
        <LayerBars arch={selection.arch} />
        <div className="breakdowns">
          <BreakdownBar
            title="Parameters"
            format={formatCount}
            parts={[
              { label: 'Embedding', value: b.tokenEmbedding + b.positionEmbedding + b.outputHead + b.embeddingProjection, tone: 'emb' },
              { label: 'Attention', value: b.attention, tone: 'att' },
              { label: 'FFN', value: b.ffn, tone: 'ffn' },
              { label: 'Norms', value: b.norms, tone: 'norm' },
            ]}
          />
          <BreakdownBar
            title={`FLOPs, decode step (${tokens} cached)`}
            format={formatFlops}
            parts={[
              { label: 'Output head', value: decode.breakdown.head, tone: 'emb' },
              { label: 'Attention', value: decode.breakdown.attentionProjections + decode.breakdown.attentionScores, tone: 'att' },
              { label: 'FFN', value: decode.breakdown.ffn, tone: 'ffn' },
            ]}
          />
          <BreakdownBar
            title={`FLOPs, prefill (${tokens} tokens)`}
            format={formatFlops}
            parts={[
              { label: 'Output head', value: prefill.breakdown.head, tone: 'emb' },
              { label: 'Attention', value: prefill.breakdown.attentionProjections + prefill.breakdown.attentionScores, tone: 'att' },
              { label: 'FFN', value: prefill.breakdown.ffn, tone: 'ffn' },
            ]}
          />
          <p className="hint">Norms, softmax and activations are elementwise and not counted in FLOPs (under 1%).</p>
        </div>
      </div>
    </section>
  );
}
