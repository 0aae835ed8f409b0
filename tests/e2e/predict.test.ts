// Predicted latency end to end, in headless Chromium: a small space's frontier measured on wasm,
// a predictor learned from that device series, and a search on predicted latency whose chart,
// table and captions say "predicted" with the device and fit.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { frontierSize, openApp, searchTinySpace, waitForSearchDone, type AppPage } from './browser.ts';

let browser: Browser;
let app: AppPage;
let page: Page;

before(async () => {
  ({ browser, app, page } = await openApp());
});

after(async () => {
  await browser?.close();
});

test('learn a device from its measurements and search on its predicted latency', async () => {
  await searchTinySpace(page, { layersTo: 3, dModelTo: 128, dInnerTo: 384, evaluations: 300 });
  const n = await frontierSize(page);
  assert.ok(n >= 6, `${n} frontier candidates`);

  await page.getByLabel('Backend', { exact: true }).selectOption('wasm');
  await page.getByLabel('What to measure').selectOption('frontier');
  await page.getByLabel('Tokens (T)').fill('16');
  await page.getByLabel('Timed runs').fill('3');
  await page.getByLabel('Min time per workload (ms)').fill('0');
  await page.getByLabel('Rounds').fill('1');
  await page.getByRole('button', { name: 'Measure', exact: true }).click();
  await page.waitForFunction(() => document.querySelector('[data-testid="measure-notice"]')?.textContent?.startsWith('Measured'), null, {
    polling: 100,
    timeout: 120_000,
  });

  await page.getByRole('button', { name: /^Predict latency from wasm/ }).click();
  const notice = (await page.getByTestId('measure-notice').textContent()) ?? '';
  assert.match(
    notice,
    /^Learned wasm · .* from \d+ candidates \(leave-one-out: decode [\d.]+ % median error, [\d.]+ % within ±10 %, Spearman -?[\d.]+; prefill .*\)\. The next search minimises its predicted latency\.$/,
  );
  assert.match(
    (await page.getByTestId('next-latency-source').textContent()) ?? '',
    /^Latency source: predicted \(predicted, wasm · .*T = 16, n = \d+, LOO/,
  );

  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await waitForSearchDone(page);
  assert.match((await page.locator('.chart-card .card-title').textContent()) ?? '', /\(predicted\)$/);
  assert.match((await page.locator('.chart-card .card-sub').textContent()) ?? '', /latency: predicted, wasm · .*, n = \d+, LOO [\d.]+ %/);
  assert.ok((await page.locator('table.candidates thead .group-row').textContent())?.includes('Latency, ms (predicted)'));
  // Predicted at the T the series was measured at, and the prefill column says so.
  assert.ok((await page.locator('table.candidates thead tr').nth(1).textContent())?.includes('16 tokens'));
  // Refine: measure what the frontier lacks, learn again, search again, until it stops changing.
  await page.getByRole('button', { name: 'Refine on this device' }).click();
  await page.waitForFunction(() => document.querySelector('[data-testid="measure-notice"]')?.textContent?.startsWith('Refined on'), null, {
    polling: 200,
    timeout: 300_000,
  });
  assert.match(
    (await page.getByTestId('measure-notice').textContent()) ?? '',
    /^Refined on wasm · .*: (the frontier came out the same twice in a row \(round \d\)|every frontier candidate is measured on this device|the frontier still changed after 4 rounds)\. The predictor now rests on \d+ candidates/,
  );
  assert.equal(await page.getByTestId('refine-status').count(), 0);
  await page.getByRole('button', { name: 'Back to analytic' }).click();
  assert.match((await page.getByTestId('next-profile').textContent()) ?? '', /profile/);
  assert.deepEqual(app.problems, []);
});
