// The page a measure link opens, phone first: what will be measured (each candidate's layers,
// width, parameters), this device, a backend (wasm by default; webgl and webgpu offered, or each
// in turn), Start, per-candidate progress and a results table. The screen is kept on while
// measuring where the Screen Wake Lock API exists (and the page says when it cannot). When done,
// "Send results back" hands over a results link (copy, share sheet, QR code) and a JSON file.
import { useEffect, useMemo, useState } from 'react';
import { archKey, archSummary } from '../core/arch';
import { backendLabel, RUNTIME_TITLES, type BackendName } from '../core/backendNames';
import { decodeMeasureLink, measureLinkArchs, linkHash, type MeasureLink } from '../core/links';
import { encodeResultsLink, resultsSince, resultsToJson, type ResultsLink } from '../core/resultsLink';
import { countParams } from '../core/params';
import { useActions, useExplorer } from '../state/store';
import { wasmSupport } from '../state/wasmSupport';
import { formatCount } from '../view/format';
import { formatMsSpread } from '../view/measuredView';
import { Checkbox, Select } from './controls';
import { downloadText } from './download';
import { LinkBox } from './LinkBox';
import { pageBase } from './LinksPanel';
import { Items, Messages, Session } from './MeasurePanel';

function DeviceSummary() {
  const probe = useMemo(() => wasmSupport(), []);
  const nav = navigator as Navigator & { deviceMemory?: number; gpu?: unknown };
  return (
    <dl className="device-summary">
      <dt>Browser</dt>
      <dd>{nav.userAgent}</dd>
      <dt>Cores</dt>
      <dd>{nav.hardwareConcurrency ?? '?'}</dd>
      {nav.deviceMemory ? (
        <>
          <dt>Memory</dt>
          <dd>{nav.deviceMemory} GB (as the browser reports it)</dd>
        </>
      ) : null}
      <dt>WASM</dt>
      <dd>
        {probe.simd ? 'SIMD' : 'no SIMD'}, {probe.threads ? 'threads' : 'single thread'}
        {probe.crossOriginIsolated ? '' : ' (the page is not cross-origin isolated: no threads)'}
      </dd>
      <dt>WebGPU</dt>
      <dd>{nav.gpu ? 'offered by the browser' : 'not offered (needs HTTPS and a recent browser)'}</dd>
    </dl>
  );
}

/** Holds a screen wake lock while `active`; returns a sentence saying whether it could. */
const NO_WAKE_LOCK = 'This browser cannot keep the screen on: keep the phone awake, with this page in front, until measuring ends.';

function useWakeLock(active: boolean): string | null {
  const [state, setState] = useState<string | null>(null);
  const supported = typeof navigator !== 'undefined' && 'wakeLock' in navigator;
  useEffect(() => {
    if (!active || !supported) return;
    let lock: WakeLockSentinel | null = null;
    let done = false;
    navigator.wakeLock.request('screen').then(
      (l) => {
        if (done) void l.release();
        else {
          lock = l;
          setState('Keeping the screen on while measuring.');
        }
      },
      (e: Error) => setState(`The screen may turn off (${e.message}): keep the phone awake until measuring ends.`),
    );
    return () => {
      done = true;
      void lock?.release();
    };
  }, [active, supported]);
  if (!active) return null;
  return supported ? state : NO_WAKE_LOCK;
}

function Candidates({ link }: { link: MeasureLink }) {
  const n = link.candidates.length;
  return (
    <details className="link-candidates" open={n <= 5}>
      <summary>
        What will be measured: {n} candidate{n === 1 ? '' : 's'}
      </summary>
      <ol aria-label="Candidates to measure">
        {link.candidates.map((a) => (
          <li key={archKey(a)}>
            <strong>{archSummary(a)}</strong> · {formatCount(countParams(a).total)} params · {a.family}, vocab{' '}
            {a.vocabSize.toLocaleString('en-US')}
          </li>
        ))}
      </ol>
    </details>
  );
}

function ResultsTable({ link, since }: { link: MeasureLink; since: string }) {
  const measurements = useExplorer((s) => s.measure.measurements);
  const results = useMemo(() => resultsSince(measurements.series, link.candidates, since), [measurements, link, since]);
  if (results.series.length === 0) return null;
  return (
    <div className="table-scroll">
      <table className="results-table" aria-label="Results">
        <thead>
          <tr>
            <th scope="col">Candidate</th>
            <th scope="col">Backend</th>
            <th scope="col">Prefill (ms)</th>
            <th scope="col">Decode (ms)</th>
          </tr>
        </thead>
        <tbody>
          {results.series.flatMap((s) =>
            s.measurements.map((m, i) =>
              m ? (
                <tr key={`${s.runtime ?? 'tfjs'}-${s.backend}-${i}`}>
                  <td>{archSummary(link.candidates[i])}</td>
                  <td>{backendLabel(s.backend, s.runtime)}</td>
                  <td>{formatMsSpread(m.prefill)}</td>
                  <td>{formatMsSpread(m.decode)}</td>
                </tr>
              ) : null,
            ),
          )}
        </tbody>
      </table>
    </div>
  );
}

function SendBack({ link, since }: { link: MeasureLink; since: string }) {
  const [made, setMade] = useState<{ results: ResultsLink; url: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const measurements = useExplorer((s) => s.measure.measurements);
  const results = useMemo(() => resultsSince(measurements.series, link.candidates, since), [measurements, link, since]);
  const url = made?.results === results ? made.url : null; // the link of these results, not older ones
  useEffect(() => {
    encodeResultsLink(results).then(
      (payload) => setMade({ results, url: pageBase() + linkHash('r', payload) }),
      (e: Error) => setError(`The results link could not be made: ${e.message}`),
    );
  }, [results]);
  return (
    <LinkBox label="Results link" url={url} qr shareTitle="LM Frontier results">
      <p className="hint">Open it on the computer that sent the measure link (or send it there): the figures join its chart and table.</p>
      <button type="button" onClick={() => downloadText(resultsToJson(results), 'lm-frontier-results.json', 'application/json')}>
        Download JSON
      </button>
      {error ? <p className="inline-error">{error}</p> : null}
    </LinkBox>
  );
}

export function MeasurePage({ payload }: { payload: string }) {
  const [link, setLink] = useState<MeasureLink | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [since] = useState(() => new Date(Math.floor(Date.now() / 1000) * 1000).toISOString());
  const [each, setEach] = useState(false);
  const [sending, setSending] = useState(false);
  const form = useExplorer((s) => s.measure.form);
  const status = useExplorer((s) => s.measure.status);
  const measured = useExplorer(
    (s) => resultsSince(s.measure.measurements.series, link ? measureLinkArchs(link) : [], since).series.length > 0,
  );
  const { setLinkCandidates, updateMeasure, measure, measureOnEach, stopMeasuring } = useActions();
  const wake = useWakeLock(status === 'measuring');

  useEffect(() => {
    decodeMeasureLink(payload).then(
      (l) => {
        setLink(l);
        setLinkCandidates(measureLinkArchs(l));
        updateMeasure({
          tokens: l.tokens,
          runs: l.runs,
          minTimeMs: l.minTimeMs,
          rounds: l.rounds,
          runtime: l.runtime ?? 'tfjs',
          backend: l.backends[0],
        });
      },
      (e: Error) => setError(e.message),
    );
  }, [payload, setLinkCandidates, updateMeasure]);

  if (error) {
    return (
      <main className="measure-page">
        <h1>Measure on this device</h1>
        <p role="alert" className="message error">
          This measure link cannot be opened: {error}. Ask for a new link (LM Frontier, “Measure on another device”).
        </p>
      </main>
    );
  }
  if (!link) return <main className="measure-page">Reading the link…</main>;
  const busy = status !== 'idle';
  const n = link.candidates.length;
  return (
    <main className="measure-page">
      <h1>Measure on this device</h1>
      <p>
        {n} candidate{n === 1 ? '' : 's'} from LM Frontier, built here with random weights and timed: a prefill of T = {link.tokens} tokens
        and one decode step, at least {link.runs} timed runs each{link.minTimeMs ? ` and ${link.minTimeMs.toLocaleString('en-US')} ms` : ''}
        {n > 1 ? `, in ${link.rounds} round-robin rounds` : ''}
        {link.runtime && link.runtime !== 'tfjs' ? `, on ${RUNTIME_TITLES[link.runtime]}` : ''}.
      </p>
      <Candidates link={link} />
      <Select<BackendName>
        label="Backend"
        value={form.backend}
        disabled={busy || each}
        options={link.backends.map((b) => ({ value: b, label: b }))}
        onChange={(backend) => updateMeasure({ backend })}
      />
      {link.backends.length > 1 ? (
        <Checkbox
          label={`Measure on every backend in turn (${link.backends.join(', ')})`}
          checked={each}
          disabled={busy}
          onChange={setEach}
        />
      ) : null}
      <div className="buttons big">
        <button type="button" className="primary" disabled={busy} onClick={() => void (each ? measureOnEach(link.backends) : measure())}>
          Start
        </button>
        <button type="button" disabled={!busy} onClick={stopMeasuring}>
          Stop
        </button>
      </div>
      {wake ? (
        <p className="hint" role="status">
          {wake}
        </p>
      ) : null}
      <Session idleHint={`${link.runtime === 'ort' ? 'ONNX Runtime Web' : 'tfjs'} loads when you press Start.`} />
      <Items />
      <Messages />
      <ResultsTable link={link} since={since} />
      {measured && !busy ? (
        <button type="button" className="primary" aria-expanded={sending} onClick={() => setSending((v) => !v)}>
          Send results back
        </button>
      ) : null}
      {sending && measured ? <SendBack link={link} since={since} /> : null}
      <details className="device-details">
        <summary>This device</summary>
        <DeviceSummary />
      </details>
    </main>
  );
}
