// The first-run hint: its phase from the store, and "Got it" remembered in local storage (a
// browser that refuses storage loses only the memory of it).
import { describe, expect, it } from 'vitest';
import { dismissHint, HINT_DISMISSED_KEY, hintDismissed, hintPhase } from '../../../src/state/hint';
import type { ExplorerState } from '../../../src/state/explorerStore';

type S = Pick<ExplorerState, 'results' | 'run' | 'errors'>;
const run = (id: number, status: 'idle' | 'running'): S['run'] => ({
  status,
  outcome: status === 'running' ? 'none' : 'done',
  config: null,
  snapshot: null,
  startedAt: 0,
  elapsedMs: 0,
  id,
});
const results = (count: number) => ({ snapshot: { frontier: { count } } }) as unknown as S['results'];

describe('hintPhase', () => {
  it('running before and during the first search, ready after it, and on later runs', () => {
    expect(hintPhase({ run: run(0, 'idle'), results: null, errors: [] })).toBe('running');
    expect(hintPhase({ run: run(1, 'running'), results: null, errors: [] })).toBe('running');
    expect(hintPhase({ run: run(1, 'running'), results: results(5), errors: [] })).toBe('running');
    expect(hintPhase({ run: run(1, 'idle'), results: results(5), errors: [] })).toBe('ready');
    expect(hintPhase({ run: run(2, 'running'), results: results(5), errors: [] })).toBe('ready');
  });

  it('empty when the first search could not start or found nothing', () => {
    expect(hintPhase({ run: run(0, 'idle'), results: null, errors: ['bad budget'] })).toBe('empty');
    expect(hintPhase({ run: run(1, 'idle'), results: results(0), errors: [] })).toBe('empty');
  });
});

describe('hint storage', () => {
  it('remembers "Got it"', () => {
    const map = new Map<string, string>();
    const storage = { getItem: (k: string) => map.get(k) ?? null, setItem: (k: string, v: string) => void map.set(k, v) };
    expect(hintDismissed(storage)).toBe(false);
    expect(dismissHint(storage)).toBe(true);
    expect(map.get(HINT_DISMISSED_KEY)).toBe('1');
    expect(hintDismissed(storage)).toBe(true);
  });

  it('a browser that refuses storage gets no error', () => {
    const refusing = {
      getItem: (): string | null => {
        throw new Error('SecurityError');
      },
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
    };
    expect(hintDismissed(refusing)).toBe(false);
    expect(dismissHint(refusing)).toBe(false);
  });
});
