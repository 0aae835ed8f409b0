// Main-thread long tasks (over 50 ms, the Long Tasks API's threshold) in the built app, in
// headless Chromium: at page load (from navigation until the default search is done and the
// lazy reference analysis has run), during default searches, and on opening the Proxy check tab;
// without and with 4x CPU throttling (Chromium's DevTools emulation, which slows the page's main
// thread, not the workers). Each situation is repeated; the figures are every long task seen.
import { build, preview } from 'vite';
import { clickByText, launchBrowser, longTasksSince, recordLongTasks, waitForSearchDone } from '../tests/e2e/browser';

export interface Situation {
  name: string;
  throttle: number;
  repeats: number;
  /** Long-task durations (ms) per repeat. */
  longTasks: number[][];
}

const OUT_DIR = 'dist-bench';
const LOADS = 3;
const SEARCHES = 5;
const TABS = 3;

export async function runMainThreadBench(log: (s: string) => void = () => {}): Promise<{ situations: Situation[] }> {
  await build({ logLevel: 'warn', build: { outDir: OUT_DIR } });
  const server = await preview({ logLevel: 'warn', build: { outDir: OUT_DIR }, preview: { host: '127.0.0.1', port: 0 } });
  const url = server.resolvedUrls!.local[0];
  const browser = await launchBrowser();
  const situations: Situation[] = [];
  try {
    for (const throttle of [1, 4]) {
      const load: number[][] = [];
      const search: number[][] = [];
      const tab: number[][] = [];
      for (let i = 0; i < LOADS; i++) {
        const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
        await context.addInitScript('globalThis.__name = (f) => f;');
        const page = await context.newPage();
        await recordLongTasks(page);
        if (throttle > 1) await (await context.newCDPSession(page)).send('Emulation.setCPUThrottlingRate', { rate: throttle });
        await page.goto(url);
        await waitForSearchDone(page, 120_000);
        await page.waitForTimeout(2000 * throttle); // the reference analysis after the first search
        load.push(await longTasksSince(page, 0));
        if (i === 0) {
          for (let s = 0; s < SEARCHES; s++) {
            const t0 = await clickByText(page, 'Search');
            await page.waitForFunction(() => document.querySelector('[data-testid="evaluated"]')?.textContent?.startsWith('20,000'), null, {
              polling: 100,
              timeout: 120_000,
            });
            await waitForSearchDone(page, 120_000);
            await page.waitForTimeout(500);
            search.push(await longTasksSince(page, t0));
          }
        }
        if (i < TABS) {
          const t0 = await clickByText(page, 'Proxy check', '[role="tab"]');
          await page.getByRole('table', { name: 'Proxy correlations' }).waitFor();
          await page.waitForTimeout(1000);
          tab.push(await longTasksSince(page, t0));
        }
        await context.close();
        log(`throttle ${throttle}x: load ${i + 1} of ${LOADS} done`);
      }
      situations.push({ name: 'page load until the default search is done', throttle, repeats: load.length, longTasks: load });
      situations.push({ name: '20,000-evaluation search', throttle, repeats: search.length, longTasks: search });
      situations.push({ name: 'opening the Proxy check tab', throttle, repeats: tab.length, longTasks: tab });
    }
  } finally {
    await browser.close();
    await new Promise<void>((resolve) => server.httpServer.close(() => resolve()));
  }
  return { situations };
}
