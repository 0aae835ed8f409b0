// The other panels in the browser: user errors get a sentence and keep the frontier, the axis
// pickers relabel the chart honestly, and the proxy check computes its correlations live.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { frontierSize, openApp, type AppPage } from './browser.ts';

let browser: Browser;
let app: AppPage;
let page: Page;

before(async () => {
  ({ browser, app, page } = await openApp());
});

after(async () => {
  await browser?.close();
});

test('an impossible budget says why and keeps the frontier on screen', async () => {
  const n = await frontierSize(page);
  await page.getByLabel('Max params').fill('1');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  const alert = page.getByRole('alert').filter({ hasText: 'no feasible architecture' });
  await alert.waitFor();
  assert.match(
    (await alert.textContent()) ?? '',
    /no feasible architecture: the smallest arch in the space \(2L d128 h2 ffn256\) has 6\.83 M total params > budget 1 M total params/,
  );
  assert.equal(await frontierSize(page), n);
  assert.equal(Number(await page.locator('canvas.points-canvas').getAttribute('data-frontier')), n);
  await page.getByLabel('Max params').fill('64');
});

test('a budget with a typo ("64e") is an error on that field, never "no limit"; the frontier stays', async () => {
  const n = await frontierSize(page);
  const subtitle = () => page.getByRole('region', { name: 'Pareto frontier' }).locator('.card-sub').textContent();
  for (const label of ['Max params', 'Max memory (weights + KV + activations)']) {
    const field = page.getByLabel(label, { exact: true });
    await field.fill('');
    await field.pressSequentially('64e');
    assert.equal(await field.getAttribute('aria-invalid'), 'true', label);
    await page.getByRole('alert').filter({ hasText: 'Not a number' }).waitFor();
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.getByRole('alert').filter({ hasText: 'must be a positive number' }).first().waitFor();
    assert.equal(await frontierSize(page), n, 'the frontier on screen is kept');
    assert.match((await subtitle()) ?? '', /≤ 64 M total params/);
    await field.fill(label === 'Max params' ? '64' : '');
    assert.equal(await field.getAttribute('aria-invalid'), null);
  }
});

test('keyboard: Enter on Search keeps the focus on the run controls; the chart is one tab stop with a short name', async () => {
  await page.getByRole('button', { name: 'Search', exact: true }).focus();
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelector('[role="progressbar"]')?.getAttribute('aria-valuenow') !== '0');
  await page.getByText(/^Done:/).waitFor();
  const focused = await page.evaluate(() => document.activeElement?.textContent?.trim());
  assert.ok(focused === 'Search' || focused === 'Stop', `focus on ${focused}`);
  assert.equal(await page.locator('svg.recharts-surface').getAttribute('tabindex'), null);
  const box = page.locator('.chart-box');
  assert.equal(await box.getAttribute('tabindex'), '0');
  const name = (await box.getAttribute('aria-label')) ?? '';
  assert.ok(name.length < 90 && !/Decode latency per token/.test(name), name);
});

test("a space with no valid width/FFN width pair gets one sentence in the panel's words", async () => {
  await page.getByLabel('FFN width (dInner) to').fill('256');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  const alert = page.getByRole('alert').filter({ hasText: 'FFN width: for Model width' });
  await alert.waitFor();
  const text = (await alert.textContent()) ?? '';
  assert.match(text, /FFN width: for Model width 192, 256, 320 and 10 more, no choice is ≥ 1\.7 × Model width/);
  assert.doesNotMatch(text, /\b(dModel|dInner|nHead)\b/);
  assert.equal(await alert.locator('p').count(), 1);
  await page.getByLabel('Preset').selectOption({ label: 'LTS GPT-2' });
});

test('axis pickers: est. ppl names its fit, log scales keep the points', async () => {
  const region = page.getByRole('region', { name: 'Pareto frontier' });
  await page.getByLabel('y axis').selectOption({ label: 'est. ppl' });
  await page.waitForFunction(() => document.querySelector('.chart-box')?.textContent?.includes('est. ppl (LTS GPT-2, WikiText-103 fit)'));
  assert.match((await region.textContent()) ?? '', /est\. ppl \(LTS GPT-2, WikiText-103 fit\)/);
  // Nothing measured yet: title, subtitle, legend and axis labels never say "measured" (the
  // x-axis picker offers measured latency as an option).
  const labels = await page.locator('.chart-card .card-title, .chart-card .card-sub, .chart-card .legend, .chart-box').allTextContents();
  assert.doesNotMatch(labels.join(' '), /measured/i);
  await page.getByLabel('log x').check();
  await page.getByLabel('log y').check();
  const n = await frontierSize(page);
  await page.waitForFunction((n) => Number(document.querySelector('canvas.points-canvas')?.getAttribute('data-frontier')) === n, n);
  await page.getByLabel('x axis').selectOption({ label: 'Memory' });
  await page.waitForFunction(() =>
    document.querySelector('.chart-box')?.textContent?.includes('Memory: fp32 weights + KV cache + activations (MB)'),
  );
  await page.getByLabel('over budget').check();
  assert.ok(Number(await page.locator('canvas.points-canvas').getAttribute('data-infeasible')) >= 0);
  assert.deepEqual(app.problems, []);
});

test('proxy check: Spearman and Kendall of each proxy on the LTS data, and the power-law fit', async () => {
  await page.getByRole('tab', { name: 'Proxy check' }).click();
  const table = page.getByRole('table', { name: 'Proxy correlations' });
  await table.waitFor();
  const rows = await table.locator('tbody tr').allTextContents();
  assert.equal(rows.length, 3);
  const spearman = (label: RegExp) => Number(rows.find((r) => label.test(r))!.match(/(0\.\d{3})/)![1]);
  assert.ok(spearman(/Decoder params/) > 0.9, 'decoder params ranks perplexity well');
  assert.ok(spearman(/Entropy/) > 0.8, 'entropy with the effectiveness factor');
  assert.equal(await page.locator('.proxy-plot').count(), 3);
  // Every model drawn on each plot (one path per plot, its point count in data-count).
  assert.deepEqual(await page.locator('.proxy-plot .ref-dot').evaluateAll((els) => els.map((e) => e.getAttribute('data-count'))), [
    '200',
    '200',
    '200',
  ]);
  const fit = (await page.locator('.fit-card').textContent()) ?? '';
  assert.match(fit, /a\s*-?\d+\.\d{3}/);
  assert.match(fit, /RMSE\s*[\d.]+ ppl/);
  await page.getByRole('tab', { name: 'Explorer' }).click();
  assert.deepEqual(app.problems, []);
});

test('the entropy proxy shows its three editable parameters, and a bad one is reported', async () => {
  await page.getByLabel('Maximise (quality proxy)').selectOption('entropy');
  assert.equal(await page.getByLabel('a_att').inputValue(), '1');
  assert.equal(await page.getByLabel('a_ffn').inputValue(), '1');
  assert.equal(Number(await page.getByLabel('ρ0').inputValue()), 1 / 16);
  await page.getByLabel('ρ0').fill('');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await page.getByRole('alert').filter({ hasText: 'Entropy parameters' }).waitFor();
  await page.getByLabel('ρ0').fill('0.0625');
  await page.getByLabel('Maximise (quality proxy)').selectOption('decoder-params');
  assert.deepEqual(app.problems, []);
});
