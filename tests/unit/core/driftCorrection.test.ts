// Drift correction: a workload made of a fixed part plus k reference-sized parts, on a machine
// whose memory speed changes run by run, comes back to one figure; a wrong share does not.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { driftCorrectedMedian, driftCorrectedTimes, driftScaledMedian, driftScaledTimes } from '../../../src/core/driftCorrection';
import { summarize } from '../../../src/core/stats';

describe('driftCorrectedTimes', () => {
  it('removes a drift that scales the streamed part, whatever the drift', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.1, max: 50, noNaN: true }), // fixed part O (ms)
        fc.double({ min: 0.1, max: 20, noNaN: true }), // share k
        fc.double({ min: 0.5, max: 5, noNaN: true }), // reference at nominal speed (ms)
        fc.array(fc.double({ min: 0.5, max: 2, noNaN: true }), { minLength: 3, maxLength: 40 }), // slowdown per run
        (fixed, k, g0, slow) => {
          const referenceTimesMs = slow.map((s) => g0 * s);
          const timesMs = referenceTimesMs.map((g) => fixed + k * g);
          const corrected = driftCorrectedTimes({ timesMs, referenceTimesMs }, k, g0);
          for (const c of corrected) expect(c).toBeCloseTo(fixed + k * g0, 6);
        },
      ),
    );
  });

  it('leaves a steady machine alone and is honest about a wrong share', () => {
    const referenceTimesMs = [2, 2, 2, 4, 4, 4, 4];
    const timesMs = referenceTimesMs.map((g) => 5 + 3 * g); // 11 fast, 17 slow
    expect(summarize(timesMs).cv).toBeGreaterThan(0.2);
    expect(driftCorrectedMedian({ timesMs, referenceTimesMs }, 3, 2)).toBeCloseTo(11, 12);
    expect(summarize(driftCorrectedTimes({ timesMs, referenceTimesMs }, 3, 3)).cv).toBeCloseTo(0, 12);
    // Half the true share leaves half the drift in.
    const half = driftCorrectedTimes({ timesMs, referenceTimesMs }, 1.5, 2);
    expect(Math.max(...half) - Math.min(...half)).toBeCloseTo(3, 12);
    const steady = [7, 7.5, 6.8];
    expect(driftCorrectedTimes({ timesMs: steady, referenceTimesMs: [2, 2, 2] }, 3, 2)).toEqual(steady);
  });

  it('scaling removes a drift that slows workload and reference in proportion', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1, max: 1000, noNaN: true }),
        fc.double({ min: 0.5, max: 20, noNaN: true }),
        fc.array(fc.double({ min: 0.5, max: 2, noNaN: true }), { minLength: 1, maxLength: 40 }),
        (t0, g0, slow) => {
          const runs = { timesMs: slow.map((s) => t0 * s), referenceTimesMs: slow.map((s) => g0 * s) };
          for (const c of driftScaledTimes(runs, g0)) expect(c).toBeCloseTo(t0, 6);
          expect(driftScaledMedian(runs, 2 * g0)).toBeCloseTo(2 * t0, 6);
        },
      ),
    );
  });

  it('refuses mismatched runs and a bad share', () => {
    expect(() => driftScaledTimes({ timesMs: [1], referenceTimesMs: [] }, 1)).toThrow(/one reference time per run/);
    expect(() => driftCorrectedTimes({ timesMs: [1, 2], referenceTimesMs: [1] }, 1, 1)).toThrow(/one reference time per run/);
    expect(() => driftCorrectedTimes({ timesMs: [1], referenceTimesMs: [1] }, -1, 1)).toThrow(/share/);
  });
});
