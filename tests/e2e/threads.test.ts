// The wasm thread pools of both runtimes as a 4-core device starts them. This machine has 2
// cores, where tfjs (half the logical cores) and ONNX Runtime Web (min(4, ceil(cores / 2))) each
// run one thread and never start a pool; a phone or laptop with 4 cores or more starts one in
// each. Here the measure worker's navigator.hardwareConcurrency reads 4 (its script is served
// with that one line in front: Chromium's concurrency override reaches pages, not workers), and
// Measure on wasm in each runtime must run with 2 threads (the series label's thread count is
// what each runtime reports after start: ORT lowers its count to 1 when threads cannot run)
// under the app's Content Security Policy and cross-origin isolation, with no console error.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { openApp, searchTinySpace, waitForMeasureIdle, type AppPage } from './browser.ts';

let browser: Browser;
let app: AppPage;
let page: Page;

before(async () => {
  ({ browser, app, page } = await openApp());
  await app.context.route(/\/assets\/measure\.worker-[^/]*\.js$/, async (route) => {
    const response = await route.fetch();
    const body = `Object.defineProperty(navigator, 'hardwareConcurrency', { get: () => 4 });\n${await response.text()}`;
    await route.fulfill({ response, body });
  });
  await page.reload();
  await searchTinySpace(page);
  await page.getByLabel('What to measure').selectOption('frontier');
  await page.getByLabel('Tokens (T)').fill('16');
  await page.getByLabel('Timed runs').fill('3');
  await page.getByLabel('Min time per workload (ms)').fill('0');
});

after(async () => {
  await browser?.close();
});

const legendText = async () => (await page.getByRole('list', { name: 'Legend' }).textContent()) ?? '';

for (const [runtime, series] of [
  ['TensorFlow.js', /measured \(wasm · [^)]*4 cores, 2 threads · T = 16\): 2 candidates/],
  ['ONNX Runtime Web', /measured \(ORT-web wasm · [^)]*4 cores, 2 threads · T = 16\): 2 candidates/],
] as const) {
  test(`${runtime} on wasm with a 2-thread pool: both candidates measured, labelled with their threads`, async () => {
    assert.equal(await page.evaluate(() => crossOriginIsolated), true, 'threads need a cross-origin isolated page');
    await page.getByLabel('Runtime').selectOption({ label: runtime });
    await page.getByLabel('Backend', { exact: true }).selectOption('wasm');
    await page.getByRole('button', { name: 'Measure', exact: true }).click();
    await waitForMeasureIdle(page);
    assert.equal(await page.getByTestId('measure-errors').textContent(), '');
    assert.match(await legendText(), series);
    assert.deepEqual(app.problems, []);
  });
}
