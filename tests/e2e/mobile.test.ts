// The explorer on a phone and in a window resized to phone width: the default search finishes
// and draws its frontier, the layout is one column with the chart at full width, the page never
// scrolls sideways, buttons are touch-sized, and no width from 320 px up throws (a zero-width
// plot area used to throw "Failed to construct 'ImageData'" and leave #root empty).
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { BASE_URL, frontierSize, launchBrowser, openPage, waitForSearchDone, type AppPage } from './browser.ts';

const PHONE = { width: 360, height: 740 };
const DESKTOP = { width: 1280, height: 900 };

let browser: Browser;

before(async () => {
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

interface Layout {
  innerWidth: number;
  scrollWidth: number;
  rows: number;
  canvas: { width: number; height: number; cssWidth: number } | null;
  chart: { left: number; right: number; width: number } | null;
  controls: { top: number; bottom: number; left: number; width: number } | null;
  main: { top: number; left: number; width: number } | null;
}

/** What the tests check, read in one evaluate. */
const layout = (page: Page): Promise<Layout> =>
  page.evaluate(() => {
    const box = (sel: string) => document.querySelector(sel)?.getBoundingClientRect() ?? null;
    const canvas = document.querySelector<HTMLCanvasElement>('canvas.points-canvas');
    const chart = box('.chart-box');
    const controls = box('aside.controls');
    const main = box('main.main');
    return {
      innerWidth: window.innerWidth,
      scrollWidth: document.documentElement.scrollWidth,
      rows: document.querySelectorAll('table[aria-label="Candidates"] tbody tr[data-id]').length,
      canvas: canvas ? { width: canvas.width, height: canvas.height, cssWidth: canvas.getBoundingClientRect().width } : null,
      chart: chart ? { left: chart.left, right: chart.right, width: chart.width } : null,
      controls: controls ? { top: controls.top, bottom: controls.bottom, left: controls.left, width: controls.width } : null,
      main: main ? { top: main.top, left: main.left, width: main.width } : null,
    };
  });

/** Awaits `p`; if it fails (a wait timing out on a crashed page), reports the page's errors instead. */
async function orPageErrors<T>(app: AppPage, p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (e) {
    assert.deepEqual(app.problems, [], (e as Error).message.split('\n')[0]);
    throw e;
  }
}

/** Resize and wait until the chart has been laid out again at the new width (recharts measures through a ResizeObserver). */
async function resize(app: AppPage, size: { width: number; height: number }): Promise<void> {
  const { page } = app;
  await page.setViewportSize(size);
  const laidOut = page.waitForFunction(
    () => {
      const box = document.querySelector('.chart-box');
      const svg = box?.querySelector('svg.recharts-surface');
      return !!box && !!svg && Math.abs(svg.getBoundingClientRect().width - box.clientWidth) < 1;
    },
    null,
    { timeout: 10_000, polling: 50 },
  );
  await orPageErrors(app, laidOut);
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

test('a phone (360 x 740, touch): the default search shows its frontier in one column, chart at full width, no sideways scroll', async () => {
  const app = await openPage(browser, { viewport: PHONE, mobile: true });
  const { page } = app;
  await page.goto(BASE_URL);
  const n = await orPageErrors(app, waitForSearchDone(page));
  assert.ok(n > 100, `frontier of ${n} candidates`);
  const l = await layout(page);
  assert.ok(l.rows > 0, 'the frontier table has rows');
  assert.ok(l.canvas && l.canvas.width > 0 && l.canvas.height > 0, `canvas ${JSON.stringify(l.canvas)}`);
  assert.equal(Number(await page.locator('canvas.points-canvas').getAttribute('data-frontier')), n);
  assert.ok(l.scrollWidth <= l.innerWidth, `page scrolls sideways: scrollWidth ${l.scrollWidth} > innerWidth ${l.innerWidth}`);
  // The chart spans the page but for the page and card padding; the plot inside keeps most of it.
  assert.ok(l.chart && l.chart.left < 32 && l.chart.right > l.innerWidth - 32, `chart box ${JSON.stringify(l.chart)}`);
  assert.ok(l.canvas.cssWidth > l.innerWidth * 0.5, `plot area ${l.canvas.cssWidth} px wide`);
  // One column: the controls sit above the explorer, both full width.
  assert.ok(l.controls && l.main, 'controls and main are laid out');
  assert.ok(l.main.top >= l.controls.bottom, `controls ${JSON.stringify(l.controls)} and main ${JSON.stringify(l.main)} side by side`);
  assert.ok(Math.abs(l.controls.width - l.main.width) < 1 && Math.abs(l.controls.left - l.main.left) < 1);
  // Touch targets: every button on show is at least 40 px high.
  const small = await page.evaluate(() =>
    [...document.querySelectorAll('button')]
      .map((b) => ({ text: b.textContent?.trim() ?? '', h: b.getBoundingClientRect().height, w: b.getBoundingClientRect().width }))
      .filter((b) => b.w > 0 && b.h < 39.5),
  );
  assert.deepEqual(small, [], 'buttons under 40 px high');
  assert.deepEqual(app.problems, []);
  await mkdir('tests/e2e/artifacts', { recursive: true });
  await page.screenshot({ path: 'tests/e2e/artifacts/mobile.png', fullPage: true });
  await app.context.close();
});

test('a desktop window resized to phone width and back keeps its frontier; no width from 320 px up throws', async () => {
  const app = await openPage(browser, { viewport: DESKTOP });
  const { page } = app;
  await page.goto(BASE_URL);
  const n = await orPageErrors(app, waitForSearchDone(page));
  const desktop = await layout(page);
  assert.ok(desktop.rows > 0 && desktop.canvas && desktop.canvas.width > 0);
  // Two columns on a desktop: the controls beside the explorer.
  assert.ok(desktop.controls && desktop.main && desktop.main.left > desktop.controls.left + desktop.controls.width);

  const check = async (size: { width: number; height: number }) => {
    await resize(app, size);
    const l = await layout(page);
    const at = `at ${size.width} x ${size.height}`;
    assert.deepEqual(app.problems, [], at);
    assert.equal(await frontierSize(page), n, `frontier size ${at}`);
    assert.equal(l.rows, desktop.rows, `table rows ${at}`);
    assert.ok(l.canvas && l.canvas.width > 0 && l.canvas.height > 0, `canvas ${JSON.stringify(l.canvas)} ${at}`);
    assert.equal(Number(await page.locator('canvas.points-canvas').getAttribute('data-frontier')), n, `points drawn ${at}`);
    assert.ok(l.scrollWidth <= l.innerWidth, `scrollWidth ${l.scrollWidth} > innerWidth ${l.innerWidth} ${at}`);
    return l;
  };

  const phone = await check(PHONE);
  assert.ok(phone.chart && phone.chart.right > PHONE.width - 32, `chart box ${JSON.stringify(phone.chart)} at phone width`);
  const back = await check(DESKTOP);
  assert.deepEqual(back.canvas, desktop.canvas, 'the desktop chart is back at its size');
  assert.deepEqual(back.main, desktop.main, 'the desktop layout is back');
  // Every width a phone or a narrow window may have, through the one-column breakpoint.
  for (const width of [320, 340, 375, 390, 412, 420, 430, 480, 540, 600, 700, 768, 800, 801, 820, 1100])
    await check({ width, height: 740 });
  await check(DESKTOP);
  assert.deepEqual(app.problems, []);
  await app.context.close();
});
