// "Reproduce a paper": one choice sets the paper's space, budgets, objectives and baselines and
// runs its search (state: applyPaper); the "Paper vs this run" card then sets its claims beside
// this run's figures.
import { PAPER_PRESETS, type PaperId } from '../core/papers';
import { useActions, useExplorer } from '../state/store';
import { Panel, Select } from './controls';

export function PaperPanel() {
  const paper = useExplorer((s) => s.settings.paper);
  const { applyPaper } = useActions();
  return (
    <Panel title="Papers">
      <Select<PaperId | 'none'>
        label="Reproduce a paper"
        value={paper ?? 'none'}
        options={[{ value: 'none', label: 'none' }, ...PAPER_PRESETS.map((p) => ({ value: p.id, label: p.label }))]}
        onChange={(v) => applyPaper(v === 'none' ? null : v)}
      />
      <p className="hint">Sets the paper’s space, budgets, objectives and baselines, then runs the search.</p>
    </Panel>
  );
}
