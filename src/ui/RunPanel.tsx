// Run controls: evaluations and seed, "Search" / "Stop", progress and the outcome of the last run.
import { useEffect, useRef, useState } from 'react';
import { formatElapsed, formatInt, formatSci } from '../view/format';
import { useActions, useExplorer } from '../state/store';
import { NumberInput, Panel } from './controls';

const HYPERVOLUME_TITLE =
  "Area dominated by the frontier, against the reference point: the worst objective values of the space's smallest and largest archs";

/** Wall time since the run started, ticking while it runs (local state: the store is not touched). */
function Elapsed() {
  const status = useExplorer((s) => s.run.status);
  const startedAt = useExplorer((s) => s.run.startedAt);
  const elapsedMs = useExplorer((s) => s.run.elapsedMs);
  const [now, setNow] = useState(() => performance.now());
  useEffect(() => {
    if (status !== 'running') return;
    const t = setInterval(() => setNow(performance.now()), 100);
    return () => clearInterval(t);
  }, [status]);
  const ms = status === 'running' ? Math.max(elapsedMs, now - startedAt) : elapsedMs;
  return <span className="elapsed">{formatElapsed(ms)}</span>;
}

function Progress() {
  const snapshot = useExplorer((s) => s.run.snapshot);
  const total = useExplorer((s) => s.run.config?.evaluations ?? s.settings.evaluations);
  const status = useExplorer((s) => s.run.status);
  const evaluated = snapshot?.evaluated ?? 0;
  const pct = Math.min(100, (100 * evaluated) / Math.max(1, total));
  return (
    <div className="progress-block">
      <div
        className={`progress ${status === 'running' ? 'is-running' : ''}`}
        role="progressbar"
        aria-label="Search progress"
        aria-valuemin={0}
        aria-valuemax={total}
        aria-valuenow={evaluated}
        aria-valuetext={`${formatInt(evaluated)} of ${formatInt(total)} evaluations`}
      >
        <div className="progress-fill" style={{ width: `${pct}%` }} />
      </div>
      <dl className="stats">
        <dt>Evaluated</dt>
        <dd data-testid="evaluated">
          {formatInt(evaluated)} / {formatInt(total)}
        </dd>
        <dt>Generation</dt>
        <dd>{formatInt(snapshot?.generation ?? 0)}</dd>
        <dt>Feasible</dt>
        <dd>{formatInt(snapshot?.feasible ?? 0)}</dd>
        <dt>Frontier</dt>
        <dd data-testid="frontier-size">{formatInt(snapshot?.frontier.count ?? 0)}</dd>
        <dt title={HYPERVOLUME_TITLE}>Hypervolume</dt>
        <dd>{snapshot ? formatSci(snapshot.hypervolume) : '–'}</dd>
        <dt>Elapsed</dt>
        <dd>
          <Elapsed />
        </dd>
      </dl>
    </div>
  );
}

function Messages() {
  const errors = useExplorer((s) => s.errors);
  const notice = useExplorer((s) => s.notice);
  return (
    <>
      <div role="alert" className={errors.length ? 'message error' : 'visually-hidden'}>
        {errors.map((e) => (
          <p key={e}>{e}</p>
        ))}
      </div>
      <p role="status" className={notice ? 'message notice' : 'visually-hidden'}>
        {notice}
      </p>
    </>
  );
}

export function RunPanel() {
  const status = useExplorer((s) => s.run.status);
  const evaluations = useExplorer((s) => s.settings.evaluations);
  const seed = useExplorer((s) => s.settings.seed);
  const { startSearch, stopSearch, setEvaluations, setSeed } = useActions();
  const running = status === 'running';
  const searchButton = useRef<HTMLButtonElement>(null);
  const stopButton = useRef<HTMLButtonElement>(null);
  // A disabled button drops focus to the page body (63 Tabs back to the table): when the button
  // that had it is disabled, the focus moves to the other one (Search -> Stop when a run starts,
  // Stop -> Search when it ends). Focus anywhere else, or nowhere (page load), is left alone:
  // `holder` is the button that last took the focus, cleared when the focus moves to another
  // element (a button being disabled blurs with no relatedTarget: the focus went nowhere).
  const holder = useRef<HTMLButtonElement | null>(null);
  const track = {
    onFocus: (e: React.FocusEvent<HTMLButtonElement>) => (holder.current = e.currentTarget),
    onBlur: (e: React.FocusEvent<HTMLButtonElement>) => {
      if (e.relatedTarget) holder.current = null;
    },
  };
  useEffect(() => {
    const [from, to] = running ? [searchButton, stopButton] : [stopButton, searchButton];
    // Chrome keeps a just-disabled button as activeElement until its next focus fixup.
    const active = document.activeElement;
    const lost = active === from.current || active === null || active === document.body;
    if (holder.current && holder.current === from.current && lost) to.current?.focus();
  }, [running]);
  return (
    <Panel title="Run" className="run-panel">
      <div className="row-2">
        <NumberInput label="Evaluations" value={evaluations} step={1000} min={1} onChange={(v) => setEvaluations(v ?? NaN)} />
        <NumberInput label="Seed" value={seed} step={1} min={0} onChange={(v) => setSeed(v ?? NaN)} />
      </div>
      <div className="buttons">
        <button ref={searchButton} type="button" className="primary" onClick={startSearch} disabled={running} {...track}>
          Search
        </button>
        <button ref={stopButton} type="button" onClick={stopSearch} disabled={!running} {...track}>
          Stop
        </button>
      </div>
      <Progress />
      <Messages />
    </Panel>
  );
}
