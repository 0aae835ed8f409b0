// Search space: a preset, then every choice list and rule of it, editable.
import { FAMILIES, type Family } from '../core/arch';
import type { SpacePresetId } from '../core/space';
import { PRESET_OPTIONS, SPACE_LABELS, tieable } from '../state/settings';
import { useActions, useExplorer } from '../state/store';
import { Checkbox, NumberInput, Panel, RangeInputs, Select, TextInput } from './controls';

const FAMILY_LABEL: Record<Family, string> = {
  gpt2: 'GPT-2',
  opt: 'OPT',
  llama: 'Llama (RMSNorm, SwiGLU, GQA)',
  neox: 'GPT-NeoX (Pythia: parallel residual)',
};

export function SpacePanel() {
  const presetId = useExplorer((s) => s.settings.presetId);
  const f = useExplorer((s) => s.settings.space);
  const { setPreset, updateSpace } = useActions();
  const presetOptions = [
    ...PRESET_OPTIONS.map((p) => ({ value: p.id as SpacePresetId | 'custom', label: p.label })),
    { value: 'custom' as const, label: 'Custom (edited)', disabled: true },
  ];
  return (
    <Panel title="Search space">
      <Select
        label="Preset"
        value={presetId}
        options={presetOptions}
        onChange={(v) => {
          if (v !== 'custom') setPreset(v);
        }}
      />
      <Select
        label="Family"
        value={f.family}
        options={FAMILIES.map((x) => ({ value: x, label: FAMILY_LABEL[x] }))}
        // Llama needs KV-head choices: start from the head choices (plain multi-head attention).
        onChange={(family) =>
          updateSpace({
            family,
            ...(family === 'llama' && !f.kvHeads.trim() ? { kvHeads: f.heads } : {}),
            ...(family === 'neox' ? { tieEmbeddings: false } : {}), // Pythia's head is its own
          })
        }
      />
      <RangeInputs
        label={SPACE_LABELS.nLayer}
        from={f.layersMin}
        to={f.layersMax}
        onChange={(p) =>
          updateSpace({ ...(p.from !== undefined ? { layersMin: p.from } : {}), ...(p.to !== undefined ? { layersMax: p.to } : {}) })
        }
      />
      <RangeInputs
        label={`${SPACE_LABELS.dModel} (dModel)`}
        from={f.dModelMin}
        to={f.dModelMax}
        step={f.dModelStep}
        onChange={(p) =>
          updateSpace({
            ...(p.from !== undefined ? { dModelMin: p.from } : {}),
            ...(p.to !== undefined ? { dModelMax: p.to } : {}),
            ...(p.step !== undefined ? { dModelStep: p.step } : {}),
          })
        }
      />
      <TextInput label={`${SPACE_LABELS.nHead} (nHead choices)`} value={f.heads} onChange={(heads) => updateSpace({ heads })} />
      {f.family === 'llama' ? (
        <TextInput label={`${SPACE_LABELS.nKvHead} (nKvHead choices)`} value={f.kvHeads} onChange={(kvHeads) => updateSpace({ kvHeads })} />
      ) : null}
      <RangeInputs
        label={`${SPACE_LABELS.dInner} (dInner)`}
        from={f.dInnerMin}
        to={f.dInnerMax}
        step={f.dInnerStep}
        onChange={(p) =>
          updateSpace({
            ...(p.from !== undefined ? { dInnerMin: p.from } : {}),
            ...(p.to !== undefined ? { dInnerMax: p.to } : {}),
            ...(p.step !== undefined ? { dInnerStep: p.step } : {}),
          })
        }
      />
      <Checkbox
        label="Heterogeneous: heads and dInner per layer (LTS)"
        checked={f.heterogeneous}
        onChange={(heterogeneous) => updateSpace({ heterogeneous })}
      />
      <NumberInput
        label={`${SPACE_LABELS.minFfnRatio} (dInner ≥ r × dModel)`}
        value={f.minFfnRatio}
        step={0.1}
        min={0}
        onChange={(v) => updateSpace({ minFfnRatio: v ?? NaN })}
      />
      <div className="row-2">
        <NumberInput label={SPACE_LABELS.vocabSize} value={f.vocabSize} step={1} onChange={(v) => updateSpace({ vocabSize: v ?? NaN })} />
        <NumberInput
          label={SPACE_LABELS.contextLength}
          value={f.contextLength}
          step={1}
          unit="tok"
          onChange={(v) => updateSpace({ contextLength: v ?? NaN })}
        />
      </div>
      {tieable(f.family) ? (
        <Checkbox
          label="Tie output head to token table"
          checked={f.tieEmbeddings}
          onChange={(tieEmbeddings) => updateSpace({ tieEmbeddings })}
        />
      ) : null}
    </Panel>
  );
}
