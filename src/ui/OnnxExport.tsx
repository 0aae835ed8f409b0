// "Export ONNX" for the selected candidate, beside its other exports: the button, the export's
// progress with a Stop, the reason when the model cannot be exported (or the tab ran out of
// memory), and, once saved, where to read how to time the files. The status shown is the one of
// this arch: selecting another candidate shows its own button, idle, while an export runs on.
import { useMemo } from 'react';
import { archKey, type Arch } from '../core/arch';
import { ONNX_DTYPES, type OnnxDtype } from '../core/onnxDtypes';
import { formatBytes, formatCount } from '../view/format';
import { useOnnxExport, type OnnxExportStatus } from '../state/onnxExport';
import { downloadBlob } from './download';

const IDLE: OnnxExportStatus = { kind: 'idle' };

/** The app is static: the guide is named, not linked (docs/ is not served). */
const TIMING_NOTE = 'Time it with ONNX Runtime: see docs/onnx.md in the LM Frontier repository.';

/** Inside the arch view's `.exports` row (a wrapping flex row): progress and messages take a line
 *  of their own, as wide as the buttons; `contain: inline-size` keeps their text from widening
 *  the row (a wrapping flex row is as wide as all its items on one line), which would squeeze the
 *  candidate's title beside it. */
const LINE = { flexBasis: '100%', contain: 'inline-size', margin: 0 } as const;

export function OnnxExport({ arch }: { arch: Arch }) {
  const key = useMemo(() => archKey(arch), [arch]);
  const status = useOnnxExport((s) => (s.key === key ? s.status : IDLE));
  const { start, stop, setDtype } = useOnnxExport((s) => s.actions);
  const dtype = useOnnxExport((s) => s.dtype);
  const building = status.kind === 'building';
  const pct = building ? Math.round(100 * status.fraction) : 0;
  return (
    <>
      <button
        type="button"
        disabled={building}
        title={`decoder_model.onnx and decoder_with_past_model.onnx (${dtype}, seeded random weights) in a zip. ${TIMING_NOTE}`}
        onClick={() => start(arch, downloadBlob)}
      >
        Export ONNX
      </button>
      <select
        aria-label="ONNX float type"
        style={{ width: 'auto' }}
        title="fp32: the weights as the app times them. fp16: the same weights rounded, with activations, KV cache and logits in fp16 (half the file), as an Optimum export with --dtype fp16."
        value={dtype}
        disabled={building}
        onChange={(e) => setDtype(e.target.value as OnnxDtype)}
      >
        {ONNX_DTYPES.map((d) => (
          <option key={d} value={d}>
            {d}
          </option>
        ))}
      </select>
      {building ? (
        <span style={{ ...LINE, display: 'flex', alignItems: 'center', gap: 8 }}>
          <span
            className="progress"
            role="progressbar"
            aria-label="ONNX export progress"
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={pct}
            aria-valuetext={status.stage === 'weights' ? 'filling weights' : `${pct}% written`}
            style={{ display: 'block', width: 72 }}
          >
            <span className="progress-fill" style={{ display: 'block', width: `${pct}%` }} />
          </span>
          <span className="hint" data-testid="onnx-stage">
            {status.stage === 'weights' ? 'filling weights…' : `writing zip ${pct}%`}
          </span>
          <button type="button" onClick={stop}>
            Stop export
          </button>
        </span>
      ) : null}
      {status.kind === 'failed' ? (
        <p className="field-error" role="alert" data-testid="onnx-error" style={LINE}>
          {status.message}
        </p>
      ) : null}
      {status.kind === 'done' ? (
        <p className="hint" role="status" data-testid="onnx-done" style={LINE}>
          Downloaded {status.filename} ({formatBytes(status.bytes)}, {formatCount(status.params)} params). {TIMING_NOTE}
        </p>
      ) : null}
    </>
  );
}
