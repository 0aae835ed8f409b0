// "Validate proxies" (Proxy check tab): train K small models sampled from the explorer's search
// space here, on this device, and see whether the training-free proxies rank their measured
// perplexity, beside the same figures on LTS's released models. The form, progress with a loss
// curve per model, the scatters, the "Proxy validation" table, the trained models, exports, and
// taking the fit on these models for est. ppl. Every trained figure says it was trained here, for
// how many steps, and that its perplexity is byte-level.
import { useId, useMemo, type DragEvent } from 'react';
import { BACKENDS, type BackendName } from '../core/backendNames';
import { PROXIES, PROXY_IDS, type ProxyId } from '../core/proxies';
import { SCALE_RULE } from '../core/scaleDown';
import type { ValidationReport } from '../core/validation';
import { useReference } from '../state/store';
import { useValidation, validationStore } from '../state/validationApp';
import { FORM_LIMITS, formErrors, MIN_TEXT_BYTES, type LabRun } from '../state/validationStore';
import { estPplSource } from '../view/axes';
import { formatInt, sig } from '../view/format';
import {
  lossPolyline,
  lossRange,
  modelRows,
  progressText,
  proxyRows,
  reportSummary,
  scatterPoints,
  trainedFit,
  trainedLabel,
  validationCsv,
  validationFilename,
  validationJson,
  type LossCurve,
} from '../view/validation';
import { NumberInput, Select } from './controls';
import { downloadJson, downloadText } from './download';
import './validationLab.css';
import { PlotPlaceholder, useStaggered } from './staggered';
import { ProxyPlot } from './proxyPlot';

const actions = () => validationStore.getState().actions;
const num = (v: number | null) => (v === null ? NaN : v);

async function readFile(file: File): Promise<void> {
  actions().chooseText(file.name, new Uint8Array(await file.arrayBuffer()));
}

function TextChoice({ disabled }: { disabled: boolean }) {
  const id = useId();
  const text = useValidation((s) => s.text);
  const error = useValidation((s) => s.textError);
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    const file = e.dataTransfer.files[0];
    if (file && !disabled) void readFile(file);
  };
  return (
    <div className="lab-text" onDragOver={(e) => e.preventDefault()} onDrop={onDrop}>
      <label htmlFor={id} className="field-label">
        Training text (.txt, or drop one here)
      </label>
      <input
        id={id}
        type="file"
        accept=".txt,text/plain"
        disabled={disabled}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        onChange={(e) => {
          const input = e.currentTarget;
          const file = input.files?.[0];
          if (file) void readFile(file).finally(() => (input.value = '')); // the same file again is a new choice
        }}
      />
      <p className="hint">
        Training on{' '}
        <strong data-testid="lab-text">
          {text ? `${text.name} (${formatInt(text.bytes)} bytes, yours)` : 'Moby-Dick (bundled, public domain)'}
        </strong>
        {text ? (
          <>
            {' '}
            <button type="button" className="link-button" disabled={disabled} onClick={() => actions().clearText()}>
              Use Moby-Dick
            </button>
          </>
        ) : null}
        . A text of your own needs at least {formatInt(MIN_TEXT_BYTES)} bytes of UTF-8.
      </p>
      {error ? (
        <p id={`${id}-error`} className="inline-error" role="alert" data-testid="lab-text-error">
          {error}
        </p>
      ) : null}
    </div>
  );
}

/** The form's whole-number fields, in the order shown. */
const INT_FIELDS: { key: 'k' | 'steps' | 'seed'; label: string; min: number }[] = [
  { key: 'k', label: 'Models (K)', min: FORM_LIMITS.k.min },
  { key: 'steps', label: 'Steps per model', min: FORM_LIMITS.steps.min },
  { key: 'seed', label: 'Training seed', min: 0 },
];

function LabForm() {
  const form = useValidation((s) => s.form);
  const running = useValidation((s) => s.status === 'running');
  const errors = formErrors(form);
  const { updateForm, start, stop } = actions();
  const fieldError = (f: keyof typeof errors) =>
    errors[f] ? (
      <span className="inline-error" role="alert">
        {errors[f]}
      </span>
    ) : null;
  return (
    <div className="lab-form">
      <div className="lab-fields">
        {INT_FIELDS.map(({ key, label, min }) => (
          <div key={key}>
            <NumberInput
              label={label}
              value={form[key]}
              min={min}
              step={1}
              disabled={running}
              onChange={(v) => updateForm({ [key]: num(v) })}
            />
            {fieldError(key)}
          </div>
        ))}
        <Select<BackendName>
          label="Training backend"
          value={form.backend}
          disabled={running}
          options={BACKENDS.map((b) => ({ value: b, label: b }))}
          onChange={(backend) => updateForm({ backend })}
        />
      </div>
      <TextChoice disabled={running} />
      <button type="button" className={running ? undefined : 'primary'} onClick={running ? stop : start}>
        {running ? 'Stop' : 'Validate proxies'}
      </button>
    </div>
  );
}

const CURVE_W = 140;
const CURVE_H = 44;

function LossCurves({ curves, steps, done, live }: { curves: readonly LossCurve[]; steps: number; done: number; live: number | null }) {
  const range = useMemo(() => lossRange(curves), [curves]);
  if (!curves.some((c) => c?.length)) return null;
  return (
    <ol className="loss-curves" aria-label="Training loss per model">
      {curves.map((c, i) =>
        c?.length ? (
          <li key={i} data-testid="loss-curve" data-state={i < done ? 'done' : i === live ? 'training' : 'stopped'}>
            <svg
              width={CURVE_W}
              height={CURVE_H}
              viewBox={`0 0 ${CURVE_W} ${CURVE_H}`}
              role="img"
              aria-label={`Model ${i + 1}: training loss over ${c.length} steps`}
            >
              <rect className="loss-frame" x={0} y={0} width={CURVE_W} height={CURVE_H} />
              <polyline className="loss-line" points={lossPolyline(c, steps, range, CURVE_W, CURVE_H)} />
            </svg>
            <span className="muted">
              model {i + 1} · loss {sig(c.findLast((v) => Number.isFinite(v)) ?? NaN)}
            </span>
          </li>
        ) : null,
      )}
      <li className="muted loss-scale">
        one scale for all: loss {sig(range[0])} to {sig(range[1])} nats per byte, over {formatInt(steps)} steps
      </li>
    </ol>
  );
}

function Progress({ run }: { run: LabRun }) {
  const p = run.progress;
  const k = run.settings.k;
  const fraction = p ? (p.model + (p.phase === 'score' ? 1 : p.step / Math.max(1, p.steps))) / Math.max(1, p.k) : 0;
  return (
    <div className="progress-block lab-progress">
      <div
        className="progress is-running"
        role="progressbar"
        aria-label="Validation progress"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.round(fraction * 100)}
        aria-valuetext={p ? progressText(p) : 'starting'}
      >
        <div className="progress-fill" style={{ width: `${Math.min(100, fraction * 100)}%` }} />
      </div>
      <p role="status" data-testid="lab-progress">
        {p ? progressText(p) : `Starting: loading tfjs (${run.backend}) and ${run.corpusName}…`}{' '}
        <span className="muted">
          ({run.models.length} of {k} done)
        </span>
      </p>
    </div>
  );
}

function Scatter({ id, report }: { id: ProxyId; report: ValidationReport }) {
  const pts = useMemo(() => scatterPoints(report.models, id), [report, id]);
  const v = report.proxies.find((p) => p.proxy === id);
  const fmt = (x: number | undefined) => (x !== undefined && Number.isFinite(x) ? x.toFixed(3) : '–');
  return (
    <ProxyPlot
      id={id}
      pts={pts}
      caption={`Spearman ${fmt(v?.spearman)} · Kendall ${fmt(v?.kendall)}`}
      xLabel={`${PROXIES[id].label}, trained arch`}
      yLabel="held-out ppl per byte"
      dot={{ r: 3.2, className: 'lab-dot' }}
      testId="lab-scatter"
    />
  );
}

function ReferenceChoice({ report }: { report: ValidationReport }) {
  const override = useReference((s) => s.override);
  const estFit = useReference((s) => s.estFit);
  const error = useValidation((s) => s.referenceError);
  const running = useValidation((s) => s.status === 'running');
  const mine = useMemo(() => trainedFit(report), [report]);
  const inUse =
    'fit' in mine && override !== null && override.dataset === mine.fit.dataset && override.a === mine.fit.a && override.b === mine.fit.b;
  return (
    <div className="lab-reference">
      <p>
        est. ppl uses: <strong data-testid="est-fit-source">{estPplSource(override ?? estFit)}</strong>
        {'fit' in mine ? (
          <span className="muted">
            {' '}
            · this report’s fit: ln ppl = {mine.fit.a.toFixed(3)} {mine.fit.b < 0 ? '−' : '+'} {Math.abs(mine.fit.b).toFixed(4)} · ln N
            <sub>decoder</sub>, Spearman {sig(mine.fit.spearman)}, {mine.fit.n} models
          </span>
        ) : null}
      </p>
      <p className="hint">
        Taking it (for this visit) makes the chart’s and table’s est. ppl a per-byte perplexity on this text, extrapolated from these small
        models to the candidates’ sizes; the axis names it.
      </p>
      <div className="lab-buttons">
        <button type="button" disabled={running || inUse} onClick={() => actions().useAsReference(true)}>
          Use as est. ppl reference
        </button>
        {override ? (
          <button type="button" onClick={() => actions().useAsReference(false)}>
            Back to LTS’s WikiText-103 fit
          </button>
        ) : null}
      </div>
      {error ? (
        <p className="inline-error" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}

function Results({ report, partial }: { report: ValidationReport; partial: boolean }) {
  const lts = useReference((s) => s.analysis?.correlations ?? null);
  const rows = useMemo(() => proxyRows(report.proxies, lts), [report, lts]);
  const models = useMemo(() => modelRows(report.models), [report]);
  const label = trainedLabel(report);
  const shown = useStaggered(PROXY_IDS.length);
  // The trainer words it when the space had fewer distinct models than K; a report without its
  // sentence gets this one.
  const fewer =
    report.warning ??
    (!partial && report.models.length < report.settings.k
      ? `The search space gave ${report.models.length} distinct models once scaled down, not ${report.settings.k}: the ranks rest on ${report.models.length}.`
      : null);
  return (
    <div className="lab-results" data-testid="lab-results">
      <p className="card-sub" data-testid="lab-summary">
        {reportSummary(report, partial)}
      </p>
      {fewer ? (
        <p className="message notice" data-testid="lab-warning">
          {fewer}
        </p>
      ) : null}
      <table className="proxy-table" aria-label="Proxy validation">
        <caption className="lab-caption">
          Rank agreement with held-out perplexity: here ({label}) beside LTS’s 200 GPT-2 models (WikiText-103, per-word perplexity). 1 means
          a higher proxy always meant a lower perplexity; intervals are 95 % percentile bootstraps over the models (1,000 resamples,
          seeded).
        </caption>
        <thead>
          <tr>
            <th scope="col">Proxy</th>
            <th scope="col">Spearman ρ here</th>
            <th scope="col">95 % interval</th>
            <th scope="col">Kendall τ here</th>
            <th scope="col">95 % interval</th>
            <th scope="col">n here</th>
            <th scope="col">Spearman ρ LTS</th>
            <th scope="col">Kendall τ LTS</th>
            <th scope="col">n LTS</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.proxy} data-proxy={r.proxy}>
              <th scope="row">{r.label}</th>
              <td className="num">{r.spearman}</td>
              <td className="num ci">{r.spearmanCi}</td>
              <td className="num">{r.kendall}</td>
              <td className="num ci">{r.kendallCi}</td>
              <td className="num">{r.n}</td>
              <td className="num lts">{r.ltsSpearman}</td>
              <td className="num lts">{r.ltsKendall}</td>
              <td className="num lts">{r.ltsN}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="proxy-grid">
        {PROXY_IDS.map((id, i) => (i < shown ? <Scatter key={id} id={id} report={report} /> : <PlotPlaceholder key={id} />))}
      </div>
      <table className="proxy-table lab-models" aria-label="Trained models">
        <caption className="lab-caption">Each model as sampled from the space and as trained ({label}).</caption>
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">Sampled</th>
            <th scope="col">Trained</th>
            <th scope="col">Params</th>
            <th scope="col">Decoder params</th>
            <th scope="col">Last train loss</th>
            <th scope="col">Held-out loss</th>
            <th scope="col">ppl per byte</th>
            <th scope="col">Time</th>
          </tr>
        </thead>
        <tbody>
          {models.map((m) => (
            <tr key={m.n}>
              <td className="num">{m.n}</td>
              <td className="mono">{m.sampled}</td>
              <td className="mono">{m.trained}</td>
              <td className="num">{m.params}</td>
              <td className="num">{m.decoderParams}</td>
              <td className="num">{m.finalLoss}</td>
              <td className="num">{m.heldOutLoss}</td>
              <td className="num">{m.ppl}</td>
              <td className="num">{m.time}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="lab-buttons">
        <button type="button" onClick={() => downloadText(validationCsv(report), validationFilename(report, 'csv'), 'text/csv')}>
          Export CSV
        </button>
        <button type="button" onClick={() => downloadJson(validationJson(report, partial), validationFilename(report, 'json'))}>
          Export JSON
        </button>
      </div>
      <ReferenceChoice report={report} />
    </div>
  );
}

export function ValidationLab() {
  const titleId = useId();
  const status = useValidation((s) => s.status);
  const run = useValidation((s) => s.run);
  const report = useValidation((s) => s.report);
  const partial = useValidation((s) => s.partial);
  const error = useValidation((s) => s.error);
  const notice = useValidation((s) => s.notice);
  const storageMessage = useValidation((s) => s.storageMessage);
  // Curves: the run under way (or the last one); a report loaded from storage has them in its models.
  const curves = run ? run.curves : (report?.models.map((m) => m.losses) ?? []);
  const steps = run ? run.settings.steps : (report?.settings.steps ?? 1);
  const done = run ? run.models.length : (report?.models.length ?? 0);
  return (
    <section className="lab" aria-labelledby={titleId}>
      <h3 className="card-title" id={titleId}>
        Validate proxies on this search space, on this device
      </h3>
      <p className="card-sub">
        Samples K architectures from the explorer’s current search space, scales each down to a trainable size, trains it with Adam in tfjs
        (in a worker, with the same builder as Measure), and measures its held-out perplexity per byte; then ranks the proxies against it.
        Minutes on a laptop for the defaults; nothing leaves this browser.
      </p>
      <details className="lab-rule">
        <summary>Scale-down rule and held-out split</summary>
        <p>
          <strong>Scale-down:</strong> {SCALE_RULE}
        </p>
        <p>
          <strong>Held out:</strong> with 10 or more documents (Moby-Dick’s 139 chapters and front matter), the last 10 % of documents; a
          single .txt, its last 10 %, cut at a line break. Byte-level tokens (UTF-8 bytes, vocabulary 256); each report states its split
          exactly.
        </p>
      </details>
      <LabForm />
      {error ? (
        <p className="message error" role="alert" data-testid="lab-error">
          {error}
        </p>
      ) : null}
      {notice ? (
        <p className="message notice" role="status" data-testid="lab-notice">
          {notice}
        </p>
      ) : null}
      {storageMessage ? <p className="hint">{storageMessage}</p> : null}
      {status === 'running' && run ? <Progress run={run} /> : null}
      <LossCurves curves={curves} steps={steps} done={done} live={status === 'running' ? (run?.progress?.model ?? null) : null} />
      {report && status === 'running' ? <p className="hint">Below: the last report, until this run finishes.</p> : null}
      {report ? <Results report={report} partial={partial} /> : null}
    </section>
  );
}
