// "Getting started": at the top of the explorer, what the first search is doing while it runs,
// then what to do next (measure the frontier, share it, measure on a phone) with a "Got it" that
// hides it for good (state/hint keeps that in local storage).
import { useState } from 'react';
import { DEFAULT_EVAL } from '../core/evaluate';
import { dismissHint, hintDismissed, hintPhase } from '../state/hint';
import { useExplorer } from '../state/store';

export function FirstRunHint() {
  const [dismissed, setDismissed] = useState(() => hintDismissed());
  const phase = useExplorer(hintPhase);
  if (dismissed) return null;
  return (
    <div className="first-run" role="note" aria-label="Getting started" data-phase={phase}>
      <div className="first-run-text">
        <strong>Getting started</strong>
        {phase === 'running' ? (
          <p>
            The first search is running: it tries thousands of decoder-only transformer shapes from the space on the left, scores each one
            without training (a quality proxy such as decoder parameter count, and a latency estimate for a decode step with{' '}
            {DEFAULT_EVAL.tokens} tokens cached), and draws the Pareto frontier: the candidates no other one beats on both at once.
          </p>
        ) : phase === 'ready' ? (
          <>
            <p>
              The chart shows the Pareto frontier: each point is an architecture no other one beats on both quality proxy and latency.
              Select a point to see its layers. Next:
            </p>
            <ul>
              <li>
                <strong>Measure</strong> the frontier on this device: in the “Measure on this device” panel, choose “frontier” and press
                Measure. Real timings join the chart and the table.
              </li>
              <li>
                <strong>Share</strong> it: the Share link below the chart reproduces this search in any browser.
              </li>
              <li>
                <strong>Measure on a phone</strong>: “Measure on another device” below the chart gives a link and a QR code; the phone sends
                its timings back.
              </li>
            </ul>
          </>
        ) : (
          <p>
            Set the search space, budgets and objectives on the left and press Search: the app scores architectures without training them
            and draws the Pareto frontier of quality proxy against latency.
          </p>
        )}
      </div>
      <button
        type="button"
        onClick={() => {
          dismissHint();
          setDismissed(true);
        }}
      >
        Got it
      </button>
    </div>
  );
}
