// The Measure panel's progress text for a running candidate: the phase, its count, and the
// seconds the phase has run (the page's own counter, so a long build or peak pass looks alive);
// the backends its picker offers on each runtime.
// The module is imported through a variable, as in render.test.ts: the Node tsconfig has no JSX.
import { describe, expect, it } from 'vitest';
import type { BackendName, RuntimeName } from '../../../src/core/backendNames';
import type { MeasureItem } from '../../../src/state/measure';

const panel = 'MeasurePanel';
const { formatPhaseElapsed, runningText, offeredBackends } = (await import(/* @vite-ignore */ `../../../src/ui/${panel}.tsx`)) as {
  formatPhaseElapsed(ms: number): string;
  runningText(it: MeasureItem, now: number): string;
  offeredBackends(runtime: RuntimeName, gpu?: boolean): BackendName[];
};

const item = (patch: Partial<MeasureItem>): MeasureItem => ({
  key: '',
  summary: '2L d64 h2 ffn256',
  state: 'running',
  phase: null,
  fraction: 0,
  slicesDone: 0,
  rounds: 1,
  ...patch,
});

describe('formatPhaseElapsed', () => {
  it('whole seconds, then minutes and seconds; never negative', () => {
    expect(formatPhaseElapsed(0)).toBe('0 s');
    expect(formatPhaseElapsed(12_999)).toBe('12 s');
    expect(formatPhaseElapsed(59_999)).toBe('59 s');
    expect(formatPhaseElapsed(80_000)).toBe('1 min 20 s');
    expect(formatPhaseElapsed(-500)).toBe('0 s'); // the clock's last tick can predate the phase
  });
});

describe('runningText', () => {
  const t0 = 1_000_000;
  it('names the phase and its count, with the seconds since the phase began', () => {
    expect(runningText(item({}), t0)).toBe('starting…');
    expect(runningText(item({ phase: 'build', run: 0, of: 1, phaseStartedAt: t0 }), t0 + 400)).toBe('build… · 0 s');
    expect(runningText(item({ phase: 'build', run: 37, of: 150, phaseStartedAt: t0 }), t0 + 12_300)).toBe(
      'build… weights 37 of 150 · 12 s',
    );
    expect(runningText(item({ phase: 'prefill', run: 0, of: 10, phaseStartedAt: t0 }), t0 + 3_000)).toBe('prefill… warm-up · 3 s');
    expect(runningText(item({ phase: 'decode', run: 40, of: 120, phaseStartedAt: t0 }), t0 + 9_000)).toBe('decode… run 40 of 120 · 9 s');
    expect(runningText(item({ phase: 'peak', run: 0, of: 2, phaseStartedAt: t0 }), t0 + 80_000)).toBe('peak… pass 1 of 2 · 1 min 20 s');
    expect(runningText(item({ phase: 'peak', run: 2, of: 2, phaseStartedAt: t0 }), t0)).toBe('peak… pass 2 of 2 · 0 s');
  });

  it('says the round when there are several, and leaves the counter out before a phase has a start', () => {
    expect(runningText(item({ rounds: 4, slicesDone: 1, phase: 'prefill', run: 3, of: 10 }), t0)).toBe(
      'round 2 of 4: prefill… run 3 of 10',
    );
  });
});

describe('offeredBackends', () => {
  it('tfjs offers its four backends; ONNX Runtime Web wasm, and webgpu only where the browser has navigator.gpu', () => {
    expect(offeredBackends('tfjs', false)).toEqual(['webgpu', 'webgl', 'wasm', 'cpu']);
    expect(offeredBackends('ort', true)).toEqual(['webgpu', 'wasm']);
    expect(offeredBackends('ort', false)).toEqual(['wasm']);
    expect(offeredBackends('ort')).toEqual(['wasm']); // Node has no navigator.gpu
  });
});
