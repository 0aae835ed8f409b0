// "Calibrate": device-profile micro-benchmarks on the chosen backend, and whether the next
// search's analytic latency uses the measured profile or the stated default.
import { DEFAULT_PROFILE } from '../core/latency';
import { useActions, useExplorer } from '../state/store';
import { Checkbox } from './controls';

export function Calibration() {
  const calibration = useExplorer((s) => s.measure.calibration);
  const status = useExplorer((s) => s.measure.status);
  const backend = useExplorer((s) => s.measure.form.backend);
  const { calibrate, useCalibration } = useActions();
  return (
    <div className="calibration">
      <div className="calibrate-row">
        <button type="button" onClick={() => void calibrate()} disabled={status !== 'idle'}>
          Calibrate
        </button>
        <span className="hint">
          {status === 'calibrating'
            ? `Timing matmul, GEMV and kernel overhead on ${backend}…`
            : `Measures this device's matmul GFLOP/s, bandwidth and per-kernel overhead on ${backend} for the analytic latency.`}
        </span>
      </div>
      {calibration ? (
        <>
          <p className="hint" data-testid="calibration-label">
            Calibrated {new Date(calibration.at).toLocaleString('en-GB')}: {calibration.profile.label}
          </p>
          <Checkbox
            label="Use the calibrated profile for the next search (off: default profile)"
            checked={calibration.use}
            onChange={useCalibration}
          />
        </>
      ) : (
        <p className="hint">Not calibrated: analytic latency uses the {DEFAULT_PROFILE.label}.</p>
      )}
    </div>
  );
}
