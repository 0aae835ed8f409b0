// Links end to end, in headless Chromium against the built app. A desktop page (A) runs the
// default search and makes a share link; a fresh context (B) opens it and shows the same
// frontier. A sets up a tiny space and makes a measure link; a phone context (390 x 844, touch)
// opens it, measures on wasm and makes a results link; A opens that and shows the phone's series
// in the legend and a filled Measured column. The JSON file path imports the same series, and
// importing twice adds nothing.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { BASE_URL, download, frontierSize, launchBrowser, openPage, searchTinySpace, waitForSearchDone, type AppPage } from './browser.ts';

const PHONE_UA = 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36';

let browser: Browser;
let a: AppPage;

before(async () => {
  browser = await launchBrowser();
  a = await openPage(browser);
  await a.page.goto(BASE_URL);
  await waitForSearchDone(a.page);
});

after(async () => {
  await browser?.close();
});

/** The frontier table's rows as text (first page), the comparison B must match. */
const tableRows = (p: Page) => p.locator('table.candidates tbody tr').allTextContents();
/** Waits until the est. ppl column is filled: the LTS fit loads after the first search, in tasks. */
const estPplFilled = (p: Page) =>
  p.waitForFunction(
    () => [...document.querySelectorAll('table.candidates tbody td[data-col="estPpl"]')].every((td) => td.textContent !== '…'),
    null,
    {
      polling: 100,
    },
  );
const legendText = async (p: Page) => (await p.getByRole('list', { name: 'Legend' }).textContent()) ?? '';
const measuredCells = (p: Page) => p.locator('table.candidates tbody td[data-col="measured"]').allTextContents();

/** The value of a link text box once it is made. */
async function linkValue(p: Page, label: string): Promise<string> {
  const box = p.getByRole('textbox', { name: label, exact: true });
  await p.waitForFunction((el) => (el as HTMLInputElement).value.startsWith('http'), await box.elementHandle(), { polling: 100 });
  return box.inputValue();
}

test('the URL follows the explorer; a share link reproduces search, view and selection in a fresh browser', async () => {
  const { page } = a;
  await page.getByLabel('log x').check();
  await page.locator('table.candidates tbody tr').nth(3).click();
  // The card shows est. ppl too: read it once the LTS fit has loaded (under load it can still say
  // '…' right after the click, which the fresh browser, read later, no longer does).
  await estPplFilled(page);
  const selected = (await page.locator('.arch-card').textContent()) ?? '';
  await page.waitForFunction(() => location.hash.startsWith('#v=1&s='), null, { polling: 100 });
  await page.getByRole('button', { name: 'Share', exact: true }).click();
  const url = await linkValue(page, 'Share link');
  assert.match(url, /#v=1&s=z/);
  // The address bar holds the same link (written shortly after each change).
  await page.waitForFunction((u) => location.href === u, url, { polling: 100 });

  const b = await openPage(browser);
  await b.page.goto(url);
  await waitForSearchDone(b.page);
  assert.equal(await frontierSize(b.page), await frontierSize(page));
  await estPplFilled(page);
  await estPplFilled(b.page);
  assert.deepEqual(await tableRows(b.page), await tableRows(page));
  assert.equal(await b.page.getByLabel('log x').isChecked(), true);
  await b.page.waitForFunction((t) => document.querySelector('.arch-card')?.textContent === t, selected, { polling: 100 });
  assert.match((await b.page.getByRole('status').allTextContents()).join(' '), /Same frontier as the sender's/);
  assert.deepEqual(b.problems, []);
  await b.context.close();
  await page.getByLabel('log x').uncheck();
});

test('a damaged share link says so and the default search runs instead', async () => {
  const b = await openPage(browser);
  await b.page.goto(`${BASE_URL}#v=1&s=zNotDeflateData`);
  await waitForSearchDone(b.page);
  assert.match((await b.page.getByRole('alert').allTextContents()).join(' '), /This share link cannot be opened: the link data is damaged/);
  assert.deepEqual(b.problems, []);
  await b.context.close();
});

let resultsLink = '';
let resultsFile = '';

test('measure on another device: a phone opens the measure link, measures on wasm and sends a results link', async () => {
  const { page } = a;
  await searchTinySpace(page);
  assert.equal(await frontierSize(page), 2);
  await page.getByLabel('What to measure').selectOption('frontier');
  await page.getByLabel('Tokens (T)').fill('16');
  await page.getByLabel('Timed runs').fill('3');
  await page.getByLabel('Min time per workload (ms)').fill('0');
  await page.getByLabel('Rounds').fill('2');
  await page.getByRole('button', { name: 'Measure on another device' }).click();
  const measureLink = await linkValue(page, 'Measure link');
  assert.match(measureLink, /#v=1&m=/);
  assert.ok(measureLink.length < 1000, `${measureLink.length} characters`);
  await page.getByRole('img', { name: /^Measure link \(QR code, version \d+\)$/ }).waitFor();

  const phone = await openPage(browser, { viewport: { width: 390, height: 844 }, mobile: true, userAgent: PHONE_UA });
  await phone.page.goto(measureLink);
  const candidates = phone.page.getByRole('list', { name: 'Candidates to measure' }).getByRole('listitem');
  await candidates.first().waitFor();
  assert.equal(await candidates.count(), 2);
  assert.equal(await phone.page.getByLabel('Backend', { exact: true }).inputValue(), 'wasm');
  await phone.page.getByRole('button', { name: 'Start' }).click();
  await phone.page.getByRole('button', { name: 'Send results back' }).waitFor({ timeout: 120_000 });
  assert.equal(await phone.page.getByRole('table', { name: 'Results' }).locator('tbody tr').count(), 2);
  await phone.page.getByRole('button', { name: 'Send results back' }).click();
  resultsLink = await linkValue(phone.page, 'Results link');
  assert.match(resultsLink, /#v=1&r=/);
  resultsFile = (await download(phone.page, () => phone.page.getByRole('button', { name: 'Download JSON' }).click())).text;
  assert.match(resultsFile, /"format": "lm-frontier-results"/);
  // The phone page never scrolls sideways.
  assert.ok(await phone.page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth));
  assert.deepEqual(phone.problems, []);
  await phone.context.close();
});

test('the results link adds the phone as a device series: legend entry, filled Measured column, frontier kept', async () => {
  const { page } = a;
  const before = await frontierSize(page);
  await page.goto(resultsLink); // same page, new hash: imported without a reload
  await page.waitForFunction(() => document.querySelector('[data-testid="measure-notice"]')?.textContent?.startsWith('Imported 2'), null, {
    polling: 100,
  });
  assert.match(await legendText(page), /measured \(Android · wasm · Chrome\/131[^)]*T = 16\): 2 candidates/);
  const cells = await measuredCells(page);
  assert.equal(cells.length, 2);
  assert.ok(
    cells.every((c) => /\d/.test(c)),
    cells.join(' | '),
  );
  // Its own column, headed by its name (this device measured nothing here, so it has none).
  assert.match((await page.locator('table.candidates thead th .th-device').allTextContents()).join(' | '), /^Android · wasm/);
  assert.equal(await frontierSize(page), before);
  assert.deepEqual(a.problems, []);
});

test('a results file imports the same series; importing it again adds nothing; a series can be renamed and removed', async () => {
  const { page } = a;
  const series = page.getByRole('list', { name: 'Device series' }).getByRole('listitem');
  assert.equal(await series.count(), 1);
  await page.getByRole('button', { name: /^Remove Android/ }).click();
  assert.equal(await page.getByRole('list', { name: 'Device series' }).count(), 0);
  const file = join(tmpdir(), 'lm-frontier-results.json');
  await writeFile(file, resultsFile);
  for (let i = 0; i < 2; i++) {
    await page.getByLabel('Import results').setInputFiles(file);
    await page.waitForFunction(
      () => document.querySelector('[data-testid="measure-notice"]')?.textContent?.startsWith('Imported 2'),
      null,
      {
        polling: 100,
      },
    );
    assert.equal(await series.count(), 1);
  }
  await page.getByRole('textbox', { name: /^Name of Android/ }).fill('Pixel 8');
  await page.getByRole('textbox', { name: /^Name of Android/ }).press('Enter');
  await page.waitForFunction(() => document.querySelector('ul.legend')?.textContent?.includes('measured (Pixel 8)'), null, {
    polling: 100,
  });
  await writeFile(file, '{"not": "results"}');
  await page.getByLabel('Import results').setInputFiles(file);
  await page.waitForFunction(() => !!document.querySelector('[data-testid="measure-errors"]')?.textContent, null, { polling: 100 });
  assert.match(
    (await page.getByTestId('measure-errors').textContent()) ?? '',
    /lm-frontier-results\.json was not imported: the file is not LM Frontier results/,
  );
  assert.deepEqual(a.problems, []);
});
