// Faults during measurement: the GPU context or device is lost mid-run (WEBGL_lose_context in the
// measure worker; device.destroy() on WebGPU). The candidate being timed fails with the reason,
// the others keep their results, the app stays usable, and the next Measure works in a new worker.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { openApp, searchTinySpace, waitForMeasureIdle, type AppPage } from './browser.ts';

let browser: Browser;
let app: AppPage;
let page: Page;

before(async () => {
  ({ browser, app, page } = await openApp());
  await searchTinySpace(page);
  await page.getByLabel('What to measure').selectOption('frontier');
  await page.getByLabel('Tokens (T)').fill('16');
  await page.getByLabel('Rounds').fill('1');
});

after(async () => {
  await browser?.close();
});

/** Runs `lose` inside the measure worker once it has started timing (tfjs keeps its engine on
 *  the worker's global object as `_tfengine`). */
async function loseDeviceMidRun(p: Page, lose: string): Promise<void> {
  await p.waitForFunction(() => document.querySelector('[data-testid="measure-result"][data-state="running"]'), null, { polling: 50 });
  for (let i = 0; i < 100; i++) {
    for (const w of p.workers()) {
      const done = await w
        .evaluate((code) => {
          const g = globalThis as unknown as { _tfengine?: { backend?: unknown; backendName?: string } };
          const backend = g._tfengine?.backend;
          if (!backend) return false;
          new Function('backend', code)(backend);
          return true;
        }, lose)
        .catch(() => false);
      if (done) return;
    }
    await p.waitForTimeout(50);
  }
  throw new Error('no measure worker with a tfjs engine');
}

for (const [backend, lose, reason] of [
  ['webgl', "backend.gpgpu.gl.getExtension('WEBGL_lose_context').loseContext()", /WebGL context was lost/],
  ['webgpu', 'backend.device.destroy()', /WebGPU device was lost/],
] as const) {
  test(`a lost ${backend} ${backend === 'webgl' ? 'context' : 'device'} mid-run fails that candidate with the reason; the next Measure works`, async () => {
    await page.getByLabel('Backend', { exact: true }).selectOption(backend);
    await page.getByLabel('Timed runs').fill('200');
    await page.getByLabel('Min time per workload (ms)').fill('4000');
    await page.getByRole('button', { name: 'Measure', exact: true }).click();
    await loseDeviceMidRun(page, lose);
    await waitForMeasureIdle(page);
    const states = await page.getByTestId('measure-result').evaluateAll((els) => els.map((e) => e.getAttribute('data-state')));
    assert.ok(states.includes('failed'), states.join(','));
    assert.match(
      (await page.locator('.measure-panel, [aria-label="Measure on this device"]').first().textContent()) ?? (await page.content()),
      reason,
    );
    // Usable: the next Measure runs in a fresh worker with a new context.
    await page.getByLabel('Timed runs').fill('3');
    await page.getByLabel('Min time per workload (ms)').fill('0');
    await page.getByRole('button', { name: 'Measure', exact: true }).click();
    await waitForMeasureIdle(page);
    const after = await page.getByTestId('measure-result').evaluateAll((els) => els.map((e) => e.getAttribute('data-state')));
    const texts = (await page.getByTestId('measure-result').allTextContents()).join(' | ');
    assert.deepEqual(
      after,
      after.map(() => 'done'),
      texts,
    );
    assert.deepEqual(
      app.problems.filter((p) => /page error/.test(p)),
      [],
    );
  });
}
