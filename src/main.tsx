// Entry point: render the explorer and run the default search at once, so the first screen
// shows a frontier (LTS GPT-2 space, at most 64M total params, decoder params vs decode latency).
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { explorerStore, referenceStore } from './state/store';
import { App } from './ui/App';
import './ui/styles.css';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);

explorerStore.getState().actions.startSearch();

// The reference fit (est. ppl column) is a lazy chunk: fetch it once the first search is over,
// so it never competes with the search for the main thread.
const unsubscribe = explorerStore.subscribe((s) => {
  if (s.run.status === 'idle' && s.run.outcome !== 'none') {
    unsubscribe();
    void referenceStore.getState().load();
  }
});
