// A candidate's progress while it is timed: the fraction through every round's phases, and at most
// one store update per phase, per percent or per PROGRESS_TEXT_MS.
import { describe, expect, it } from 'vitest';
import { PROGRESS_TEXT_MS, progressFraction, progressUpdate } from '../../../src/state/measureProgress';

describe('progressFraction', () => {
  it('runs from 0 to 1 through build, prefill, decode and peak of every round', () => {
    expect(progressFraction({ phase: 'build', n: 0, of: 0, round: 0, rounds: 1 })).toBe(0);
    expect(progressFraction({ phase: 'prefill', n: 5, of: 10, round: 0, rounds: 1 })).toBeCloseTo(0.35, 12);
    expect(progressFraction({ phase: 'peak', n: 2, of: 2, round: 0, rounds: 1 })).toBeCloseTo(1, 12);
    // Round 2 of 4 starts half-way.
    expect(progressFraction({ phase: 'build', n: 0, of: 0, round: 2, rounds: 4 })).toBe(0.5);
    const order = (['build', 'prefill', 'decode', 'peak'] as const).map((phase) =>
      progressFraction({ phase, n: 0, of: 1, round: 0, rounds: 1 }),
    );
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });
});

describe('progressUpdate', () => {
  const report = (n: number, of = 1000) => ({ phase: 'decode' as const, n, of, round: 0, rounds: 1 });

  it('updates on a new phase (and records when it began), on a percent, or after PROGRESS_TEXT_MS', () => {
    const first = progressUpdate(undefined, report(0), 1000, 0);
    expect(first).toEqual({ phase: 'decode', fraction: 0.6, run: 0, of: 1000, phaseStartedAt: 1000 });
    const shown = { phase: first!.phase, fraction: first!.fraction };
    expect(progressUpdate(shown, report(1), 1010, 1000)).toBeNull(); // 0.035 % later, 10 ms later
    const later = progressUpdate(shown, report(1), 1000 + PROGRESS_TEXT_MS, 1000);
    expect(later).toMatchObject({ phase: 'decode', run: 1, of: 1000 });
    expect(later!.fraction).toBeCloseTo(0.60035, 12);
    expect(later).not.toHaveProperty('phaseStartedAt');
    expect(progressUpdate(shown, report(30), 1010, 1000)).toMatchObject({ run: 30 }); // over a percent
    expect(progressUpdate({ phase: 'prefill', fraction: 0.6 }, report(0), 1010, 1000)).toMatchObject({ phaseStartedAt: 1010 });
  });

  it('lets a thousand fast runs through about a hundred times at most', () => {
    let shown: { phase: 'decode'; fraction: number } | undefined;
    let updatedAt = 0;
    let updates = 0;
    for (let n = 0; n <= 1000; n++) {
      const u = progressUpdate(shown, report(n), 5000 + n, updatedAt); // 1 ms apart
      if (!u) continue;
      updates++;
      updatedAt = 5000 + n;
      shown = { phase: u.phase as 'decode', fraction: u.fraction };
    }
    expect(updates).toBeGreaterThan(20);
    expect(updates).toBeLessThanOrEqual(101);
  });
});
