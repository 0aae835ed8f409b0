// A candidate's progress while it is timed, as the Measure panel shows it: where a report of the
// measure worker (phase, run n of `of`, in round r of `rounds`) puts it, and whether it is worth a
// store update. A thousand fast timed runs must not flood React: at most one update per phase,
// per percent, or per PROGRESS_TEXT_MS (for the counts of a slow phase).
import type { MeasurePhase } from '../measure/timing';

/** Where each phase starts in a round and how much of it it takes (0..1). */
const PHASES: Record<MeasurePhase, [number, number]> = { build: [0, 0.1], prefill: [0.1, 0.5], decode: [0.6, 0.35], peak: [0.95, 0.05] };
/** Least time between two updates of a candidate's counts within a phase and percent. */
export const PROGRESS_TEXT_MS = 250;

export interface ProgressReport {
  phase: MeasurePhase;
  /** Done so far in the phase, of `of` (0 of 0: the phase has no count). */
  n: number;
  of: number;
  /** The round (0-based) of `rounds`. */
  round: number;
  rounds: number;
}

/** 0..1 through every round's build, prefill, decode and peak-memory pass. */
export const progressFraction = (p: ProgressReport): number =>
  (p.round + PHASES[p.phase][0] + PHASES[p.phase][1] * (p.of > 0 ? p.n / p.of : 0)) / p.rounds;

export interface ShownProgress {
  phase: MeasurePhase | null;
  fraction: number;
}

/**
 * The fields to set for report `p` at time `now`, or null when it is not worth an update: same
 * phase as `shown`, under a percent further and under PROGRESS_TEXT_MS since `updatedAt` (the
 * last update's time). A new phase also records when it began.
 */
export function progressUpdate(
  shown: ShownProgress | undefined,
  p: ProgressReport,
  now: number,
  updatedAt: number,
): { phase: MeasurePhase; fraction: number; run: number; of: number; phaseStartedAt?: number } | null {
  const fraction = progressFraction(p);
  const newPhase = shown?.phase !== p.phase;
  if (shown && !newPhase && fraction - shown.fraction < 0.01 && now - updatedAt < PROGRESS_TEXT_MS) return null;
  return { phase: p.phase, fraction, run: p.n, of: p.of, ...(newPhase ? { phaseStartedAt: now } : {}) };
}
