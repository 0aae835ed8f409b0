// What a careless user's data does to the page: 300 stored device series and one with a
// 3,000-character label. The legend lists a few and counts the rest, the chart card stays short,
// nothing makes the page scroll sideways, and the long label is cut on screen with its full text
// in a tooltip (legend, device list, table header).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { archKey, type Arch } from '../../src/core/arch.ts';
import { MEASUREMENTS_VERSION, type MeasuredSeries, type MeasurementStore } from '../../src/core/measurements.ts';
const MEASUREMENTS_KEY = 'lm-frontier.measurements';
import { LEGEND_MAX_SERIES } from '../../src/view/legend.ts';
import { BASE_URL, launchBrowser, openPage, searchTinySpace, waitForSearchDone, type AppPage } from './browser.ts';

const SERIES = 300;
const LONG = `Pixel ${'very long device name '.repeat(200)}`.slice(0, 3000);

// One of the two frontier candidates of searchTinySpace's space (vocabulary 1,000, one layer,
// dModel 64, 2 heads, dInner 128; the LTS preset's context of 1,024).
const ARCH: Arch = {
  family: 'gpt2',
  vocabSize: 1000,
  contextLength: 1024,
  dModel: 64,
  tieEmbeddings: true,
  layers: [{ nHead: 2, dInner: 128 }],
};

function series(i: number, label: string): MeasuredSeries {
  const key = archKey(ARCH);
  const t = (ms: number) => ({ medianMs: ms, p10Ms: ms * 0.9, p90Ms: ms * 1.1, cv: 0.05, runs: 10 });
  return {
    id: `cpu|device ${i}|128`,
    label,
    runtime: 'tfjs',
    backend: 'cpu',
    device: { backend: 'cpu', runtime: 'worker' },
    thread: 'worker',
    tokens: 128,
    byArch: {
      [key]: {
        archKey: key,
        tokens: 128,
        prefill: t(2 + i / 100),
        decode: t(0.5 + i / 1000),
        firstRunMs: 20,
        peakBytes: 1e6,
        leakedTensors: 0,
        at: '2025-01-01T00:00:00.000Z',
      },
    },
  };
}

const store: MeasurementStore = {
  version: MEASUREMENTS_VERSION,
  series: [series(0, LONG), ...Array.from({ length: SERIES }, (_, i) => series(i + 1, `cpu · device ${i + 1} · T=128`))],
};

let browser: Browser;
let app: AppPage;
let page: Page;

before(async () => {
  browser = await launchBrowser();
  app = await openPage(browser, { viewport: { width: 1280, height: 900 } });
  page = app.page;
  await app.context.addInitScript(([key, value]) => localStorage.setItem(key, value), [MEASUREMENTS_KEY, JSON.stringify(store)] as const);
  await page.goto(BASE_URL);
  await waitForSearchDone(page);
  await searchTinySpace(page);
});

after(async () => {
  await browser?.close();
});

test(`${SERIES + 1} stored series: the legend lists ${LEGEND_MAX_SERIES} and says how many more`, async () => {
  const legend = page.getByRole('list', { name: 'Legend' });
  const measured = legend.locator('li').filter({ hasText: /^measured \(|^and \d+ more/ });
  assert.ok((await measured.count()) <= LEGEND_MAX_SERIES + 1, `${await measured.count()} measured entries`);
  const more = legend.locator('li').filter({ hasText: 'more device series' });
  assert.equal((await more.textContent())?.trim(), `and ${SERIES + 1 - LEGEND_MAX_SERIES} more device series`);
  const entries = await legend.locator('li').count();
  assert.ok(entries <= LEGEND_MAX_SERIES + 6, `${entries} legend entries`);
  const card = await page.locator('.chart-card').boundingBox();
  assert.ok(card && card.height < 1000, `chart card ${card?.height} px high`);
});

test('nothing is wider than the viewport at 1280 px', async () => {
  const { scroll, inner } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
  assert.ok(scroll <= inner, `page ${scroll} px wide in a ${inner} px window`);
});

test('the 3,000-character label is cut on screen, whole in its tooltip', async () => {
  // Legend entry: narrower than the chart card, full text in its title.
  const entry = page.getByRole('list', { name: 'Legend' }).locator('li').filter({ hasText: 'Pixel very long' });
  assert.equal(await entry.getAttribute('title'), `measured (${LONG}): 1 candidate`);
  const card = (await page.locator('.chart-card').boundingBox())!;
  const box = (await entry.boundingBox())!;
  assert.ok(box.width < card.width, `legend entry ${box.width} px in a ${card.width} px card`);
  assert.ok(box.x + box.width <= card.x + card.width + 0.5, 'the entry ends inside the card');

  // Device series list: the name field fits its panel, its title holds the full name.
  const name = page.getByRole('textbox', { name: `Name of ${LONG}` });
  assert.equal(await name.getAttribute('title'), LONG);
  const panel = (await page.locator('.device-series').boundingBox())!;
  const nameBox = (await name.boundingBox())!;
  assert.ok(nameBox.width < panel.width, `name field ${nameBox.width} px in a ${panel.width} px panel`);
  const list = (await page.getByRole('list', { name: 'Device series' }).boundingBox())!;
  assert.ok(list.height < 600, `device list ${list.height} px high`);

  // Table: the device column header is cut, its button's title is the full label.
  const header = page.locator('.candidates th button.sort').filter({ hasText: 'Pixel very long' });
  assert.equal(await header.getAttribute('title'), LONG);
  const th = (await header.boundingBox())!;
  assert.ok(th.width < 400, `device header ${th.width} px wide`);
  assert.deepEqual(app.problems, []);
});
