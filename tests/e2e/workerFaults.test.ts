// Workers that throw or end mid-run, injected into the built app's real workers through
// Playwright (page.workers(), worker.evaluate). A search worker that throws or closes itself ends
// the run with the reason within seconds (a closed worker fires no event: the bridge sees its life
// lock released), the frontier on screen stays, and the next search works in a new worker. A
// measure worker that throws or closes mid-measure fails the candidate in flight with the reason;
// the other candidates are timed in a fresh worker on the same backend, earlier measurements
// stay, and Measure works again.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page, Worker } from 'playwright-core';
import { frontierSize, openApp, searchTinySpace, waitForMeasureIdle, waitForSearchDone, type AppPage } from './browser.ts';

let browser: Browser;
let app: AppPage;
let page: Page;
/** Every worker the page started, in order (a replaced worker is a new entry). */
const started: Worker[] = [];

before(async () => {
  ({ browser, app, page } = await openApp());
  page.on('worker', (w) => started.push(w));
});

after(async () => {
  await browser?.close();
});

/** The worker constructed with `{ name }` that satisfies `ready` (evaluated in it), waiting for one. */
async function workerNamed(p: Page, name: string, ready = 'true'): Promise<Worker> {
  for (let i = 0; i < 200; i++) {
    for (const w of p.workers()) {
      const ok = await w.evaluate(`self.name === ${JSON.stringify(name)} && (${ready})`).catch(() => false);
      if (ok) return w;
    }
    await p.waitForTimeout(50);
  }
  throw new Error(`no ${name} worker`);
}

/** The Run panel's error messages. */
const runErrors = (p: Page) =>
  p
    .locator('.run-panel [role="alert"]')
    .textContent()
    .then((t) => t ?? '');

/** Starts a long search and waits until it has reported progress (so a fault lands mid-run). */
async function startLongSearch(p: Page): Promise<void> {
  await p.getByLabel('Evaluations', { exact: true }).fill('2000000');
  await p.getByRole('button', { name: 'Search', exact: true }).click();
  await p.waitForFunction(
    () => Number(document.querySelector('[data-testid="evaluated"]')?.textContent?.split('/')[0].replace(/,/g, '')) >= 3000,
    null,
    { polling: 50, timeout: 30_000 },
  );
}

/** Waits for the run to end and returns how long that took after the fault, in ms. */
async function runEnds(p: Page, since: number): Promise<number> {
  await p.waitForFunction(
    () => {
      const stop = [...document.querySelectorAll('button')].find((b) => b.textContent?.trim() === 'Stop');
      return !!stop && stop.disabled;
    },
    null,
    { polling: 50, timeout: 10_000 },
  );
  return Date.now() - since;
}

for (const [fault, inject, reason] of [
  [
    'throws (an uncaught error)',
    "setTimeout(() => { throw new Error('injected fault') })",
    /the search failed: search worker crashed: .*injected fault\. Results so far are kept\./,
  ],
  [
    'closes itself (self.close(): no error event)',
    'self.close()',
    /the search failed: search worker stopped \(closed or killed by the browser\)/,
  ],
] as const) {
  test(`a search worker that ${fault} mid-run: the run ends with the reason, the frontier stays, a new search works`, async () => {
    await waitForSearchDone(page);
    const before = await frontierSize(page);
    assert.ok(before > 0);
    await startLongSearch(page);
    const worker = await workerNamed(page, 'search');
    const t0 = Date.now();
    await worker.evaluate(inject);
    const ms = await runEnds(page, t0);
    console.log(`# search worker ${fault}: run ended ${ms} ms after the fault`);
    assert.ok(ms < 5000, `ended after ${ms} ms`);
    assert.match(await runErrors(page), reason);
    // Results so far stay on the chart and the table (the failed run's latest snapshot; the chart
    // and table follow it a render later, through useDeferredValue).
    const kept = await frontierSize(page);
    assert.ok(kept > 0, 'a frontier is still shown');
    await page.waitForFunction(
      (n) =>
        Number(document.querySelector('canvas.points-canvas')?.getAttribute('data-frontier')) === n &&
        document.querySelectorAll('table.candidates tbody tr').length > 0,
      kept,
      { polling: 50, timeout: 5000 },
    );
    // Usable: a new search runs to its end in a fresh worker, without the error.
    const workersBefore = started.length;
    await page.getByLabel('Evaluations', { exact: true }).fill('3000');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.waitForFunction(() => document.querySelector('[data-testid="evaluated"]')?.textContent?.startsWith('3,000'), null, {
      polling: 100,
      timeout: 30_000,
    });
    assert.ok((await waitForSearchDone(page)) > 0);
    assert.ok(started.length > workersBefore, 'a new search worker was started');
    assert.doesNotMatch(await runErrors(page), /failed/);
    assert.deepEqual(
      app.problems.filter((p) => !/injected fault/.test(p)),
      [],
    );
  });
}

test('measure set-up: two tiny frontier candidates on cpu, measured once (an earlier measurement to keep)', async () => {
  await searchTinySpace(page);
  assert.equal(await frontierSize(page), 2);
  await page.getByLabel('Backend', { exact: true }).selectOption('cpu');
  await page.getByLabel('What to measure').selectOption('frontier');
  await page.getByLabel('Tokens (T)').fill('16');
  await page.getByLabel('Timed runs').fill('3');
  await page.getByLabel('Min time per workload (ms)').fill('0');
  await page.getByLabel('Rounds').fill('2');
  await page.getByRole('button', { name: 'Measure', exact: true }).click();
  await waitForMeasureIdle(page);
  assert.deepEqual(await states(page), ['done', 'done']);
  assert.equal(await measuredCount(page), 2);
});

const states = (p: Page) => p.getByTestId('measure-result').evaluateAll((els) => els.map((e) => e.getAttribute('data-state')));
const measuredCount = (p: Page) =>
  p
    .locator('table.candidates tbody td[data-col="measured"]')
    .allTextContents()
    .then((cells) => cells.filter((c) => /\d/.test(c)).length);

// The fault goes off inside the measure worker the next time timing reads a tensor back (tfjs's
// engine is on the worker's global object as `_tfengine`): on cpu a slice runs as one long task,
// so a fault injected from outside would otherwise wait for the slice's end.
const AT_NEXT_READ = (fault: string) => `(() => {
  const e = globalThis._tfengine;
  const read = e.read;
  e.read = function () {
    e.read = read;
    ${fault};
    return new Promise(() => {});
  };
})()`;

for (const [fault, inject, reason] of [
  ['throws (an uncaught error)', "setTimeout(() => { throw new Error('injected fault') })", /measure worker crashed: .*injected fault/],
  ['closes itself (self.close())', 'self.close()', /measure worker stopped \(closed or killed by the browser\)/],
] as const) {
  test(`a measure worker that ${fault} mid-measure: that candidate fails with the reason, the other is timed in a fresh worker`, async () => {
    await page.getByLabel('Timed runs').fill('200');
    await page.getByLabel('Min time per workload (ms)').fill('1500');
    const workersBefore = started.length;
    await page.getByRole('button', { name: 'Measure', exact: true }).click();
    await page.waitForFunction(() => document.querySelector('[data-testid="measure-result"][data-state="running"]'), null, { polling: 50 });
    const worker = await workerNamed(page, 'measure', '!!globalThis._tfengine');
    await worker.evaluate(AT_NEXT_READ(inject));
    await waitForMeasureIdle(page, 60_000);
    const after = await states(page);
    const texts = await page.getByTestId('measure-result').allTextContents();
    assert.deepEqual([...after].sort(), ['done', 'failed'], texts.join(' | '));
    const failed = texts[after.indexOf('failed')];
    assert.match(failed, reason);
    assert.match((await page.getByTestId('measure-errors').textContent()) ?? '', reason);
    // The other candidate finished on the same backend, in a new worker.
    assert.equal(await page.getByTestId('measure-backend').textContent(), 'cpu');
    assert.ok(started.length > workersBefore, 'a fresh measure worker was started');
    // Finished measurements are kept: both candidates still have a measured figure.
    assert.equal(await measuredCount(page), 2);
    // Usable: Measure again times both.
    await page.getByLabel('Timed runs').fill('3');
    await page.getByLabel('Min time per workload (ms)').fill('0');
    await page.getByRole('button', { name: 'Measure', exact: true }).click();
    await waitForMeasureIdle(page);
    assert.deepEqual(await states(page), ['done', 'done'], (await page.getByTestId('measure-result').allTextContents()).join(' | '));
    assert.deepEqual(
      app.problems.filter((p) => !/injected fault/.test(p)),
      [],
    );
  });
}
