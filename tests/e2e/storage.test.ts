// Saved data the app cannot read, in headless Chromium against the built app: measurements of a
// newer version are named precisely, kept aside under their own key through the next Measure,
// and given back by "Download unreadable data"; "Dismiss" is remembered across a reload. A stored
// calibration with an absurd matmul rate is ignored with a sentence: the search still finds a
// real frontier.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { BASE_URL, download, frontierSize, launchBrowser, openPage, searchTinySpace, waitForSearchDone, type AppPage } from './browser.ts';

const MEASUREMENTS_KEY = 'lm-frontier.measurements';
const UNREADABLE_KEY = 'lm-frontier.measurements.unreadable';
const PROFILE_KEY = 'lm-frontier.profile';
const V4 = '{"version":4,"series":[]}';

let browser: Browser;

before(async () => {
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

/** A page whose local storage holds `items` when the app first loads (not again on a reload). */
async function seeded(items: Record<string, string>): Promise<AppPage> {
  const app = await openPage(browser);
  await app.page.addInitScript((seed: Record<string, string>) => {
    if (sessionStorage.getItem('e2e-seeded')) return;
    for (const [k, v] of Object.entries(seed)) localStorage.setItem(k, v);
    sessionStorage.setItem('e2e-seeded', '1');
  }, items);
  await app.page.goto(BASE_URL);
  await waitForSearchDone(app.page);
  return app;
}

const stored = (page: Page, key: string) => page.evaluate((k) => localStorage.getItem(k), key);
const unreadable = (page: Page) => page.getByTestId('measure-unreadable');

test('measurements of a newer version: named, kept through a Measure, downloadable, dismissed for good', async () => {
  const app = await seeded({ [MEASUREMENTS_KEY]: V4 });
  const { page } = app;
  assert.match(
    (await unreadable(page).textContent()) ?? '',
    /^Saved measurements could not be read: version 4 is newer than this app reads \(3\)\. The unreadable data is kept aside/,
  );
  // Measure one tiny candidate (one layer, dModel 32, dInner 128: a frontier of one) on cpu.
  await searchTinySpace(page, { dModelTo: 32 });
  assert.equal(await frontierSize(page), 1);
  await page.getByLabel('Backend', { exact: true }).selectOption('cpu');
  await page.getByLabel('What to measure').selectOption('frontier');
  await page.getByLabel('Tokens (T)').fill('8');
  await page.getByLabel('Timed runs').fill('2');
  await page.getByLabel('Min time per workload (ms)').fill('0');
  await page.getByLabel('Rounds').fill('1');
  await page.getByRole('button', { name: 'Measure', exact: true }).click();
  await page.waitForFunction(
    () => {
      const b = [...document.querySelectorAll('button')].find((x) => x.textContent?.trim() === 'Measure');
      return !!b && !b.disabled && document.querySelector('[data-testid="measure-result"]') !== null;
    },
    null,
    { timeout: 120_000, polling: 100 },
  );
  const result = page.getByTestId('measure-result');
  assert.equal(
    await result.getAttribute('data-state'),
    'done',
    `${await result.textContent()} ${await page.getByTestId('measure-errors').textContent()}`,
  );
  assert.equal(JSON.parse((await stored(page, MEASUREMENTS_KEY)) ?? '{}').series.length, 1); // the new series is saved
  const backup = JSON.parse((await stored(page, UNREADABLE_KEY)) ?? '{}') as { kept: { text: string }[] };
  assert.deepEqual(
    backup.kept.map((e) => e.text),
    [V4],
  );
  const file = await download(page, () => page.getByRole('button', { name: 'Download unreadable data' }).click());
  assert.equal(file.name, 'lm-frontier-unreadable-measurements.json');
  assert.equal(file.text, V4);
  // A reload shows the message again until "Dismiss"; after it, only the quiet line with the buttons.
  await page.reload();
  await waitForSearchDone(page);
  assert.match((await unreadable(page).textContent()) ?? '', /version 4 is newer than this app reads \(3\)/);
  await unreadable(page).getByRole('button', { name: 'Dismiss' }).click();
  await page.reload();
  await waitForSearchDone(page);
  assert.doesNotMatch((await unreadable(page).textContent()) ?? '', /version 4/);
  assert.equal(await page.getByRole('button', { name: 'Download unreadable data' }).count(), 1);
  await page.getByRole('button', { name: 'Delete unreadable data' }).click();
  assert.equal(await unreadable(page).count(), 0);
  assert.equal(await stored(page, UNREADABLE_KEY), null);
  assert.deepEqual(app.problems, []);
  await app.context.close();
});

test('a stored profile with matmul 5e-324 GFLOP/s is not used: the search finds a real frontier', async () => {
  const profile = { gflops: 5e-324, gbps: 10, overheadMsPerKernel: 0.01, label: 'measured on wasm: absurd' };
  const calibration = { version: 1, profile, backend: 'wasm', device: 'wasm · x', at: '2025-01-01T00:00:00Z', use: true };
  const app = await seeded({ [PROFILE_KEY]: JSON.stringify(calibration) });
  const { page } = app;
  assert.ok((await frontierSize(page)) > 1, 'a frontier of more than one candidate');
  assert.match(
    (await page.getByTestId('measure-errors').textContent()) ?? '',
    /The saved calibration was dropped: its matmul throughput \(gflops\) is 5e-324 GFLOP\/s, below the least this app accepts \(0\.01 GFLOP\/s\)/,
  );
  assert.match((await page.getByTestId('next-profile').textContent()) ?? '', /^default profile \(uncalibrated/);
  assert.deepEqual(app.problems, []);
  await app.context.close();
});
