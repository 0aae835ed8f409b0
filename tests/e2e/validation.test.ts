// "Validate proxies" in the Proxy check tab, against the built app: three tiny models sampled from
// a small search space, trained for a few steps on tfjs's wasm backend in the train worker on
// Moby-Dick (fetched only then, as its own chunk), with progress, a loss curve per model, the
// "Proxy validation" table beside LTS's figures, exports, and the est. ppl switch; Stop keeps the
// models already trained; a user's .txt is trained on and named; one too short gets a message.
// No request leaves the origin, and nothing breaks the Content Security Policy.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { download, openApp, searchTinySpace, type AppPage } from './browser.ts';

let browser: Browser;
let app: AppPage;
let page: Page;
const requests: string[] = [];
/** tfjs's wasm backend: the cpu backend (plain JavaScript) took 39 s for the first run's 3 × 20 steps. */
const BACKEND = 'wasm';

before(async () => {
  ({ browser, app, page } = await openApp());
  page.on('request', (r) => requests.push(r.url()));
  // Two widths, two depths, three FFN widths: more than 3 distinct models once scaled down.
  await searchTinySpace(page, { layersTo: 2, dInnerTo: 256 });
  await page.getByRole('tab', { name: 'Proxy check' }).click();
  await page.getByRole('button', { name: 'Validate proxies', exact: true }).waitFor({ timeout: 30_000 });
});

after(async () => {
  await browser?.close();
});

const text = (testId: string) =>
  page
    .getByTestId(testId)
    .textContent()
    .then((t) => t ?? '');

/** K, steps and seed through the form, on BACKEND. */
async function setForm(k: number, steps: number, seed = 1): Promise<void> {
  await page.getByLabel('Models (K)', { exact: true }).fill(String(k));
  await page.getByLabel('Steps per model', { exact: true }).fill(String(steps));
  await page.getByLabel('Training seed', { exact: true }).fill(String(seed));
  await page.getByLabel('Training backend', { exact: true }).selectOption(BACKEND);
}

/** Wait until the lab's notice starts with `prefix` (a cheap DOM poll, as browser.ts explains). */
const waitForNotice = (prefix: string, timeout = 60_000) =>
  page.waitForFunction((p) => document.querySelector('[data-testid="lab-notice"]')?.textContent?.startsWith(p), prefix, {
    polling: 100,
    timeout,
  });

const proxyTable = () => page.getByRole('table', { name: 'Proxy validation' });
const modelsTable = () => page.getByRole('table', { name: 'Trained models' });

test('K = 3, 20 steps on Moby-Dick: progress, a loss curve per model, the Proxy validation table beside LTS', async () => {
  assert.equal(
    requests.some((u) => /corpusAssets/.test(u)),
    false,
    'Moby-Dick is not loaded before a run',
  );
  await setForm(3, 20);
  const t0 = Date.now();
  await page.getByRole('button', { name: 'Validate proxies', exact: true }).click();
  await page.waitForFunction(
    () => /^model \d of 3 · step \d+ of 20 · loss \d/.test(document.querySelector('[data-testid="lab-progress"]')?.textContent ?? ''),
    null,
    {
      polling: 50,
      timeout: 30_000,
    },
  );
  await waitForNotice('Done');
  console.log(`# 3 models × 20 steps on ${BACKEND} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  assert.equal(await text('lab-notice'), 'Done: 3 models trained and scored.');
  assert.ok(
    requests.some((u) => /corpusAssets/.test(u)),
    'Moby-Dick comes as its own chunk, with the run',
  );
  const summary = await text('lab-summary');
  assert.match(
    summary,
    /^3 models trained here on Moby-Dick \(Herman Melville; @stdlib\/datasets-moby-dick\), without contents\.txt, 20 Adam steps each/,
  );
  assert.match(summary, /on wasm; byte-level/);
  assert.match(summary, /Split: the last 10 % of documents held out \(14 of 138/);
  assert.equal(await page.getByTestId('loss-curve').count(), 3);
  for (const points of await page
    .locator('[data-testid="loss-curve"] polyline')
    .evaluateAll((ps) => ps.map((p) => p.getAttribute('points') ?? '')))
    assert.equal(points.split(' ').length, 20, 'a point per training step');

  const rows = proxyTable().locator('tbody tr');
  assert.equal(await rows.count(), 3);
  for (let i = 0; i < 3; i++) {
    const cells = await rows.nth(i).locator('td').allTextContents();
    assert.match(cells[0], /^-?[01]\.\d{3}$|^–$/, 'Spearman here');
    assert.match(cells[2], /^-?[01]\.\d{3}$|^–$/, 'Kendall here');
    assert.equal(cells[4], '3', 'n here');
    assert.match(cells[5], /^0\.\d{3}$/, "LTS's Spearman");
    assert.equal(cells[7], '200', "LTS's n");
  }
  // Decoder params and FLOPs are never tied across distinct models: their figures are defined.
  assert.match(
    await rows
      .nth(0)
      .locator('td')
      .nth(0)
      .textContent()
      .then((t) => t ?? ''),
    /^-?[01]\.\d{3}$/,
  );
  assert.match(
    await rows
      .nth(0)
      .locator('td')
      .nth(1)
      .textContent()
      .then((t) => t ?? ''),
    /^-?[01]\.\d\d to -?[01]\.\d\d$/,
  );
  assert.equal(await modelsTable().locator('tbody tr').count(), 3);
  assert.deepEqual(await page.locator('.lab-dot').evaluateAll((ps) => ps.map((p) => p.getAttribute('data-count'))), ['3', '3', '3']);
  assert.match((await proxyTable().locator('caption').textContent()) ?? '', /trained here, 20 steps, byte-level perplexity/);
  assert.deepEqual(app.problems, []);
});

test('exports: CSV with a row per model and its unit, JSON with the whole report', async () => {
  const csv = await download(page, () => page.getByRole('button', { name: 'Export CSV', exact: true }).click());
  assert.equal(csv.name, 'proxy-validation-moby-dick-k3-s20-seed1.csv');
  const lines = csv.text.trim().split('\n');
  assert.equal(lines.length, 4);
  assert.match(lines[0], /^model,sampled_arch,trained_arch,trained_key,params,decoder_params,/);
  assert.match(lines[1], /,byte-level perplexity,20,1,wasm,/);
  const json = await download(page, () => page.getByRole('button', { name: 'Export JSON', exact: true }).click());
  const report = JSON.parse(json.text);
  assert.equal(report.format, 'lm-frontier/proxy-validation');
  assert.equal(report.models.length, 3);
  assert.equal(report.models[0].losses.length, 20);
  assert.match(report.corpus.name, /^Moby-Dick/);
  assert.equal(report.backend, 'wasm');
  assert.match(report.scaleRule, /dModel/);
});

test('"Use as est. ppl reference" names the trained fit wherever est. ppl shows; and back to LTS', async () => {
  await page.getByRole('button', { name: 'Use as est. ppl reference', exact: true }).click();
  assert.equal(await text('est-fit-source'), 'Moby-Dick, 3 models trained here, per-byte ppl fit');
  await page.getByRole('tab', { name: 'Explorer' }).click();
  assert.match(
    (await page.locator('.table-card .card-sub').textContent()) ?? '',
    /est\. ppl is a power-law fit on “Moby-Dick, 3 models trained here, per-byte ppl”, not a measurement/,
  );
  assert.match(
    (await page.locator('.arch-card').textContent()) ?? '',
    /est\. ppl[\d.,]+ Moby-Dick, 3 models trained here, per-byte ppl fit/,
  );
  const yAxis = page.getByLabel('y axis', { exact: true });
  const y = await yAxis.inputValue();
  await yAxis.selectOption('est-ppl');
  await page.waitForFunction(
    () =>
      [...document.querySelectorAll('.chart-card .axis-label')].some(
        (e) => e.textContent === 'est. ppl (Moby-Dick, 3 models trained here, per-byte ppl fit)',
      ),
    null,
    { polling: 100, timeout: 10_000 },
  );
  await yAxis.selectOption(y);
  await page.getByRole('tab', { name: 'Proxy check' }).click();
  await page.getByRole('button', { name: 'Back to LTS’s WikiText-103 fit', exact: true }).click();
  assert.equal(await text('est-fit-source'), 'LTS WT-103 fit');
  assert.equal(await page.getByRole('button', { name: 'Back to LTS’s WikiText-103 fit', exact: true }).count(), 0);
});

test('Stop terminates training at once and keeps the models already trained', async () => {
  await setForm(3, 40, 2);
  await page.getByRole('button', { name: 'Validate proxies', exact: true }).click();
  await page.waitForFunction(() => document.querySelector('[data-testid="lab-progress"]')?.textContent?.includes('(1 of 3 done)'), null, {
    polling: 50,
    timeout: 60_000,
  });
  const t0 = Date.now();
  await page.getByRole('button', { name: 'Stop', exact: true }).last().click();
  await waitForNotice('Stopped', 5_000);
  assert.ok(Date.now() - t0 < 1000, `stopped in ${Date.now() - t0} ms`);
  assert.equal(await text('lab-notice'), 'Stopped after 1 of 3 models; the model trained so far is kept.');
  assert.equal(await modelsTable().locator('tbody tr').count(), 1);
  assert.match(await text('lab-summary'), /^1 of 3 models \(stopped\) trained here/);
  assert.equal(await proxyTable().locator('tbody tr').first().locator('td').nth(4).textContent(), '1');
  // The curves of the run stay: the finished model's whole, the stopped one's as far as it got.
  assert.equal(await page.locator('[data-testid="loss-curve"][data-state="done"]').count(), 1);
  assert.ok((await page.getByTestId('loss-curve').count()) >= 1);
  assert.deepEqual(app.problems, []);
});

test("a user's .txt is trained on and named in the report; one too short gets a message and changes nothing", async () => {
  const line = 'It was a bright cold day in April, and the clocks were striking thirteen; nobody in the lab minded.\n';
  const buffer = Buffer.from(line.repeat(240)); // about 24 kB: 10 % held out is far more than a window
  const input = page.getByLabel('Training text (.txt, or drop one here)');
  await input.setInputFiles({ name: 'clocks.txt', mimeType: 'text/plain', buffer });
  await page.waitForFunction(() => document.querySelector('[data-testid="lab-text"]')?.textContent?.startsWith('clocks.txt'), null, {
    polling: 50,
  });
  await input.setInputFiles({ name: 'short.txt', mimeType: 'text/plain', buffer: Buffer.from('Too short to train on.') });
  await page.getByTestId('lab-text-error').waitFor();
  assert.match(await text('lab-text-error'), /^“short\.txt”: the training text is too short: 22 bytes; at least \d[\d,]* needed$/);
  assert.match(await text('lab-text'), /^clocks\.txt \(24,000 bytes, yours\)$/);
  await setForm(3, 10, 3);
  await page.getByRole('button', { name: 'Validate proxies', exact: true }).click();
  await waitForNotice('Done');
  const summary = await text('lab-summary');
  assert.match(summary, /^3 models trained here on clocks\.txt, 10 Adam steps each/);
  assert.match(summary, /Split: the last 10 % of the text held out, cut at a line break/);
  const csv = await download(page, () => page.getByRole('button', { name: 'Export CSV', exact: true }).click());
  assert.equal(csv.name, 'proxy-validation-clocks-k3-s10-seed3.csv');
  assert.match(csv.text.trim().split('\n')[1], /,wasm,clocks\.txt,\d+$/);
});

test('no request left the origin, no CSP violation, no console error', async () => {
  assert.deepEqual(app.problems, []);
  assert.deepEqual(await page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations), []);
});
