// The paper presets in the browser: "Reproduce a paper" sets the paper's space, budget and
// objectives, runs its search, and the "Paper vs this run" table sets the paper's words beside
// this run's figure with its source; LTS sets the 6 M to 100 M decoder-param range.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { openApp, waitForSearchDone, type AppPage } from './browser.ts';

let browser: Browser;
let app: AppPage;
let page: Page;

before(async () => {
  ({ browser, app, page } = await openApp());
  // Short searches: the paper presets keep the Evaluations field.
  await page.getByLabel('Evaluations', { exact: true }).fill('2000');
});

after(async () => {
  await browser?.close();
});

/** The family select's shown option. */
const selectedLabel = (p: Page, label: string) =>
  p.getByLabel(label, { exact: true }).evaluate((el) => (el as HTMLSelectElement).selectedOptions[0]?.textContent ?? '');

test('MeRino: OPT space, 64 M total params, MeRino mode, its search, and the paper beside this run', async () => {
  await page.getByLabel('Reproduce a paper').selectOption({ label: 'Reproduce MeRino (64 M budget)' });
  assert.equal(await selectedLabel(page, 'Family'), 'OPT');
  assert.equal(await page.getByLabel('Max params', { exact: true }).inputValue(), '64');
  assert.equal(await selectedLabel(page, 'Counted params'), 'total');
  assert.equal(await page.getByLabel('MeRino mode: maximise entropy, minimise latency').isChecked(), true);
  await waitForSearchDone(page);
  const table = page.getByRole('table', { name: 'Paper vs this run' });
  const row = table.getByRole('row').filter({ hasText: '4.9x' });
  await row.getByText(/\(analytic\)/).waitFor();
  const cells = await row.getByRole('cell').allTextContents();
  assert.match(cells[0], /4\.9x faster on NVIDIA Jetson Nano, 5\.5x smaller/);
  assert.match(cells[0], /Zhao et al\., AAAI 2025/);
  assert.match(cells[1], /OPT-350M/);
  assert.match(cells[1], /x faster decode \(analytic\)|x slower decode \(analytic\)/);
  assert.deepEqual(app.problems, []);
});

test('LTS: min decoder params 6 and max 100 (decoder), two claims; "none", or a hand edit of a budget, hides the card', async () => {
  await page.getByLabel('Reproduce a paper').selectOption({ label: 'Reproduce LTS (GPT-2 space)' });
  assert.equal(await page.getByLabel('Min decoder params', { exact: true }).inputValue(), '6');
  assert.equal(await page.getByLabel('Max params', { exact: true }).inputValue(), '100');
  assert.equal(await selectedLabel(page, 'Counted params'), 'decoder only');
  assert.equal(await selectedLabel(page, 'Family'), 'GPT-2');
  assert.equal(await page.getByLabel('MeRino mode: maximise entropy, minimise latency').isChecked(), false);
  await waitForSearchDone(page);
  const table = page.getByRole('table', { name: 'Paper vs this run' });
  await table.getByText(/16-layer GPT-2 .*1\.5x faster runtime/).waitFor();
  await table.getByText(/LTS 16-layer GPT-2's decoder params/).waitFor();
  assert.equal(await table.getByRole('row').count(), 3);
  await page.getByLabel('Reproduce a paper').selectOption({ label: 'none' });
  await table.waitFor({ state: 'detached' });
  // The settings are no longer the paper's once a budget is edited by hand.
  await page.getByLabel('Reproduce a paper').selectOption({ label: 'Reproduce LTS (GPT-2 space)' });
  await table.waitFor();
  await page.getByLabel('Max params', { exact: true }).fill('90');
  await table.waitFor({ state: 'detached' });
  assert.equal(await selectedLabel(page, 'Reproduce a paper'), 'none');
  assert.deepEqual(app.problems, []);
});
