// Budgets (hard constraints); an empty field means no limit.
import type { ParamsBudgetKind } from '../state/settings';
import { useActions, useExplorer } from '../state/store';
import { NumberInput, Panel, Select } from './controls';

export function BudgetsPanel() {
  const b = useExplorer((s) => s.settings.budgets);
  const workload = useExplorer((s) => s.settings.objectives.workload);
  const profile = useExplorer((s) => s.settings.profile);
  const { updateBudgets } = useActions();
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
        label="Max FLOPs per token (decode)"
        value={b.mflopsPerToken}
        optional
        min={0}
        unit="MFLOPs"
        placeholder="no limit"
        onChange={(mflopsPerToken) => updateBudgets({ mflopsPerToken })}
      />
      <NumberInput
        label="Max memory (weights + KV + activations)"
        value={b.memoryMB}
        optional
        min={0}
        unit="MB"
        placeholder="no limit"
        onChange={(memoryMB) => updateBudgets({ memoryMB })}
      />
      <NumberInput
        label={`Max ${workload} latency (analytic)`}
        value={b.latencyMs}
        optional
        min={0}
        unit="ms"
        placeholder="no limit"
        onChange={(latencyMs) => updateBudgets({ latencyMs })}
      />
      <p className="hint" title={profile.label}>
        Latency source: analytic roofline, {profile.label}.
      </p>
    </Panel>
  );
}
