// Objectives: maximise a quality proxy, minimise analytic latency of a workload; or MeRino mode.
import { useId } from 'react';
import { DEFAULT_EVAL } from '../core/evaluate';
import type { Workload } from '../core/latency';
import { PROXIES, PROXY_IDS, type ProxyId } from '../core/proxies';
import { useActions, useExplorer } from '../state/store';
import { Checkbox, NumberInput, Panel, Select } from './controls';
import { predictorLabel } from '../core/predictor';
import { Help } from './Help';

export function ObjectivesPanel() {
  const o = useExplorer((s) => s.settings.objectives);
  const profile = useExplorer((s) => s.settings.profile);
  const predictor = useExplorer((s) => s.settings.predictor);
  const { updateObjectives, setPredictor } = useActions();
  const proxy = o.merino ? 'entropy' : o.proxy;
  const entropyId = useId();
  return (
    <Panel title="Objectives">
      <Select<ProxyId>
        label="Maximise (quality proxy)"
        value={proxy}
        disabled={o.merino}
        options={PROXY_IDS.map((id) => ({ value: id, label: PROXIES[id].label }))}
        onChange={(p) => updateObjectives({ proxy: p })}
        help={<Help id={proxy} />}
      />
      <p className="formula" title={PROXIES[proxy].source}>
        {PROXIES[proxy].formula}
      </p>
      {proxy === 'entropy' ? (
        <div role="group" aria-labelledby={entropyId} className="field">
          <span className="field-head">
            <span id={entropyId} className="field-label">
              Entropy parameters
            </span>
            <Help id="entropy" />
          </span>
          <div className="row-3">
            {(['aAtt', 'aFfn', 'rho0'] as const).map((k) => (
              <NumberInput
                key={k}
                label={{ aAtt: 'a_att', aFfn: 'a_ffn', rho0: 'ρ0' }[k]}
                value={o.entropy[k]}
                min={0}
                step="any"
                onChange={(v) => updateObjectives({ entropy: { ...o.entropy, [k]: v ?? NaN } })}
              />
            ))}
          </div>
        </div>
      ) : null}
      <Select<Workload>
        label="Minimise latency of"
        value={o.workload}
        options={[
          { value: 'decode', label: `decode: 1 token, ${DEFAULT_EVAL.tokens} cached` },
          { value: 'prefill', label: `prefill: ${DEFAULT_EVAL.tokens} tokens` },
        ]}
        onChange={(workload) => updateObjectives({ workload })}
      />
      {predictor ? (
        <p className="hint" data-testid="next-latency-source">
          Latency source: <strong>predicted</strong> ({predictorLabel(predictor, 'decode')}; prefill LOO{' '}
          {(100 * predictor.prefill.looMedianApe).toFixed(1)} %).{' '}
          <button type="button" className="link-button" onClick={() => setPredictor(null)}>
            Back to analytic
          </button>{' '}
          <Help id="latency-predicted" />
        </p>
      ) : (
        <p className="hint">
          Latency source: <strong>analytic</strong> (<span data-testid="next-profile">{profile.label}</span>).{' '}
          <Help id="latency-analytic" />
        </p>
      )}
      <Checkbox
        label="MeRino mode: maximise entropy, minimise latency"
        checked={o.merino}
        onChange={(merino) => updateObjectives({ merino })}
      />
    </Panel>
  );
}
