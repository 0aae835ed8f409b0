// Every export downloads a file that parses: CSV (one row per frontier candidate), JSON, the chart
// as SVG and PNG (title, legend and axis labels included), the PNG on the clipboard, and the selected arch as a Hugging Face
// config.json (homogeneous) or arch JSON (heterogeneous, with the reason shown in the UI).
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { BASE_URL, download, frontierSize, launchBrowser, openPage, waitForSearchDone, type AppPage } from './browser.ts';

let browser: Browser;
let app: AppPage;
let page: Page;
let frontier = 0;

before(async () => {
  browser = await launchBrowser();
  app = await openPage(browser);
  page = app.page;
  await page.goto(BASE_URL);
  frontier = await waitForSearchDone(page);
});

after(async () => {
  await browser?.close();
});

const button = (name: string) => page.getByRole('button', { name, exact: true });

/** Run a search with the current settings and wait for its end. */
async function search(evaluations: number): Promise<number> {
  await page.getByLabel('Evaluations', { exact: true }).fill(String(evaluations));
  await button('Search').click();
  await page.waitForFunction(
    (n) => document.querySelector('[data-testid="evaluated"]')?.textContent?.startsWith(n.toLocaleString('en-US')),
    evaluations,
    { polling: 100, timeout: 60_000 },
  );
  return waitForSearchDone(page);
}

test('Export CSV: a header and one row per frontier candidate', async () => {
  const f = await download(page, () => button('Export CSV').click());
  assert.equal(f.name, 'lm-frontier.csv');
  const lines = f.text.trimEnd().split('\n');
  assert.equal(lines.length, frontier + 1);
  assert.match(lines[0], /^id,summary,key,family,model_type,n_layer,d_model,n_head,n_kv_head,d_inner,params_total,params_decoder/);
  assert.match(
    lines[0],
    /latency_decode_ms,latency_source,est_ppl,measured_on,measured_tokens,measured_prefill_median_ms,.*,measured_decode_p90_ms$/,
  );
  assert.match(lines[1], /,analytic,[\d.]+,{8}$/); // latency labelled analytic; est. ppl filled (fit loaded); nothing measured yet
});

test('Export JSON: settings, labelled latency and the whole frontier', async () => {
  const f = await download(page, () => button('Export JSON').click());
  assert.equal(f.name, 'lm-frontier.json');
  const j = JSON.parse(f.text);
  assert.equal(j.format, 'lm-frontier/frontier');
  assert.equal(j.frontier.length, frontier);
  assert.deepEqual(j.search.budgets, { paramsTotal: 64e6 });
  assert.equal(j.latency.source, 'analytic');
  assert.deepEqual(j.devices, []);
  assert.ok(j.frontier.every((c: { measured: unknown[] }) => c.measured.length === 0));
  assert.equal(j.stats.evaluated, 20000);
  assert.ok(j.frontier.every((c: { params: { total: number } }) => c.params.total <= 64e6));
});

test('Export SVG and PNG: a standalone figure with title, legend and axis labels', async () => {
  const svg = await download(page, () => button('Export SVG').click());
  assert.equal(svg.name, 'lm-frontier-chart.svg');
  assert.match(svg.text, /^<\?xml/);
  for (const text of [
    'Pareto frontier: Decoder params vs decode latency (analytic)',
    'Pareto frontier (',
    'Dominated (random sample',
    'Selected',
    'Decode latency per token (ms, analytic)',
    'Decoder params (M, LTS proxy)',
    // The baselines' labels are SVG text in the chart, so the figure keeps them.
    'Pythia-70M',
  ]) {
    assert.ok(svg.text.includes(text), `SVG holds "${text}"`);
  }
  assert.ok(!svg.text.includes('var(--'), 'colours are resolved, not CSS variables');
  // The browser parses it as SVG, and it holds the points as vector paths.
  const parsed = await page.evaluate((text) => {
    const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
    return {
      error: !!doc.querySelector('parsererror'),
      root: doc.documentElement.nodeName,
      paths: doc.querySelectorAll('g.points path').length,
    };
  }, svg.text);
  assert.deepEqual(parsed, { error: false, root: 'svg', paths: 3 }); // dominated, staircase, frontier

  const png = await download(page, () => button('Export PNG').click());
  assert.equal(png.name, 'lm-frontier-chart.png');
  assert.deepEqual([...png.bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const width = png.bytes.readUInt32BE(16);
  const height = png.bytes.readUInt32BE(20);
  const chart = (await page.locator('.chart-box svg.recharts-surface').boundingBox())!;
  assert.equal(width, Math.round(chart.width) * 2); // 2x raster
  assert.ok(height > chart.height * 2, 'title and legend above the chart');
  // Kept for a look: the figure as a paper would get it.
  await mkdir('tests/e2e/artifacts', { recursive: true });
  await writeFile('tests/e2e/artifacts/frontier-chart.png', png.bytes);
  await writeFile('tests/e2e/artifacts/frontier-chart.svg', svg.text);
});

test('Copy image puts the chart PNG on the clipboard', async () => {
  await app.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(BASE_URL).origin });
  await button('Copy image').click();
  await page.getByRole('status').filter({ hasText: 'Chart image copied.' }).waitFor();
  const copied = await page.evaluate(async () => {
    const [item] = await navigator.clipboard.read();
    const blob = await item.getType('image/png');
    return { types: item.types, head: [...new Uint8Array(await blob.slice(0, 8).arrayBuffer())], size: blob.size };
  });
  assert.deepEqual(copied.types, ['image/png']);
  assert.deepEqual(copied.head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  assert.ok(copied.size > 10_000, `${copied.size} bytes`);
  assert.deepEqual(app.problems, []);
});

test('heterogeneous arch: config.json is refused with the reason, arch JSON instead', async () => {
  assert.equal(await button('Export config.json').isDisabled(), true);
  assert.match((await page.locator('#hf-note').textContent()) ?? '', /Hugging Face configs cannot express per-layer shapes/);
  const f = await download(page, () => button('Export arch JSON').click());
  assert.equal(f.name, 'arch.json');
  const j = JSON.parse(f.text);
  assert.equal(j.family, 'gpt2');
  assert.ok(Array.isArray(j.layers) && j.layers.length > 0);
  assert.match(j.note, /cannot express per-layer shapes/);
});

test('homogeneous GPT-2 space: config.json is a GPT2Config of the selected arch', async () => {
  await page.getByLabel('Heterogeneous: heads and dInner per layer (LTS)').uncheck();
  await search(2000);
  // The architecture view renders a new selection in a deferred (yielding) pass: wait for it.
  await page.waitForFunction(() =>
    /^\d+L d\d+ h\d+ ffn\d+$/.test(document.querySelector('[data-testid="arch-summary"]')?.textContent ?? ''),
  );
  const summary = (await page.getByTestId('arch-summary').textContent())!;
  const [, layers, d, h, f] = summary.match(/^(\d+)L d(\d+) h(\d+) ffn(\d+)$/)!;
  const file = await download(page, () => button('Export config.json').click());
  assert.equal(file.name, 'config.json');
  const c = JSON.parse(file.text);
  assert.equal(c.model_type, 'gpt2');
  assert.deepEqual(c.architectures, ['GPT2LMHeadModel']);
  assert.deepEqual([c.n_layer, c.n_embd, c.n_head, c.n_inner], [layers, d, h, f].map(Number));
  assert.equal(c.n_positions, 1024);
  assert.equal(c.vocab_size, 50257);
});

test('Llama-style preset: config.json is a LlamaConfig with grouped-query attention', async () => {
  await page.getByLabel('Preset').selectOption({ label: 'Llama-style' });
  await search(1500);
  await page.waitForFunction(() => /\/kv\d+ /.test(document.querySelector('[data-testid="arch-summary"]')?.textContent ?? ''));
  const file = await download(page, () => button('Export config.json').click());
  const c = JSON.parse(file.text);
  assert.equal(c.model_type, 'llama');
  for (const key of [
    'hidden_size',
    'intermediate_size',
    'num_hidden_layers',
    'num_attention_heads',
    'num_key_value_heads',
    'max_position_embeddings',
    'tie_word_embeddings',
    'vocab_size',
    'rms_norm_eps',
  ]) {
    assert.ok(key in c, `config.json has ${key}`);
  }
  assert.equal(c.vocab_size, 32000);
  assert.equal(c.num_attention_heads % c.num_key_value_heads, 0);
  assert.ok((await frontierSize(page)) > 0);
  assert.deepEqual(app.problems, []);
});
