// The first-run hint: what it says (from the store) and whether the user dismissed it ("Got it",
// kept in local storage). A browser that refuses storage shows the hint again next time; nothing
// else is lost.
import type { ExplorerState } from './explorerStore';
import { localStore, type StorageLike } from './storage';

export const HINT_DISMISSED_KEY = 'lm-frontier.hint-dismissed';

/**
 * 'running': the page's first search is starting or running (the user is looking at it);
 * 'ready': a frontier is on screen, time for the next steps; 'empty': nothing is running and
 * nothing is on screen (the first search could not start, or found nothing).
 */
export type HintPhase = 'running' | 'ready' | 'empty';

export function hintPhase(s: Pick<ExplorerState, 'results' | 'run' | 'errors'>): HintPhase {
  // Before the first run starts (a share link is still being decoded) the search is on its way,
  // unless starting it failed: then the errors say why.
  const starting = s.run.id === 0 && s.errors.length === 0;
  if (starting || (s.run.status === 'running' && (s.results === null || s.run.id <= 1))) return 'running';
  return s.results && s.results.snapshot.frontier.count > 0 ? 'ready' : 'empty';
}

export function hintDismissed(storage: StorageLike | undefined = localStore()): boolean {
  try {
    return storage?.getItem(HINT_DISMISSED_KEY) === '1';
  } catch {
    return false;
  }
}

/** Remembers "Got it"; false when the browser refuses to store it (the hint then hides for this visit only). */
export function dismissHint(storage: StorageLike | undefined = localStore()): boolean {
  try {
    storage?.setItem(HINT_DISMISSED_KEY, '1');
    return storage !== undefined;
  } catch {
    return false;
  }
}
