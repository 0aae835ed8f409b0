// On-device timing: runtime (TensorFlow.js or ONNX Runtime Web), backend, what to measure, tokens,
// runs and the memory cap; "Measure" / "Stop measuring" with a progress bar per candidate (its
// phase, count and seconds in the phase), then each candidate's result or the reason it was not
// timed. Calibration of the analytic latency sits below (Calibration).
import { useEffect, useState } from 'react';
import { formatBytes, formatInt } from '../view/format';
import { formatMsSpreadRuns as ms } from '../view/measuredView';
import { deviceLabel } from '../core/measurements';
import { RUNTIME_TITLES, RUNTIMES, runtimeBackends, type RuntimeName } from '../core/backendNames';
import { BACKEND_MEMORY_LIMITS } from '../core/memoryGuard';
import { type MeasureItem } from '../state/measure';
import { REFINE_BATCH, REFINE_ROUNDS } from '../state/explorerStore';
import { useActions, useExplorer } from '../state/store';
import { Calibration } from './Calibration';
import { DeviceSeries } from './DeviceSeries';
import { Checkbox, NumberInput, Panel, Select } from './controls';
import { Help } from './Help';
import { downloadText } from './download';
import { measuredLatencyEntry } from '../view/glossary';
import type { BackendName } from '../core/backendNames';
import { MAX_FRONTIER_MEASURE, MEASURE_WARMUP, type MeasureMode } from '../state/measureForm';

/** Seconds a phase has run, for the counter beside it: "7 s", "1 min 20 s". */
export function formatPhaseElapsed(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
}

/** What a running candidate is doing, after its phase's name: "round 2 of 4: build… weights 37 of
 *  150 · 12 s", "prefill… warm-up · 3 s", "decode… run 40 of 120 · 9 s", "peak… pass 1 of 2". */
export function runningText(it: MeasureItem, now: number): string {
  const round = it.rounds > 1 ? `round ${it.slicesDone + 1} of ${it.rounds}: ` : '';
  if (!it.phase) return `${round}starting…`;
  const run = it.run ?? 0;
  const of = it.of ?? 0;
  let detail = '';
  if (it.phase === 'build') detail = of > 1 ? ` weights ${run} of ${of}` : '';
  else if (it.phase === 'peak') detail = of > 0 ? ` pass ${Math.min(run + 1, of)} of ${of}` : '';
  else detail = run > 0 ? ` run ${run} of ${of}` : ' warm-up';
  // The counter ticks on the page's own timer: it shows the page alive while the worker is busy.
  const elapsed = it.phaseStartedAt === undefined ? '' : ` · ${formatPhaseElapsed(now - it.phaseStartedAt)}`;
  return `${round}${it.phase}…${detail}${elapsed}`;
}

function itemText(it: MeasureItem, now: number): string {
  switch (it.state) {
    case 'done': {
      const m = it.measurement!;
      const slices = m.slices ? ` · ${m.slices} rounds` : '';
      return `decode ${ms(m.decode)} · prefill ${ms(m.prefill)}${slices} · ${m.leakedTensors} tensors leaked`;
    }
    case 'failed':
      return it.error ?? 'failed';
    case 'running':
      return runningText(it, now);
    case 'stopped':
      return 'stopped';
    default:
      return it.slicesDone > 0 ? `${it.slicesDone} of ${it.rounds} rounds timed, waiting` : 'waiting';
  }
}

/** Date.now(), renewed every second while `ticking` (re-renders the caller); until the first tick
 *  it may be older than a phase's start, which formatPhaseElapsed shows as 0 s. */
function useClock(ticking: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!ticking) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [ticking]);
  return now;
}

export function Items() {
  const items = useExplorer((s) => s.measure.items);
  const now = useClock(items.some((it) => it.state === 'running'));
  if (items.length === 0) return null;
  return (
    <ol className="measure-items" aria-label="Measured candidates">
      {items.map((it, i) => (
        <li key={`${i}-${it.summary}`} data-state={it.state}>
          <span className="mi-name">{it.summary}</span>
          <div
            className={`progress ${it.state === 'running' ? 'is-running' : ''}`}
            role="progressbar"
            aria-label={`Measuring ${it.summary}`}
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={Math.round(it.fraction * 100)}
          >
            <div
              className={`progress-fill ${it.state === 'failed' ? 'failed' : ''}`}
              style={{ width: `${Math.round(it.fraction * 100)}%` }}
            />
          </div>
          <span
            className={`mi-result ${it.state === 'failed' ? 'inline-error' : ''}`}
            data-testid="measure-result"
            data-state={it.state}
            data-leaked={it.measurement?.leakedTensors}
          >
            {itemText(it, now)}
          </span>
        </li>
      ))}
    </ol>
  );
}

/** The backend actually running, where, and why on the main thread when it fell back. */
export function Session({ idleHint = 'tfjs loads on the first Measure or Calibrate.' }: { idleHint?: string }) {
  const session = useExplorer((s) => s.measure.session);
  if (!session) return <p className="hint">{idleHint}</p>;
  const d = session.device;
  const runtime = session.runtime ?? 'tfjs';
  const wasm =
    d.backend === 'wasm'
      ? ` · WASM ${d.wasmSimd ? 'SIMD' : 'no SIMD'}, ${d.wasmThreadCount ?? 1} thread${(d.wasmThreadCount ?? 1) === 1 ? '' : 's'}`
      : '';
  return (
    <div className="session">
      <p className="hint" title={d.userAgent}>
        Running: {runtime === 'tfjs' ? '' : `${RUNTIME_TITLES[runtime]} `}
        <strong data-testid="measure-backend">{d.backend}</strong> in {session.thread === 'worker' ? 'a worker' : 'the main thread'} ·{' '}
        {deviceLabel(session.backend, d, runtime)}
        {wasm} · {d.hardwareConcurrency ?? '?'} cores · {d.crossOriginIsolated ? 'cross-origin isolated' : 'not cross-origin isolated'}
      </p>
      {session.note ? (
        <p className="note" role="note">
          {session.note}
        </p>
      ) : null}
    </div>
  );
}

export function Messages() {
  const errors = useExplorer((s) => s.measure.errors);
  const notice = useExplorer((s) => s.measure.notice);
  return (
    <>
      <div role="alert" className={errors.length ? 'message error' : 'visually-hidden'} data-testid="measure-errors">
        {errors.map((e) => (
          <p key={e}>{e}</p>
        ))}
      </div>
      <p role="status" className={notice ? 'message notice' : 'visually-hidden'} data-testid="measure-notice">
        {notice}
      </p>
    </>
  );
}

/** Saved measurements the app could not read, kept aside: why, download, dismiss, delete. */
export function UnreadableData() {
  const unreadable = useExplorer((s) => s.measure.unreadable);
  const { dismissUnreadable, deleteUnreadable } = useActions();
  if (!unreadable) return null;
  const { file, dismissed } = unreadable;
  return (
    <div className={dismissed ? 'hint' : 'message error'} role={dismissed ? undefined : 'alert'} data-testid="measure-unreadable">
      <p>{dismissed ? 'Saved measurements this app could not read are kept aside.' : unreadable.message}</p>
      <div className="buttons">
        <button type="button" onClick={() => downloadText(file.text, file.name, file.type)}>
          Download unreadable data
        </button>
        {dismissed ? null : (
          <button type="button" onClick={dismissUnreadable}>
            Dismiss
          </button>
        )}
        <button type="button" onClick={deleteUnreadable}>
          Delete unreadable data
        </button>
      </div>
    </div>
  );
}

/** The backends the Backend picker offers on `runtime`: tfjs's four; ORT's wasm, and webgpu where
 *  the browser has navigator.gpu (ORT's WebGPU build is 27 MB: not offered where it cannot run). */
export function offeredBackends(runtime: RuntimeName, gpu = typeof navigator !== 'undefined' && 'gpu' in navigator): BackendName[] {
  return runtimeBackends(runtime).filter((b) => runtime === 'tfjs' || b !== 'webgpu' || gpu);
}

export function MeasurePanel() {
  const form = useExplorer((s) => s.measure.form);
  const baselineCount = useExplorer((s) => s.settings.baselines.length);
  const status = useExplorer((s) => s.measure.status);
  const hasSelection = useExplorer((s) => s.selection !== null);
  const frontierCount = useExplorer((s) => s.results?.snapshot.frontier.count ?? 0);
  const { updateMeasure, measure, stopMeasuring, refine } = useActions();
  const hasPredictor = useExplorer((s) => s.settings.predictor !== null);
  const refining = useExplorer((s) => s.measure.refine);
  const busy = status !== 'idle';
  const n = Math.min(frontierCount, MAX_FRONTIER_MEASURE);
  return (
    <Panel title="Measure on this device" className="measure-panel">
      <div className="row-2">
        <Select<RuntimeName>
          label="Runtime"
          value={form.runtime}
          disabled={busy}
          options={RUNTIMES.map((r) => ({ value: r, label: RUNTIME_TITLES[r] }))}
          // A backend the new runtime lacks (ORT has no webgl or cpu here) becomes wasm, which both have.
          onChange={(runtime) =>
            updateMeasure({ runtime, ...(runtimeBackends(runtime).includes(form.backend) ? {} : { backend: 'wasm' }) })
          }
        />
        <Select<BackendName>
          label="Backend"
          value={form.backend}
          disabled={busy}
          options={offeredBackends(form.runtime).map((b) => ({ value: b, label: b }))}
          onChange={(backend) => updateMeasure({ backend })}
        />
      </div>
      <div className="row-2">
        <Select<MeasureMode>
          label="What to measure"
          value={form.mode}
          disabled={busy}
          options={[
            { value: 'selected', label: hasSelection ? 'selected' : 'selected (none)' },
            { value: 'frontier', label: `frontier (${formatInt(n)})` },
          ]}
          onChange={(mode) => updateMeasure({ mode })}
        />
      </div>
      <Checkbox
        label={`With the chart's baselines (${formatInt(baselineCount)})`}
        checked={form.withBaselines}
        disabled={busy || baselineCount === 0}
        onChange={(withBaselines) => updateMeasure({ withBaselines })}
      />
      <div className="row-2">
        <NumberInput label="Tokens (T)" value={form.tokens} step={1} min={1} onChange={(v) => updateMeasure({ tokens: v ?? NaN })} />
        <NumberInput label="Timed runs" value={form.runs} step={1} min={1} onChange={(v) => updateMeasure({ runs: v ?? NaN })} />
        <NumberInput
          label="Min time per workload (ms)"
          value={form.minTimeMs}
          step={100}
          min={0}
          unit="ms"
          onChange={(v) => updateMeasure({ minTimeMs: v ?? NaN })}
        />
        <NumberInput label="Rounds" value={form.rounds} step={1} min={1} onChange={(v) => updateMeasure({ rounds: v ?? NaN })} />
      </div>
      <NumberInput
        label="Max model memory (MB)"
        value={form.maxMemoryMB}
        optional
        min={0}
        unit="MB"
        placeholder={`${form.backend} limit ${formatBytes(BACKEND_MEMORY_LIMITS[form.backend])}`}
        onChange={(maxMemoryMB) => updateMeasure({ maxMemoryMB })}
      />
      <p className="hint" data-testid="measure-frontier-hint">
        {formatInt(frontierCount)} on the frontier now; Measure times at most {MAX_FRONTIER_MEASURE}, spread along it.{' '}
        <Help
          id="latency-measured"
          entry={measuredLatencyEntry({ maxFrontier: MAX_FRONTIER_MEASURE, warmup: MEASURE_WARMUP, runs: form.runs })}
        />
      </p>
      <div className="buttons">
        <button type="button" className="primary" onClick={() => void measure()} disabled={busy}>
          Measure
        </button>
        <button type="button" onClick={stopMeasuring} disabled={!busy}>
          Stop measuring
        </button>
        <button
          type="button"
          onClick={() => void refine()}
          disabled={busy || !hasPredictor || refining !== null}
          title={`Measure up to ${REFINE_BATCH} frontier candidates this device lacks, learn it again, search again; until the frontier comes out the same twice (at most ${REFINE_ROUNDS} rounds)`}
        >
          Refine on this device
        </button>
      </div>
      {refining ? (
        <p className="hint" role="status" data-testid="refine-status">
          Refining: round {refining.round} of at most {refining.of} (measure, learn, search).
        </p>
      ) : null}
      <Session />
      <Items />
      <Messages />
      <UnreadableData />
      <DeviceSeries />
      <Calibration />
    </Panel>
  );
}
