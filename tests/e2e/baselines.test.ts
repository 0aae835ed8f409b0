// Known models on the chart after the default search: labelled squares whose names are SVG text
// (screen readers, exports), labels clear of each other and of the step line, the rest listed as
// off-chart with the reason; the table compares each candidate with its nearest baseline.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { BASE_URL, launchBrowser, openPage, waitForSearchDone } from './browser.ts';

let browser: Browser;
let page: Page;

before(async () => {
  browser = await launchBrowser();
  page = (await openPage(browser, { viewport: { width: 1280, height: 900 } })).page;
  await page.goto(BASE_URL);
  await waitForSearchDone(page);
});

after(async () => {
  await browser?.close();
});

type Rect = { x: number; y: number; width: number; height: number };
const overlap = (a: Rect, b: Rect) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

test('baselines appear on the chart as labelled SVG text; the others are listed off-chart', async () => {
  const list = page.getByRole('list', { name: 'Baselines' });
  const labels = list.locator('text.baseline-label');
  const names = await labels.allTextContents();
  assert.ok(names.includes('Pythia-70M'), `labels on the chart: ${names.join(', ')}`);
  // In the chart's own SVG (the one recharts draws and the exports serialise).
  assert.equal(await page.locator('.chart-box svg.recharts-surface text.baseline-label').count(), names.length);
  const off = (await page.getByTestId('baselines-off').textContent()) ?? '';
  assert.match(off, /Off-chart baselines:/);
  for (const name of ['GPT-2', 'OPT-350M', 'TinyLlama-1.1B', 'Qwen2.5-0.5B']) assert.ok(off.includes(name) || names.includes(name), name);
  // Every one of the ten is either drawn or listed.
  const listed = await page.getByTestId('baselines-off').locator('[data-baseline]').count();
  assert.equal(listed + names.length, 10);
});

test('labels overlap neither each other nor the frontier step line at 1280 px', async () => {
  const boxes: Rect[] = await page
    .locator('text.baseline-label')
    .evaluateAll((els) =>
      els.map((e) => (e as SVGGraphicsElement).getBBox()).map((b) => ({ x: b.x, y: b.y, width: b.width, height: b.height })),
    );
  assert.ok(boxes.length >= 1);
  for (let i = 0; i < boxes.length; i++)
    for (let j = i + 1; j < boxes.length; j++) assert.ok(!overlap(boxes[i], boxes[j]), `labels ${i} and ${j}`);
  // The layout found a free place for each (it flags a label with none).
  assert.deepEqual(
    await page.locator('text.baseline-label').evaluateAll((els) => els.map((e) => e.getAttribute('data-overlaps'))),
    boxes.map(() => 'false'),
  );
  // And the rendered text (real font metrics) fits the box the layout reserved: sample the canvas
  // under each label, where the frontier's blue step line and points would show.
  const hits = await page.evaluate((rects) => {
    const canvas = document.querySelector('canvas.points-canvas') as HTMLCanvasElement;
    const ctx = canvas.getContext('2d')!;
    const left = parseFloat(canvas.style.left);
    const top = parseFloat(canvas.style.top);
    const k = canvas.width / parseFloat(canvas.style.width);
    const front = getComputedStyle(document.documentElement).getPropertyValue('--front').trim();
    const [r, g, b] = [1, 3, 5].map((i) => parseInt(front.slice(i, i + 2), 16));
    let n = 0;
    for (const box of rects) {
      const d = ctx.getImageData(
        Math.round((box.x - left) * k),
        Math.round((box.y - top) * k),
        Math.max(1, Math.round(box.width * k)),
        Math.max(1, Math.round(box.height * k)),
      ).data;
      for (let i = 0; i < d.length; i += 4)
        if (d[i + 3] > 200 && Math.abs(d[i] - r) < 8 && Math.abs(d[i + 1] - g) < 8 && Math.abs(d[i + 2] - b) < 8) n++;
    }
    return n;
  }, boxes);
  assert.equal(hits, 0, 'frontier pixels under the labels');
});

test('each frontier candidate shows its nearest baseline and the ratios; the table sorts by it', async () => {
  const table = page.getByRole('table', { name: 'Candidates' });
  const cell = table.locator('tbody tr').first().locator('td[data-col="baseline"]');
  assert.match((await cell.textContent()) ?? '', /^\d[\d.]*x vs [\w .-]+ \(\d[\d.]*x params\)$/);
  assert.match((await cell.getAttribute('title')) ?? '', /x (faster|slower) decode than .+ at .+x its decoder params \(analytic\)/);
  await table.getByRole('button', { name: /Speed-up/ }).click();
  await table.getByRole('button', { name: /Speed-up/ }).click(); // descending: the largest speed-up first
  const speedups = (await table.locator('tbody td[data-col="baseline"]').allTextContents()).map((t) => parseFloat(t));
  assert.ok(speedups.length > 3);
  for (let i = 1; i < speedups.length; i++) assert.ok(speedups[i] <= speedups[i - 1], speedups.join(' '));
});
