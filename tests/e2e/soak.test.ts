// Soak: what repeats must not grow or stall. 20 default searches in a row keep the search
// worker's heap flat and the main thread free of long tasks; 100 measure cycles (builds, timings
// and disposals of a model in the measure worker) keep tf.memory() flat. The figures are printed
// ("# ...") for the README's "Limits and failure behaviour".
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page, Worker } from 'playwright-core';
import {
  BASE_URL,
  clickByText,
  launchBrowser,
  longTasksSince,
  openPage,
  recordLongTasks,
  searchTinySpace,
  waitForMeasureIdle,
  waitForSearchDone,
  type AppPage,
} from './browser.ts';

let browser: Browser;
let app: AppPage;
let page: Page;

before(async () => {
  // Eager memory measurement: performance.measureUserAgentSpecificMemory() (the page is
  // cross-origin isolated) then answers at once instead of at the next GC.
  browser = await launchBrowser(['--enable-blink-features=ForceEagerMeasureMemory']);
  app = await openPage(browser);
  page = app.page;
  await recordLongTasks(page);
  await page.goto(BASE_URL);
  await waitForSearchDone(page);
});

after(async () => {
  await browser?.close();
});

/** JavaScript bytes of the page and of the search worker. The page's garbage is collected first
 *  (DevTools' HeapProfiler.collectGarbage): the eager measurement does not collect, so what it
 *  counts would otherwise depend on when V8 last did. */
async function heapBytes(p: Page): Promise<{ page: number; searchWorker: number }> {
  const cdp = await p.context().newCDPSession(p);
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.detach();
  return p.evaluate(async () => {
    type Breakdown = { bytes: number; types: string[]; attribution: { scope: string; url: string }[] }[];
    const m = (
      await (
        performance as unknown as { measureUserAgentSpecificMemory(): Promise<{ breakdown: Breakdown }> }
      ).measureUserAgentSpecificMemory()
    ).breakdown;
    const sum = (pick: (b: Breakdown[number]) => boolean) => m.filter(pick).reduce((s, b) => s + b.bytes, 0);
    return {
      page: sum((b) => b.types.includes('JavaScript') && b.attribution.some((a) => a.scope === 'Window')),
      searchWorker: sum((b) => b.attribution.some((a) => a.scope === 'DedicatedWorkerGlobalScope' && a.url.includes('search.worker'))),
    };
  });
}

async function runSearch(p: Page): Promise<{ ms: number; longTasks: number[] }> {
  const t0 = await clickByText(p, 'Search');
  await p.waitForFunction(() => document.querySelector('[data-testid="evaluated"]')?.textContent?.startsWith('20,000'), null, {
    polling: 100,
    timeout: 60_000,
  });
  await waitForSearchDone(p);
  const ms = (await p.evaluate(() => performance.now())) - t0;
  return { ms, longTasks: await longTasksSince(p, t0) };
}

test('20 default searches in a row: the search worker heap stays flat, no main-thread task over 50 ms', async () => {
  const heaps: { page: number; searchWorker: number }[] = [];
  const long: number[][] = [];
  let ms = 0;
  for (let i = 0; i < 20; i++) {
    const r = await runSearch(page);
    long.push(r.longTasks);
    ms += r.ms;
    if (i === 1 || i === 19) heaps.push(await heapBytes(page));
  }
  const [early, late] = heaps;
  const kB = (b: number) => `${Math.round(b / 1024)} kB`;
  console.log(
    `# 20 searches in ${(ms / 1000).toFixed(1)} s; search worker heap after search 2: ${kB(early.searchWorker)}, after 20: ${kB(late.searchWorker)}; ` +
      `page heap ${kB(early.page)} -> ${kB(late.page)}; long tasks per search: ${JSON.stringify(long)}`,
  );
  assert.ok(early.searchWorker > 0, 'the search worker was measured');
  // Flat: a leak of one snapshot per search (about 1 MB of packed candidates) would add 18 MB.
  assert.ok(
    late.searchWorker < early.searchWorker * 1.25 + 512 * 1024,
    `search worker heap ${kB(early.searchWorker)} -> ${kB(late.searchWorker)}`,
  );
  assert.ok(late.page < early.page * 1.25 + 2048 * 1024, `page heap ${kB(early.page)} -> ${kB(late.page)}`);
  assert.deepEqual(long.flat(), [], `long tasks per search: ${JSON.stringify(long)}`);
  assert.deepEqual(app.problems, []);
});

/** tf.memory() of the measure worker (tfjs puts its engine on the worker's global object). */
async function workerTfMemory(p: Page): Promise<{ numTensors: number; numBytes: number }> {
  for (const w of p.workers()) {
    const m = await (w as Worker)
      .evaluate(() => {
        const e = (
          globalThis as unknown as { _tfengine?: { backendInstance?: unknown; memory(): { numTensors: number; numBytes: number } } }
        )._tfengine;
        if (!e?.backendInstance) return null;
        const { numTensors, numBytes } = e.memory();
        return { numTensors, numBytes };
      })
      .catch(() => null);
    if (m) return m;
  }
  throw new Error('no worker with a tfjs backend');
}

test('100 measure cycles keep tf.memory() flat in the measure worker', async () => {
  await searchTinySpace(page);
  await page.getByLabel('What to measure').selectOption('frontier');
  await page.getByLabel('Backend', { exact: true }).selectOption('wasm');
  await page.getByLabel('Tokens (T)').fill('8');
  await page.getByLabel('Timed runs').fill('5');
  await page.getByLabel('Min time per workload (ms)').fill('0');
  await page.getByLabel('Rounds').fill('5'); // 2 candidates x 5 rounds: 10 cycles (build, time, dispose) per Measure
  const t0 = Date.now();
  const press = async () => {
    await page.getByRole('button', { name: 'Measure', exact: true }).click();
    await waitForMeasureIdle(page);
    assert.equal(await page.getByTestId('measure-errors').textContent(), '');
  };
  await press();
  const first = await workerTfMemory(page);
  for (let i = 1; i < 10; i++) await press();
  const last = await workerTfMemory(page);
  console.log(
    `# 100 measure cycles (10 Measures of 2 candidates x 5 rounds, wasm) in ${((Date.now() - t0) / 1000).toFixed(1)} s; ` +
      `tf.memory() after 10: ${JSON.stringify(first)}, after 100: ${JSON.stringify(last)}`,
  );
  assert.deepEqual(last, first);
  assert.deepEqual(app.problems, []);
});
