// On-device timing in headless Chromium against the built app: a tiny search space set up
// through the controls, its two frontier candidates timed on cpu, wasm, webgl (OffscreenCanvas in
// the measure worker) and webgpu (SwiftShader); the backend reported is the one asked for, the
// "Measured" column fills, each backend gets a chart series, no tensor leaks. Then the memory cap
// refuses with a message, "Stop measuring" is quick and keeps everything, calibration feeds the
// next search's analytic latency, everything survives a reload, and a browser without WebGPU
// says so instead of falling back.
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import {
  BASE_URL,
  waitForMeasureIdle,
  CHROMIUM_ARGS,
  download,
  frontierSize,
  openApp,
  openPage,
  searchTinySpace,
  waitForSearchDone,
  type AppPage,
} from './browser.ts';

let browser: Browser;
let app: AppPage;
let page: Page;

const BACKENDS = ['cpu', 'wasm', 'webgl', 'webgpu'] as const;

before(async () => {
  ({ browser, app, page } = await openApp());
});

after(async () => {
  await browser?.close();
});

const measureErrors = (p: Page) =>
  p
    .getByTestId('measure-errors')
    .textContent()
    .then((t) => t ?? '');
const legendText = (p: Page) =>
  p
    .getByRole('list', { name: 'Legend' })
    .textContent()
    .then((t) => t ?? '');
const measuredCells = (p: Page) => p.locator('table.candidates tbody td[data-col="measured"]').allTextContents();

test('a tiny search space through the controls: two frontier candidates', async () => {
  await searchTinySpace(page);
  assert.equal(await frontierSize(page), 2);
  assert.equal(await page.getByTestId('badge-backend').textContent(), 'tfjs not loaded');
  await page.getByLabel('What to measure').selectOption('frontier');
  await page.getByLabel('Tokens (T)').fill('16');
  await page.getByLabel('Timed runs').fill('3');
  assert.equal(await page.getByLabel('Min time per workload (ms)').inputValue(), '1000'); // the default
  await page.getByLabel('Min time per workload (ms)').fill('0'); // keep e2e quick: 3 runs each
  assert.equal(await page.getByLabel('Rounds').inputValue(), '4'); // the default (the interleave bench's)
  await page.getByLabel('Rounds').fill('2'); // round-robin: A, B, A, B, each round 2 of the 3 runs
  assert.deepEqual(app.problems, []);
});

for (const backend of BACKENDS) {
  test(`Measure on ${backend}: the backend asked for runs, the Measured column and a chart series fill, no leaks`, async () => {
    const seriesBefore = await page.locator('.measured-series').count();
    await page.getByLabel('Backend', { exact: true }).selectOption(backend);
    const t0 = Date.now();
    await page.getByRole('button', { name: 'Measure', exact: true }).click();
    await waitForMeasureIdle(page);
    console.log(`# ${backend}: 2 candidates measured in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    assert.equal(await measureErrors(page), '');
    assert.equal(await page.getByTestId('measure-backend').textContent(), backend);
    assert.equal(await page.getByTestId('badge-backend').locator('strong').textContent(), backend);
    const results = page.getByTestId('measure-result');
    assert.equal(await results.count(), 2);
    for (let i = 0; i < 2; i++) {
      assert.equal(await results.nth(i).getAttribute('data-state'), 'done');
      assert.equal(await results.nth(i).getAttribute('data-leaked'), '0', 'no tensors leaked');
      assert.match(
        (await results.nth(i).textContent()) ?? '',
        /^decode [\d.,]+ m?s ± [\d.,]+ m?s \(4 runs\) · prefill [\d.,]+ m?s ± [\d.,]+ m?s \(4 runs\) · 2 rounds · 0 tensors leaked$/,
      );
    }
    assert.match(
      (await page.getByTestId('measure-notice').textContent()) ?? '',
      new RegExp(`^Measured 2 of 2 candidates on ${backend} · `),
    );
    // The table shows this backend's series: both frontier rows have "median ± spread", with the
    // T they were measured at, since it is not the analytic columns' 128.
    const cells = await measuredCells(page);
    assert.equal(cells.length, 2);
    for (const c of cells) assert.match(c, /^[\d.,]+ ± [\d.]+ \(T = 16\)$/);
    const title = (await page.locator('table.candidates tbody td[data-col="measured"]').first().getAttribute('title')) ?? '';
    assert.match(
      title,
      new RegExp(`^measured \\(${backend} · .* · T = 16\\): decode .*, runs from 2 round-robin slices; .*0 tensors leaked`),
    );
    // One more series in the chart and the legend.
    assert.equal(await page.locator('.measured-series').count(), seriesBefore + 1);
    assert.equal(await page.locator('.measured-series').last().getAttribute('data-count'), '2');
    assert.match(await legendText(page), new RegExp(`measured \\(${backend} · .*? · T = 16\\): 2 candidates`));
    assert.deepEqual(app.problems, []);
  });
}

test('all four backends measured under the Content Security Policy, with no violation and no request off the origin', async () => {
  const { CSP } = await import('../../csp.mjs');
  assert.equal(await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content'), CSP);
  assert.doesNotMatch(CSP, /'unsafe-eval'|'unsafe-inline'/);
  assert.deepEqual(await page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations), []);
  assert.deepEqual(
    app.problems.filter((p) => /Content Security Policy|foreign request/.test(p)),
    [],
  );
  // Every backend's series is there (the loop above measured each under this policy).
  for (const b of BACKENDS) assert.match(await legendText(page), new RegExp(`measured \\(${b} · `));
});

test('measured latency on the x axis shows only the measured candidates; screenshot', async () => {
  await page.getByLabel('x axis').selectOption({ label: 'Measured latency (decode)' });
  const region = page.getByRole('region', { name: 'Pareto frontier' });
  await page.waitForFunction(() => document.querySelector('.chart-card .card-title')?.textContent?.startsWith('Measured candidates'));
  assert.match((await region.textContent()) ?? '', /Decode latency per token \(ms, measured median, bars p10–p90\)/);
  assert.equal(await page.locator('canvas.points-canvas').getAttribute('data-frontier'), '0');
  assert.equal(await page.locator('.measured-series path.pt-measured').count(), 8);
  assert.equal(await page.locator('.measured-series line.pt-measured-bar').count(), 8);
  await mkdir('tests/e2e/artifacts', { recursive: true });
  await page.screenshot({ path: 'tests/e2e/artifacts/measured.png', fullPage: true });
  await page.getByLabel('x axis').selectOption({ label: 'Decode latency' });
});

test('the exports carry the measurements: CSV the shown series, JSON all four', async () => {
  const csv = await download(page, () => page.getByRole('button', { name: 'Export CSV' }).click());
  const lines = csv.text.trimEnd().split('\n');
  assert.equal(lines.length, 3);
  // The table shows the last series measured (webgpu): its label, T and medians fill each row.
  for (const line of lines.slice(1)) assert.match(line, /,"?webgpu · [^"]* · T = 16"?,16,[\d.]+,[\d.]+,[\d.]+,[\d.]+,[\d.]+,[\d.]+$/);
  const json = JSON.parse((await download(page, () => page.getByRole('button', { name: 'Export JSON' }).click())).text);
  assert.deepEqual(
    json.devices.map((d: { backend: string; tokens: number }) => [d.backend, d.tokens]),
    BACKENDS.map((b) => [b, 16]),
  );
  for (const c of json.frontier) {
    assert.deepEqual(
      c.measured.map((m: { on: string }) => m.on.split(' · ')[0]),
      [...BACKENDS],
    );
    for (const m of c.measured) assert.ok(m.decode.medianMs > 0 && m.prefill.p90Ms >= m.prefill.p10Ms && m.slices === 2);
  }
  assert.deepEqual(app.problems, []);
});

test('a model over the memory cap is refused with a message; earlier measurements stay', async () => {
  await page.getByLabel('Backend', { exact: true }).selectOption('cpu');
  await page.getByLabel('Max model memory (MB)').fill('0.1');
  await page.getByRole('button', { name: 'Measure', exact: true }).click();
  await waitForMeasureIdle(page);
  const errors = await measureErrors(page);
  assert.match(errors, /1L d32 h2 ffn128: 1L d32 h2 ffn128 needs [\d.]+ [kM]B \(weights .*\), limit 100 kB on the user cap on cpu/);
  assert.match(errors, /1L d64 h2 ffn128: .* limit 100 kB on the user cap on cpu/);
  assert.equal(await page.getByTestId('measure-result').first().getAttribute('data-state'), 'failed');
  assert.equal(await page.locator('.measured-series').count(), 4);
  for (const c of await measuredCells(page)) assert.match(c, /±/);
  assert.equal(await frontierSize(page), 2);
  await page.getByLabel('Max model memory (MB)').fill('');
});

test('"Stop measuring" is idle within 250 ms and keeps the frontier and earlier measurements', async () => {
  await page.getByLabel('Timed runs').fill('1000');
  await page.getByRole('button', { name: 'Measure', exact: true }).click();
  await page.waitForFunction(() => document.querySelector('[data-testid="measure-result"]')?.textContent?.includes('prefill…'), null, {
    polling: 50,
    timeout: 30_000,
  });
  const ms = await page.evaluate(
    () =>
      new Promise<number>((resolve) => {
        const buttons = [...document.querySelectorAll('button')];
        const measure = buttons.find((b) => b.textContent?.trim() === 'Measure')!;
        const stop = buttons.find((b) => b.textContent?.trim() === 'Stop measuring')!;
        const t = performance.now();
        const check = () => (!measure.disabled && stop.disabled ? resolve(performance.now() - t) : requestAnimationFrame(check));
        stop.click();
        check();
      }),
  );
  console.log(`# Stop measuring -> idle in ${ms.toFixed(0)} ms`);
  assert.ok(ms < 250, `idle after ${ms.toFixed(0)} ms`);
  assert.match(
    (await page.getByTestId('measure-notice').textContent()) ?? '',
    /^Stopped measuring: 0 of 2 measured; those and earlier measurements are kept\.$/,
  );
  assert.equal(await page.locator('.measured-series').count(), 4);
  assert.equal(await frontierSize(page), 2);
  await page.getByLabel('Timed runs').fill('3');
  assert.deepEqual(app.problems, []);
});

test('Calibrate: the measured profile labels and drives the next search; back to the default', async () => {
  await page.getByRole('button', { name: 'Calibrate' }).click();
  await waitForMeasureIdle(page);
  assert.equal(await measureErrors(page), '');
  assert.match((await page.getByTestId('calibration-label').textContent()) ?? '', /measured on cpu: [\d.]+ GFLOP\/s \(matmul\)/);
  assert.match((await page.getByTestId('next-profile').textContent()) ?? '', /^measured on cpu: /);
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await page.waitForFunction(
    () => document.querySelector('.table-card .card-sub')?.textContent?.includes('analytic (measured on cpu'),
    null,
    {
      polling: 100,
    },
  );
  await waitForSearchDone(page);
  assert.match((await page.locator('.chart-card .card-sub').textContent()) ?? '', /latency: analytic, measured on cpu: /);
  await page.getByLabel('Use the calibrated profile for the next search').uncheck();
  assert.match((await page.getByTestId('next-profile').textContent()) ?? '', /^default profile \(uncalibrated/);
  await page.getByLabel('Use the calibrated profile for the next search').check();
  assert.deepEqual(app.problems, []);
});

test('measurements and the calibration survive a reload', async () => {
  // The address bar holds the page's state (its share link), written within 250 ms of a change.
  await page.waitForTimeout(500);
  await page.reload();
  await waitForSearchDone(page);
  assert.match(await legendText(page), /measured \(cpu · .*measured \(wasm · .*measured \(webgl · .*measured \(webgpu · /);
  assert.match((await page.getByTestId('next-profile').textContent()) ?? '', /^measured on cpu: /);
  // The reload reproduces the search in the address bar (the tiny space); measured points are drawn by arch key.
  await page.getByLabel('x axis').selectOption({ label: 'Measured latency (decode)' });
  await page.waitForFunction(() => document.querySelectorAll('.measured-series path.pt-measured').length === 8, null, { polling: 100 });
  assert.equal(await page.getByTestId('badge-backend').textContent(), 'tfjs not loaded');
  assert.deepEqual(app.problems, []);
});

test('asking for WebGPU in a browser without it says so and measures nothing', async () => {
  const plain = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS.filter((a) => !/webgpu|Vulkan/i.test(a)),
  });
  try {
    const other = await openPage(plain);
    await other.page.goto(BASE_URL);
    await waitForSearchDone(other.page);
    const n = await frontierSize(other.page);
    await other.page.getByLabel('Backend', { exact: true }).selectOption('webgpu');
    await other.page.getByRole('button', { name: 'Measure', exact: true }).click();
    await waitForMeasureIdle(other.page, 30_000);
    const errors = await measureErrors(other.page);
    console.log(`# no WebGPU: ${errors}`);
    assert.match(
      errors,
      /^The webgpu backend is not available: .*webgpu.*Nothing was measured; the frontier and earlier measurements are kept\.$/i,
    );
    assert.equal(await other.page.getByTestId('badge-backend').textContent(), 'no backend running');
    assert.equal(await frontierSize(other.page), n);
    assert.deepEqual(other.problems, []);
  } finally {
    await plain.close();
  }
});
