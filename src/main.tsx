// Entry point. A measure link (#v=1&m=...) opens the phone-first measure page; anything else opens
// the explorer, which reads a share or results link from the URL (state/urlState) or runs the
// default search at once, so the first screen shows a frontier (LTS GPT-2 space, at most 64M
// total params, decoder params vs decode latency).
import { StrictMode, startTransition } from 'react';
import { createRoot } from 'react-dom/client';
import { readLinkHash } from './core/links';
import { explorerStore, referenceStore } from './state/store';
import { followUrl, openLink } from './state/urlState';
import { App, preloadProxyCheck } from './ui/App';
import { MeasurePage } from './ui/MeasurePage';
import './ui/styles.css';
import './ui/links.css';

const measurePayload = (() => {
  try {
    const link = readLinkHash(location.hash);
    return link?.kind === 'm' ? link.payload : null;
  } catch {
    return null; // the explorer says why the link cannot be read
  }
})();

// The first render is a transition so React renders it in slices of a few ms instead of one long
// task (a plain root.render renders the whole page synchronously: 60+ ms of script here).
const root = createRoot(document.getElementById('root')!);
startTransition(() => {
  root.render(<StrictMode>{measurePayload !== null ? <MeasurePage payload={measurePayload} /> : <App />}</StrictMode>);
});

if (measurePayload === null) {
  void openLink(explorerStore, location.hash, { startDefault: true }).then(() => followUrl(explorerStore));

  // The reference fit (est. ppl column) is a lazy chunk: fetch it once the first search is over,
  // so it never competes with the search for the main thread.
  const unsubscribe = explorerStore.subscribe((s) => {
    if (s.run.status === 'idle' && s.run.outcome !== 'none') {
      unsubscribe();
      void referenceStore.getState().load();
      preloadProxyCheck();
    }
  });
}
