// The explorer in headless Chromium against the built app: the default search runs on load and
// draws its frontier, selection links chart, table and architecture view, Stop keeps the
// frontier and frees the UI within 250 ms. (No long task during searches: soak.test.ts, 20 in a row.)
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { BASE_URL, frontierSize, isRunning, launchBrowser, openPage, waitForSearchDone, type AppPage } from './browser.ts';

let browser: Browser;
let app: AppPage;
let page: Page;

before(async () => {
  browser = await launchBrowser();
  app = await openPage(browser);
  page = app.page;
  await page.goto(BASE_URL);
});

after(async () => {
  await browser?.close();
});

const canvasCount = (p: Page, what: 'frontier' | 'dominated') =>
  p.locator('canvas.points-canvas').getAttribute(`data-${what}`).then(Number);

const archSummary = (p: Page) => p.getByTestId('arch-summary').textContent();

test('the default search runs on load and draws its frontier', async () => {
  const n = await waitForSearchDone(page);
  assert.ok(n > 100, `frontier of ${n} candidates`);
  assert.equal(await page.getByRole('progressbar', { name: 'Search progress' }).getAttribute('aria-valuenow'), '20000');
  assert.equal(await canvasCount(page, 'frontier'), n);
  const dominated = await canvasCount(page, 'dominated');
  assert.ok(dominated > 100 && dominated <= 2000, `${dominated} dominated points drawn`);
  const region = page.getByRole('region', { name: 'Pareto frontier' });
  assert.match((await region.textContent()) ?? '', /Decode latency per token \(ms, analytic\)/);
  assert.match((await region.textContent()) ?? '', /Decoder params \(M, LTS proxy\)/);
  // The first frontier candidate is selected for the architecture view.
  assert.match((await archSummary(page)) ?? '', /^\d+L d\d+ h/);
  assert.equal(await page.getByRole('table', { name: 'Candidates' }).locator('tbody tr[aria-selected="true"]').count(), 1);
  // The default search on load leaves the focus alone (the run buttons move it only when they had it).
  assert.equal(await page.evaluate(() => document.activeElement === document.body), true);
  assert.deepEqual(app.problems, []);
  await mkdir('tests/e2e/artifacts', { recursive: true });
  await page.waitForTimeout(300); // let the lazy est. ppl column fill in
  await page.screenshot({ path: 'tests/e2e/artifacts/explorer.png', fullPage: true });
  // The README's picture: the first screen at 1280 x 900, written to docs/ only when asked.
  await page.screenshot({ path: process.env.README_SCREENSHOT ? 'docs/explorer.png' : 'tests/e2e/artifacts/readme-explorer.png' });
});

test('selecting a point updates the table and the architecture view', async () => {
  const chart = page.locator('.chart-box');
  const ring = page.locator('circle.pt-selected');
  const first = { id: await ring.getAttribute('data-id') };
  const cx = Number(await ring.getAttribute('cx'));
  const cy = Number(await ring.getAttribute('cy'));
  // Arrow keys walk the frontier.
  await chart.focus();
  for (let i = 0; i < 25; i++) await page.keyboard.press('ArrowLeft');
  await page.waitForFunction((id) => document.querySelector('circle.pt-selected')?.getAttribute('data-id') !== id, first.id);
  const moved = await ring.getAttribute('data-id');
  assert.notEqual(moved, first.id);
  const row = page.getByRole('table', { name: 'Candidates' }).locator('tbody tr[aria-selected="true"]');
  assert.equal(await row.getAttribute('data-id'), moved);
  await page.waitForFunction((id) => document.querySelector('.arch-card')?.textContent?.includes(`candidate #${id}`), moved);
  // A mouse click where the first candidate is drawn selects the point there (the frontier is
  // dense: it may be a neighbour within a pixel); table row and arch view follow.
  const box = (await page.locator('.chart-box svg.recharts-surface').boundingBox())!;
  await page.mouse.click(box.x + cx, box.y + cy);
  await page.waitForFunction((id) => document.querySelector('circle.pt-selected')?.getAttribute('data-id') !== id, moved);
  const clicked = await ring.getAttribute('data-id');
  assert.ok(Math.hypot(Number(await ring.getAttribute('cx')) - cx, Number(await ring.getAttribute('cy')) - cy) < 3);
  assert.equal(await row.getAttribute('data-id'), clicked);
  await page.waitForFunction((id) => document.querySelector('.arch-card')?.textContent?.includes(`candidate #${id}`), clicked);
  const summary = (await archSummary(page))!;
  // Hovering shows the tooltip with the arch summary.
  await page.mouse.move(box.x + cx + 0.5, box.y + cy);
  await page.locator('.chart-tooltip').waitFor();
  assert.match((await page.locator('.chart-tooltip .tt-title').textContent()) ?? '', /^\d+L d\d+ h/);
  assert.ok(summary.length > 0);
  // Clicking a table row selects it in the chart.
  const other = page.getByRole('table', { name: 'Candidates' }).locator('tbody tr').nth(3);
  const otherId = await other.getAttribute('data-id');
  await other.click();
  await page.waitForFunction((id) => document.querySelector('circle.pt-selected')?.getAttribute('data-id') === id, otherId);
  assert.deepEqual(app.problems, []);
});

test('Stop mid-run keeps the frontier and the UI is idle within 250 ms; the next search works', async () => {
  const evaluations = page.getByLabel('Evaluations', { exact: true });
  await evaluations.fill('500000');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await page.waitForFunction(
    () => Number(document.querySelector('[data-testid="evaluated"]')?.textContent?.split('/')[0].replace(/,/g, '')) >= 3000,
    null,
    { polling: 50, timeout: 30_000 },
  );
  assert.equal(await isRunning(page), true);
  // Click Stop and time, in the page, until the Search button is usable again.
  const ms = await page.evaluate(
    () =>
      new Promise<number>((resolve) => {
        const buttons = [...document.querySelectorAll('button')];
        const search = buttons.find((b) => b.textContent?.trim() === 'Search')!;
        const stop = buttons.find((b) => b.textContent?.trim() === 'Stop')!;
        const t = performance.now();
        const check = () => (!search.disabled && stop.disabled ? resolve(performance.now() - t) : requestAnimationFrame(check));
        stop.click();
        check();
      }),
  );
  console.log(`# Stop -> idle in ${ms.toFixed(0)} ms`);
  assert.ok(ms < 250, `idle after ${ms.toFixed(0)} ms`);
  const n = await frontierSize(page);
  assert.ok(n > 0, 'frontier kept');
  await page.waitForTimeout(400); // late messages from the stopped worker must not change anything
  assert.equal(await frontierSize(page), n);
  assert.equal(await canvasCount(page, 'frontier'), n);
  assert.match((await page.getByRole('status').filter({ hasText: 'Stopped' }).textContent()) ?? '', /Stopped after [\d,]+ evaluations/);
  // A new search (new worker) runs to the end.
  await evaluations.fill('3000');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await page.waitForFunction(() => document.querySelector('[data-testid="evaluated"]')?.textContent?.startsWith('3,000'), null, {
    polling: 100,
    timeout: 30_000,
  });
  await waitForSearchDone(page);
  assert.deepEqual(app.problems, []);
});
