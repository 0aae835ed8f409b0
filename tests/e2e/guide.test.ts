// The guide for newcomers in the browser: "?" popovers open by keyboard and close with Escape
// (focus back on their button), one at a time, inside the viewport also on a phone; the About
// view opens from the top bar with the proxy check's live figures; the first-run hint says what
// to do next and "Got it" hides it for good.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { BASE_URL, launchBrowser, openPage, waitForSearchDone, type AppPage } from './browser.ts';

let browser: Browser;
let app: AppPage;
let page: Page;

before(async () => {
  browser = await launchBrowser();
  app = await openPage(browser);
  page = app.page;
  await page.goto(BASE_URL);
  await waitForSearchDone(page);
});

after(async () => {
  await browser?.close();
});

const focusedLabel = (p: Page) => p.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? null);

/** The open popover's box and the viewport, read in one evaluate. */
const popoverBox = (p: Page) =>
  p.evaluate(() => {
    const r = document.querySelector('[role="dialog"].help-popover')!.getBoundingClientRect();
    return {
      left: r.left,
      right: r.right,
      top: r.top,
      bottom: r.bottom,
      width: document.documentElement.clientWidth,
      height: window.innerHeight,
    };
  });

test('a "?" opens by keyboard, shows its formula, and Escape closes it with focus back on the button', async () => {
  const button = page.getByRole('button', { name: 'What is Decoder params?', exact: true });
  assert.equal(await button.getAttribute('aria-expanded'), 'false');
  await button.focus();
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog', { name: 'Decoder params' });
  await dialog.waitFor();
  assert.equal(await button.getAttribute('aria-expanded'), 'true');
  assert.equal(await button.getAttribute('aria-controls'), await dialog.getAttribute('id'));
  assert.match((await dialog.getByTestId('help-formula').textContent()) ?? '', /N_decoder = Σ_l \(attention_l \+ FFN_l \+ norms_l\)/);
  assert.match((await dialog.textContent()) ?? '', /Javaheripi et al\., NeurIPS 2022/);
  const box = await popoverBox(page);
  assert.ok(box.left >= 0 && box.right <= box.width && box.top >= 0 && box.bottom <= box.height, JSON.stringify(box));
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
  assert.equal(await focusedLabel(page), 'What is Decoder params?');
  assert.equal(await button.getAttribute('aria-expanded'), 'false');
  // Space opens it too.
  await page.keyboard.press('Space');
  await dialog.waitFor();
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
  assert.deepEqual(app.problems, []);
});

test('clicking another "?" closes the first; a click outside closes it', async () => {
  await page.getByRole('button', { name: 'What is Total-parameter limit?' }).click();
  await page.getByRole('dialog', { name: 'Total-parameter limit' }).waitFor();
  await page.getByRole('button', { name: 'What is Memory limit?' }).click();
  const memory = page.getByRole('dialog', { name: 'Memory limit' });
  await memory.waitFor();
  assert.equal(await page.getByRole('dialog').count(), 1);
  assert.equal(await page.getByRole('button', { name: 'What is Total-parameter limit?' }).getAttribute('aria-expanded'), 'false');
  await page.getByRole('heading', { name: 'Budgets' }).click();
  await memory.waitFor({ state: 'detached' });
  assert.deepEqual(app.problems, []);
});

test('the measured-latency "?" holds the Measure protocol with the form\'s figures', async () => {
  assert.match(
    (await page.getByTestId('measure-frontier-hint').textContent()) ?? '',
    /^[\d,]+ on the frontier now; Measure times at most 20/,
  );
  await page.getByRole('button', { name: 'What is Measured latency?' }).click();
  const dialog = page.getByRole('dialog', { name: 'Measured latency' });
  await dialog.waitFor();
  const text = (await dialog.textContent()) ?? '';
  assert.match(text, /at most 20 candidates spread evenly along it/);
  assert.match(text, /2 warm-up \+ at least 10 timed runs/);
  assert.match(text, /Larger models than the memory limit are refused, not tried\./);
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
});

test('the About view opens from the top bar, shows the live proxy check, and goes back to the explorer', async () => {
  const about = page.getByRole('button', { name: 'About', exact: true });
  await about.focus();
  await page.keyboard.press('Enter');
  const heading = page.getByRole('heading', { name: 'About LM Frontier' });
  await heading.waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'About LM Frontier');
  assert.equal(await page.locator('#panel-explorer').isHidden(), true);
  const table = page.getByRole('table', { name: 'Proxy check on the LTS models' });
  await table.waitFor();
  const rows = await table.locator('tbody tr').allTextContents();
  assert.equal(rows.length, 3);
  const spearman = Number(rows.find((r) => /Decoder params/.test(r))!.match(/(0\.\d{3})/)![1]);
  assert.ok(spearman > 0.9, `decoder params Spearman ${spearman}`);
  assert.match((await page.getByTestId('about-proxy-check').textContent()) ?? '', /ln ppl = -?\d+\.\d{3} [−+] \d+\.\d{4} · ln/);
  for (const ref of ['2203.02094', '2403.07921', 'Kaplan et al.', 'Shen et al.']) {
    assert.ok((await page.locator('.about').textContent())?.includes(ref), ref);
  }
  await page.getByRole('button', { name: 'Back to the explorer' }).click();
  await page.locator('#panel-explorer').waitFor({ state: 'visible' });
  assert.equal(await heading.count(), 0);
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'about-button');
  assert.deepEqual(app.problems, []);
});

test('the first-run hint says what to do next, and "Got it" hides it for good', async () => {
  const hint = page.getByRole('note', { name: 'Getting started' });
  const text = (await hint.textContent()) ?? '';
  assert.match(text, /Getting started/);
  assert.match(text, /Measure the frontier on this device/i);
  assert.match(text, /Share link below the chart/);
  await page.getByRole('button', { name: 'Got it' }).click();
  await hint.waitFor({ state: 'detached' });
  assert.equal(await page.evaluate(() => localStorage.getItem('lm-frontier.hint-dismissed')), '1');
  await page.reload();
  await waitForSearchDone(page);
  assert.equal(await page.getByRole('note', { name: 'Getting started' }).count(), 0);
  assert.deepEqual(app.problems, []);
});

test('on a phone (390 px) the hint explains the running search and a popover stays inside the screen', async () => {
  const phone = await openPage(browser, { viewport: { width: 390, height: 844 }, mobile: true });
  await phone.page.goto(BASE_URL);
  const hint = phone.page.getByRole('note', { name: 'Getting started' });
  await hint.waitFor();
  assert.match((await hint.textContent()) ?? '', /search is running|Pareto frontier/);
  await waitForSearchDone(phone.page);
  for (const name of [
    'What is Measured latency?',
    'What is Latency limit?',
    'What is Decoder params?',
    'What is Decoder params? (vertical axis)',
  ]) {
    const button = phone.page.getByRole('button', { name, exact: true });
    await button.scrollIntoViewIfNeeded();
    await button.click();
    await phone.page.getByRole('dialog').waitFor();
    const box = await popoverBox(phone.page);
    assert.ok(box.left >= 0 && box.right <= box.width && box.top >= 0 && box.bottom <= box.height, `${name}: ${JSON.stringify(box)}`);
    await phone.page.keyboard.press('Escape');
    await phone.page.getByRole('dialog').waitFor({ state: 'detached' });
  }
  const scroll = await phone.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(scroll <= 0, `page scrolls sideways by ${scroll} px`);
  assert.deepEqual(phone.problems, []);
  await phone.context.close();
});
