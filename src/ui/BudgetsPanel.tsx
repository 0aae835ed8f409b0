// Budgets (hard constraints); an empty field means no limit. Each has a "?" (ui/Help) saying what
// it counts and how.
import { predictorLabel } from '../core/predictor';
import type { ParamsBudgetKind } from '../state/settings';
import { useActions, useExplorer } from '../state/store';
import { NumberInput, Panel, Select } from './controls';
import { Help } from './Help';

export function BudgetsPanel() {
  const b = useExplorer((s) => s.settings.budgets);
  const workload = useExplorer((s) => s.settings.objectives.workload);
  const profile = useExplorer((s) => s.settings.profile);
  const predictor = useExplorer((s) => s.settings.predictor);
  const { updateBudgets } = useActions();
  const source = predictor ? 'predicted' : 'analytic';
  return (
    <Panel title="Budgets">
      <div className="row-2 params-budget">
        <NumberInput
          label="Max params"
          value={b.paramsM}
          optional
          min={0}
          unit="M"
          placeholder="no limit"
          onChange={(paramsM) => updateBudgets({ paramsM })}
          help={<Help id={b.paramsKind === 'total' ? 'paramsTotal' : 'paramsDecoder'} />}
        />
        <Select<ParamsBudgetKind>
          label="Counted params"
          value={b.paramsKind}
          options={[
            { value: 'total', label: 'total' },
            { value: 'decoder', label: 'decoder only' },
          ]}
          onChange={(paramsKind) => updateBudgets({ paramsKind })}
        />
      </div>
      <NumberInput
        label="Min decoder params"
        value={b.minDecoderParamsM}
        optional
        min={0}
        unit="M"
        placeholder="no minimum"
        onChange={(minDecoderParamsM) => updateBudgets({ minDecoderParamsM })}
        help={<Help id="paramsDecoderMin" />}
      />
      <NumberInput
        label="Max FLOPs per token (decode)"
        value={b.mflopsPerToken}
        optional
        min={0}
        unit="MFLOPs"
        placeholder="no limit"
        onChange={(mflopsPerToken) => updateBudgets({ mflopsPerToken })}
        help={<Help id="flopsPerToken" />}
      />
      <NumberInput
        label="Max memory (weights + KV + activations)"
        value={b.memoryMB}
        optional
        min={0}
        unit="MB"
        placeholder="no limit"
        onChange={(memoryMB) => updateBudgets({ memoryMB })}
        help={<Help id="memoryBytes" />}
      />
      <NumberInput
        label={`Max ${workload} latency (${source})`}
        value={b.latencyMs}
        optional
        min={0}
        unit="ms"
        placeholder="no limit"
        onChange={(latencyMs) => updateBudgets({ latencyMs })}
        help={<Help id="latencyMs" />}
      />
      {predictor ? (
        <p className="hint">
          Latency source: {predictorLabel(predictor, workload)}. <Help id="latency-predicted" />
        </p>
      ) : (
        <p className="hint">
          Latency source: analytic roofline, {profile.label}. <Help id="latency-analytic" />
        </p>
      )}
    </Panel>
  );
}
