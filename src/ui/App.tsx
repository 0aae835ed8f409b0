// Page layout: top bar, a left column of controls, the explorer (chart, table, architecture), the
// proxy check or the About view in the centre.
import { Suspense, lazy } from 'react';
import { useActions, useExplorer } from '../state/store';
import { About } from './About';
import { ArchView } from './ArchView';
import { BudgetsPanel } from './BudgetsPanel';
import { CandidateTable } from './CandidateTable';
import { ChartPanel } from './ChartPanel';
import { FirstRunHint } from './FirstRunHint';
import { MeasurePanel } from './MeasurePanel';
import { ObjectivesPanel } from './ObjectivesPanel';
import { PaperComparison } from './PaperComparison';
import { PaperPanel } from './PaperPanel';
import { RunPanel } from './RunPanel';
import { SpacePanel } from './SpacePanel';
import { TopBar } from './TopBar';
import type { Tab } from '../state/explorerStore';

// A tab the first screen does not show, with recharts: a chunk of its own. main.tsx preloads it
// once the first search is over; from then on the lazy component resolves synchronously (a
// thenable that calls back at once), so opening the tab renders in the click's task like a static
// import. (Suspending on an already loaded chunk made the opening one 85-100 ms task here against
// none for the static import: measured in headless Chromium, three openings each.)
let proxyCheckModule: typeof import('./ProxyCheck') | null = null;
const loadProxyCheck = () => import('./ProxyCheck').then((m) => (proxyCheckModule = m));
/** Fetches and evaluates the Proxy check's chunk ahead of its first opening. */
export const preloadProxyCheck = (): void => void loadProxyCheck();
type ProxyCheckDefault = { default: (typeof import('./ProxyCheck'))['ProxyCheck'] };
const ProxyCheck = lazy((): Promise<ProxyCheckDefault> => {
  const m = proxyCheckModule;
  if (m) return { then: (resolve: (v: ProxyCheckDefault) => void) => resolve({ default: m.ProxyCheck }) } as Promise<ProxyCheckDefault>;
  return loadProxyCheck().then((m) => ({ default: m.ProxyCheck }));
});

const TABS: { id: Tab; label: string }[] = [
  { id: 'explorer', label: 'Explorer' },
  { id: 'proxies', label: 'Proxy check' },
];

function Tabs() {
  const tab = useExplorer((s) => s.tab);
  const { setTab } = useActions();
  return (
    <div className="tabs" role="tablist" aria-label="Views">
      {TABS.map((t) => (
        <button
          key={t.id}
          type="button"
          role="tab"
          id={`tab-${t.id}`}
          aria-selected={tab === t.id}
          aria-controls={`panel-${t.id}`}
          className={tab === t.id ? 'active' : undefined}
          onClick={() => setTab(t.id)}
        >
          {t.label}
        </button>
      ))}
    </div>
  );
}

export function App() {
  const tab = useExplorer((s) => s.tab);
  return (
    <div className="app">
      <TopBar />
      <div className="layout">
        <aside className="controls" aria-label="Search settings">
          <RunPanel />
          <PaperPanel />
          <MeasurePanel />
          <SpacePanel />
          <BudgetsPanel />
          <ObjectivesPanel />
        </aside>
        <main className="main">
          <Tabs />
          {/* The explorer stays mounted (hidden) so switching tabs keeps chart state and costs nothing. */}
          <div role="tabpanel" id="panel-explorer" aria-labelledby="tab-explorer" hidden={tab !== 'explorer'} className="explorer">
            <FirstRunHint />
            <ChartPanel />
            <PaperComparison />
            <CandidateTable />
            <ArchView />
          </div>
          {tab === 'proxies' ? (
            <div role="tabpanel" id="panel-proxies" aria-labelledby="tab-proxies">
              <Suspense fallback={<p className="muted">Loading the proxy check…</p>}>
                <ProxyCheck />
              </Suspense>
            </div>
          ) : null}
          {tab === 'about' ? <About /> : null}
        </main>
      </div>
    </div>
  );
}
