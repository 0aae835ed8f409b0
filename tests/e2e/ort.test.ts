// ONNX Runtime Web as the Measure panel's second runtime, in headless Chromium against the built
// app: the two frontier candidates of a tiny search space timed on ORT's wasm backend fill the
// Measured column and add a chart series labelled "ORT-web wasm", beside a tfjs series of the
// same candidates, and on its webgpu backend (SwiftShader); ORT's files load only once ORT is
// picked, from the app's origin, under the Content Security Policy, with no request leaving the
// origin. A measure link made with ORT picked has a phone measure on it and its results come back
// as ORT's. Without a WebGPU adapter, ORT's webgpu says why instead of falling back.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import {
  BASE_URL,
  CHROMIUM_ARGS,
  openApp,
  openPage,
  searchTinySpace,
  waitForMeasureIdle,
  waitForSearchDone,
  type AppPage,
} from './browser.ts';

const PHONE_UA = 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36';

let browser: Browser;
let app: AppPage;
let page: Page;
/** Every URL the page and its workers requested. */
const requests: string[] = [];

before(async () => {
  ({ browser, app, page } = await openApp());
  app.context.on('request', (r) => requests.push(r.url()));
});

after(async () => {
  await browser?.close();
});

const legendText = (p: Page) =>
  p
    .getByRole('list', { name: 'Legend' })
    .textContent()
    .then((t) => t ?? '');
const measuredCells = (p: Page) => p.locator('table.candidates tbody td[data-col="measured"]').allTextContents();
const ortFiles = () => requests.filter((u) => /ort-wasm-simd-threaded|ort\.wasm\.bundle|onnxruntime/.test(u));

async function measure(p: Page): Promise<number> {
  const t0 = Date.now();
  await p.getByRole('button', { name: 'Measure', exact: true }).click();
  await waitForMeasureIdle(p);
  return (Date.now() - t0) / 1000;
}

test('a tiny search space, its two frontier candidates measured on tfjs wasm first: no ORT file is fetched', async () => {
  await searchTinySpace(page);
  await page.getByLabel('What to measure').selectOption('frontier');
  await page.getByLabel('Tokens (T)').fill('16');
  await page.getByLabel('Timed runs').fill('3');
  await page.getByLabel('Min time per workload (ms)').fill('0');
  await page.getByLabel('Rounds').fill('2');
  assert.equal(await page.getByLabel('Runtime').inputValue(), 'tfjs'); // the default
  await page.getByLabel('Backend', { exact: true }).selectOption('wasm');
  await measure(page);
  assert.equal(await page.getByTestId('measure-errors').textContent(), '');
  assert.deepEqual(ortFiles(), [], 'ONNX Runtime loads only when picked');
  assert.deepEqual(app.problems, []);
});

test('Measure on ONNX Runtime Web wasm: the Measured column and an "ORT-web wasm" chart series fill', async () => {
  const seriesBefore = await page.locator('.measured-series').count();
  await page.getByLabel('Runtime').selectOption({ label: 'ONNX Runtime Web' });
  const offered = await page.getByLabel('Backend', { exact: true }).locator('option').allTextContents();
  assert.deepEqual(offered, ['webgpu', 'wasm'], 'ORT offers its own backends (webgpu: this Chromium has navigator.gpu)');
  assert.equal(await page.getByLabel('Backend', { exact: true }).inputValue(), 'wasm');
  const seconds = await measure(page);
  console.log(`# ORT-web wasm: 2 candidates measured in ${seconds.toFixed(1)} s`);
  assert.equal(await page.getByTestId('measure-errors').textContent(), '');
  assert.equal(await page.getByTestId('measure-backend').textContent(), 'wasm');
  assert.match((await page.getByTestId('badge-backend').textContent()) ?? '', /^ORT-web wasm$/);
  const results = page.getByTestId('measure-result');
  assert.equal(await results.count(), 2);
  for (let i = 0; i < 2; i++) {
    assert.equal(await results.nth(i).getAttribute('data-state'), 'done');
    assert.match(
      (await results.nth(i).textContent()) ?? '',
      /^decode [\d.,]+ m?s ± [\d.,]+ m?s \(4 runs\) · prefill [\d.,]+ m?s ± [\d.,]+ m?s \(4 runs\) · 2 rounds · 0 tensors leaked$/,
    );
  }
  assert.match((await page.getByTestId('measure-notice').textContent()) ?? '', /^Measured 2 of 2 candidates on ORT-web wasm · /);
  // The table shows the ORT series: both frontier rows measured at T = 16.
  const cells = await measuredCells(page);
  assert.equal(cells.length, 2);
  for (const c of cells) assert.match(c, /^[\d.,]+ ± [\d.]+ \(T = 16\)$/);
  const title = (await page.locator('table.candidates tbody td[data-col="measured"]').first().getAttribute('title')) ?? '';
  assert.match(title, /^measured \(ORT-web wasm · .* · T = 16\): decode /);
  // One more series in the chart, labelled by runtime, beside tfjs's own wasm series.
  assert.equal(await page.locator('.measured-series').count(), seriesBefore + 1);
  assert.equal(await page.locator('.measured-series').last().getAttribute('data-count'), '2');
  const legend = await legendText(page);
  assert.match(legend, /measured \(ORT-web wasm · .*? · T = 16\): 2 candidates/);
  assert.match(legend, /measured \(wasm · .*? · T = 16\): 2 candidates/);
  // ORT's files came from this origin, each once (the wasm build only: webgpu's was not fetched).
  const origin = new URL(BASE_URL).origin;
  const files = ortFiles();
  assert.ok(
    files.some((u) => /ort-wasm-simd-threaded-[\w-]+\.wasm$/.test(u)),
    `ORT's .wasm was fetched: ${files.join(', ')}`,
  );
  assert.ok(
    files.some((u) => /ort-wasm-simd-threaded-[\w-]+\.mjs$/.test(u)),
    `ORT's .mjs was fetched: ${files.join(', ')}`,
  );
  assert.deepEqual(
    files.filter((u) => !u.startsWith(origin)),
    [],
  );
  assert.deepEqual(
    files.filter((u) => /asyncify/.test(u)),
    [],
  );
});

test('Measure on ONNX Runtime Web webgpu (SwiftShader): a series of its own', async () => {
  await page.getByLabel('Backend', { exact: true }).selectOption('webgpu');
  const seconds = await measure(page);
  console.log(`# ORT-web webgpu: 2 candidates measured in ${seconds.toFixed(1)} s`);
  assert.equal(await page.getByTestId('measure-errors').textContent(), '');
  assert.match((await page.getByTestId('measure-notice').textContent()) ?? '', /^Measured 2 of 2 candidates on ORT-web webgpu · /);
  assert.match(await legendText(page), /measured \(ORT-web webgpu · .*? · T = 16\): 2 candidates/);
  for (const r of await page.getByTestId('measure-result').all()) assert.equal(await r.getAttribute('data-leaked'), '0');
  assert.ok(
    ortFiles().some((u) => /asyncify/.test(u)),
    'the WebGPU build came now',
  );
  assert.deepEqual(app.problems, []);
});

test('under the Content Security Policy: no violation, no request off the origin', async () => {
  const { CSP } = await import('../../csp.mjs');
  assert.equal(await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content'), CSP);
  assert.deepEqual(await page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations), []);
  assert.deepEqual(app.problems, []); // console errors (workers report CSP violations there), page errors, foreign requests
});

test('a measure link carries the runtime: a phone measures on ORT-web wasm, and its results come back as ORT’s', async () => {
  await page.getByRole('button', { name: 'Measure on another device' }).click();
  const box = page.getByRole('textbox', { name: 'Measure link', exact: true });
  await page.waitForFunction((el) => (el as HTMLInputElement).value.startsWith('http'), await box.elementHandle(), { polling: 100 });
  const measureLink = await box.inputValue();
  const phone = await openPage(browser, { viewport: { width: 390, height: 844 }, mobile: true, userAgent: PHONE_UA });
  try {
    await phone.page.goto(measureLink);
    await phone.page.getByRole('list', { name: 'Candidates to measure' }).waitFor();
    assert.match((await phone.page.locator('main p').first().textContent()) ?? '', /, on ONNX Runtime Web\.$/);
    assert.deepEqual(await phone.page.getByLabel('Backend', { exact: true }).locator('option').allTextContents(), ['wasm', 'webgpu']);
    await phone.page.getByRole('button', { name: 'Start' }).click();
    await phone.page.getByRole('button', { name: 'Send results back' }).waitFor({ timeout: 120_000 });
    const backends = await phone.page.getByRole('table', { name: 'Results' }).locator('tbody td:nth-child(2)').allTextContents();
    assert.deepEqual(backends, ['ORT-web wasm', 'ORT-web wasm']);
    await phone.page.getByRole('button', { name: 'Send results back' }).click();
    const results = phone.page.getByRole('textbox', { name: 'Results link', exact: true });
    await phone.page.waitForFunction((el) => (el as HTMLInputElement).value.startsWith('http'), await results.elementHandle(), {
      polling: 100,
    });
    const resultsLink = await results.inputValue();
    assert.deepEqual(phone.problems, []);
    await page.goto(resultsLink); // same page, new hash: imported without a reload
    await page.waitForFunction(
      () => document.querySelector('[data-testid="measure-notice"]')?.textContent?.startsWith('Imported 2'),
      null,
      {
        polling: 100,
      },
    );
    assert.match(await legendText(page), /measured \(Android · ORT-web wasm · Chrome\/131[^)]*T = 16\): 2 candidates/);
    assert.deepEqual(app.problems, []);
  } finally {
    await phone.context.close();
  }
});

test('a reload keeps the ORT series apart from tfjs’s', async () => {
  await page.reload();
  await waitForSearchDone(page);
  const legend = await legendText(page);
  assert.match(legend, /measured \(ORT-web wasm · .*? · T = 16\): 2 candidates/);
  assert.deepEqual(app.problems, []);
});

test('a browser without a WebGPU adapter: ORT’s webgpu says why it cannot start, and nothing falls back to wasm', async () => {
  const plain = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS.filter((a) => !/webgpu|Vulkan/i.test(a)),
  });
  try {
    const other = await openPage(plain);
    await other.page.goto(BASE_URL);
    await waitForSearchDone(other.page);
    await searchTinySpace(other.page);
    await other.page.getByLabel('What to measure').selectOption('frontier');
    await other.page.getByLabel('Runtime').selectOption('ort');
    await other.page.getByLabel('Backend', { exact: true }).selectOption('webgpu');
    await measure(other.page);
    assert.match(
      (await other.page.getByTestId('measure-errors').textContent()) ?? '',
      /^The ORT-web webgpu backend is not available: ONNX Runtime Web's webgpu backend failed to start: .*adapter.*Nothing was measured; the frontier and earlier measurements are kept\.$/,
    );
    assert.equal(await other.page.locator('.measured-series').count(), 0);
    assert.deepEqual(other.problems, []);
  } finally {
    await plain.close();
  }
});
