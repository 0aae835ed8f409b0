// The page's URL as its state: the explorer writes its share link into the hash as the user
// works (history.replaceState, so no history entry per keystroke), and a link opened in the
// address bar (or pasted into it later) is read: a share link reproduces its search, a results
// link adds the other device's series and keeps everything on screen. A link that cannot be read
// says why, and the default search runs instead. (A measure link opens the measure page instead
// of the explorer: main.tsx.)
import { LinkError } from '../core/linkCodec';
import { frontierFingerprint, readLinkHash } from '../core/links';
import { decodeResultsLink } from '../core/resultsLink';
import type { PackedSnapshot } from '../core/packed';
import type { ExplorerState, ExplorerStore } from './explorerStore';
import { settingsToConfig } from './settings';
import { decodeShareLink, encodeShareLink, type ShareLink } from './shareLink';
import type { ShareState } from './shareTable';

/** The last fingerprint worked out, by the settings and snapshot it was for: the store changes
 *  many times a second while measuring, and this runs on each change. */
let memo: { settings: ExplorerState['settings']; snapshot: PackedSnapshot; fingerprint: string } | null = null;

/** What the share link of this moment holds. The fingerprint is the finished run's, and only
 *  while the settings still describe that run (else the receiver would compare another search). */
export function shareStateOf(s: ExplorerState): ShareState {
  const { results, run } = s;
  let fingerprint = '';
  if (results && run.status === 'idle' && run.outcome === 'done' && results.runId === run.id) {
    if (memo?.settings !== s.settings || memo.snapshot !== results.snapshot) {
      const { config } = settingsToConfig(s.settings);
      const same = !!config && JSON.stringify(config) === JSON.stringify(results.config);
      memo = {
        settings: s.settings,
        snapshot: results.snapshot,
        fingerprint: same ? frontierFingerprint(results.snapshot, results.config) : '',
      };
    }
    fingerprint = memo.fingerprint;
  }
  const selectedId = s.selection && results && s.selection.runId === results.runId ? s.selection.id : null;
  return { settings: s.settings, view: s.view, selectedId, fingerprint };
}

/** The share link of the explorer now, as a whole URL, with what did not fit. */
export async function shareLinkOf(s: ExplorerState, base: string): Promise<ShareLink & { url: string }> {
  const link = await encodeShareLink(shareStateOf(s), s.measure.measurements.series);
  return { ...link, url: base + link.hash };
}

const sentence = (e: unknown) =>
  e instanceof LinkError ? e.message : `it could not be read (${e instanceof Error ? e.message : String(e)})`;

const appendError = (store: ExplorerStore, message: string) => store.setState({ errors: [...store.getState().errors, message] });

/**
 * Acts on the link in `hash`: a share link starts its search; otherwise the default search starts
 * when `startDefault` (page load; a link pasted later keeps what is on screen) and a results link
 * adds its series.
 */
export async function openLink(store: ExplorerStore, hash: string, { startDefault }: { startDefault: boolean }): Promise<void> {
  const { actions } = store.getState();
  let link: ReturnType<typeof readLinkHash>;
  try {
    link = readLinkHash(hash);
  } catch (e) {
    if (startDefault) actions.startSearch();
    return appendError(
      store,
      `This link cannot be opened: ${sentence(e)}. ${startDefault ? 'The default search runs instead.' : 'Nothing changed.'}`,
    );
  }
  if (link?.kind === 's') {
    try {
      actions.openShareLink(await decodeShareLink(link.payload, link.version));
    } catch (e) {
      if (startDefault) actions.startSearch();
      appendError(
        store,
        `This share link cannot be opened: ${sentence(e)}. ${startDefault ? 'The default search runs instead.' : 'Nothing changed.'}`,
      );
    }
    return;
  }
  if (startDefault) actions.startSearch();
  if (link?.kind === 'r') {
    try {
      actions.importResults(await decodeResultsLink(link.payload));
    } catch (e) {
      appendError(store, `This results link cannot be imported: ${sentence(e)}. Nothing was imported.`);
    }
  }
}

/**
 * Keeps the URL hash on the explorer's share link and opens links pasted into the address bar
 * later. A change is written at once when the last write is `intervalMs` old, else at the end of
 * that interval (browsers refuse replaceState called hundreds of times in a few seconds). Returns
 * a function that stops both.
 */
export function followUrl(store: ExplorerStore, win: Window = window, intervalMs = 250): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let lastWrite = -Infinity;
  let written = win.location.hash;
  let last: { state: ShareState; series: unknown } | undefined;
  const write = async () => {
    timer = undefined;
    lastWrite = performance.now();
    const link = await encodeShareLink(shareStateOf(store.getState()), store.getState().measure.measurements.series);
    if (link.hash === win.location.hash) return;
    try {
      win.history.replaceState(win.history.state, '', link.hash);
      written = link.hash;
    } catch {
      // Throttled by the browser: the next change writes again.
    }
  };
  const unsubscribe = store.subscribe((s) => {
    const next = { state: shareStateOf(s), series: s.measure.measurements.series };
    const same = (a: ShareState, b: ShareState) =>
      a.settings === b.settings && a.view === b.view && a.selectedId === b.selectedId && a.fingerprint === b.fingerprint;
    if (last && same(next.state, last.state) && next.series === last.series) return;
    last = next;
    if (timer !== undefined) return; // the pending write will take this change too
    const wait = lastWrite + intervalMs - performance.now();
    if (wait <= 0) void write();
    else timer = setTimeout(() => void write(), wait);
  });
  const onHashChange = () => {
    if (win.location.hash === written) return;
    written = win.location.hash;
    const kind = (() => {
      try {
        return readLinkHash(win.location.hash)?.kind;
      } catch {
        return undefined;
      }
    })();
    if (kind === 'm') return win.location.reload(); // the measure page replaces the explorer
    void openLink(store, win.location.hash, { startDefault: false });
  };
  win.addEventListener('hashchange', onHashChange);
  return () => {
    unsubscribe();
    clearTimeout(timer);
    win.removeEventListener('hashchange', onHashChange);
  };
}
