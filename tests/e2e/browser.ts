// Shared e2e helpers: Debian's Chromium through playwright-core (Playwright cannot download its
// own browsers here), a page that fails the test on console errors, page errors and requests to
// any other origin, and download capture.
import { readFile } from 'node:fs/promises';
import { chromium, type Browser, type BrowserContext, type Download, type Page } from 'playwright-core';

export const BASE_URL = process.env.BASE_URL ?? 'http://127.0.0.1:4173/';
const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--headless=new',
  // WebGPU through SwiftShader, for on-device timing (later issue).
  '--enable-unsafe-webgpu',
  '--enable-features=Vulkan',
  '--use-webgpu-adapter=swiftshader',
];

export function launchBrowser(extraArgs: readonly string[] = []): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: [...CHROMIUM_ARGS, ...extraArgs] });
}

export interface AppPage {
  context: BrowserContext;
  page: Page;
  /** Console errors, page errors and foreign requests seen so far. */
  problems: string[];
}

/**
 * A fresh context and page, recording what must fail a test: console errors, uncaught page
 * errors, and any request leaving the app's origin (the app makes none: no CDN, no fonts).
 */
export async function openPage(
  browser: Browser,
  options: {
    viewport?: { width: number; height: number };
    colorScheme?: 'light' | 'dark';
    /** A phone: isMobile and hasTouch (give a phone-sized viewport too). */
    mobile?: boolean;
    userAgent?: string;
  } = {},
): Promise<AppPage> {
  const context = await browser.newContext({
    ...(options.mobile ? { isMobile: true, hasTouch: true } : {}),
    ...(options.userAgent ? { userAgent: options.userAgent } : {}),
    acceptDownloads: true,
    viewport: options.viewport ?? { width: 1280, height: 900 },
    colorScheme: options.colorScheme ?? 'light',
    deviceScaleFactor: 1,
  });
  // tsx compiles tests with esbuild's keepNames, which wraps named functions in __name(); the
  // functions Playwright serialises into the page need that helper to exist there.
  await context.addInitScript('globalThis.__name = (f) => f;');
  // Content Security Policy violations of the page (workers report theirs as console errors).
  await context.addInitScript(() => {
    const w = window as unknown as { __cspViolations: string[] };
    w.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => w.__cspViolations.push(`${e.violatedDirective}: ${e.blockedURI}`));
  });
  const page = await context.newPage();
  const problems: string[] = [];
  const origin = new URL(BASE_URL).origin;
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('request', (r) => {
    const url = r.url();
    if (!url.startsWith(origin) && !url.startsWith('blob:') && !url.startsWith('data:')) problems.push(`foreign request: ${url}`);
  });
  return { context, page, problems };
}

/** Click `trigger` and return the download it starts: its suggested name and contents. */
export async function download(
  page: Page,
  trigger: () => Promise<void>,
): Promise<{ name: string; text: string; bytes: Buffer; dl: Download }> {
  const [dl] = await Promise.all([page.waitForEvent('download', { timeout: 15_000 }), trigger()]);
  const path = await dl.path();
  const bytes = await readFile(path);
  return { name: dl.suggestedFilename(), text: bytes.toString('utf8'), bytes, dl };
}

/** Wait until neither measuring nor calibrating (the Measure button is enabled again). */
export async function waitForMeasureIdle(p: Page, timeout = 120_000): Promise<void> {
  await p.waitForFunction(
    () => {
      const b = [...document.querySelectorAll('button')].find((x) => x.textContent?.trim() === 'Measure');
      return !!b && !b.disabled;
    },
    null,
    { timeout, polling: 100 },
  );
}

/** True while a search runs: the Stop button is enabled only then. */
export const isRunning = (page: Page): Promise<boolean> =>
  page.evaluate(() => {
    const stop = [...document.querySelectorAll('button')].find((b) => b.textContent?.trim() === 'Stop');
    return !!stop && !stop.disabled;
  });

/**
 * Wait until the search is idle and has a frontier; returns the frontier size shown. Polls a
 * cheap DOM check every 100 ms (Playwright's role locators walk the accessibility tree on every
 * animation frame, which would itself load the main thread under test).
 */
export async function waitForSearchDone(page: Page, timeout = 60_000): Promise<number> {
  await page.waitForFunction(
    () => {
      const stop = [...document.querySelectorAll('button')].find((b) => b.textContent?.trim() === 'Stop');
      const n = Number(document.querySelector('[data-testid="frontier-size"]')?.textContent?.replace(/,/g, '') ?? 0);
      return !!stop && stop.disabled && n > 0;
    },
    null,
    { timeout, polling: 100 },
  );
  return frontierSize(page);
}

export async function frontierSize(page: Page): Promise<number> {
  const t = await page.getByTestId('frontier-size').textContent();
  return Number((t ?? '').replace(/,/g, ''));
}

/** A browser and a page on the app with the default search done: the usual suite set-up. */
export async function openApp(): Promise<{ browser: Browser; app: AppPage; page: Page }> {
  const browser = await launchBrowser();
  const app = await openPage(browser);
  await app.page.goto(BASE_URL);
  await waitForSearchDone(app.page);
  return { browser, app, page: app.page };
}

/** A small search space through the controls: vocabulary 1,000, 2 heads, layers, dModel and
 *  dInner ranges as given (default: one layer, dModel 32 or 64, dInner 128: two frontier
 *  candidates that time in a second or two); runs it and waits for its end. */
export async function searchTinySpace(
  page: Page,
  {
    layersTo = 1,
    dModelTo = 64,
    dInnerTo = 128,
    evaluations = 100,
  }: { layersTo?: number; dModelTo?: number; dInnerTo?: number; evaluations?: number } = {},
): Promise<void> {
  const fill = (label: string, value: number) => page.getByLabel(label, { exact: true }).fill(String(value));
  await fill('Vocabulary', 1000);
  await fill('Layers from', 1);
  await fill('Layers to', layersTo);
  await fill('Model width (dModel) from', 32);
  await fill('Model width (dModel) to', dModelTo);
  await fill('Model width (dModel) step', 32);
  await page.getByLabel('Heads (nHead choices)').fill('2');
  await fill('FFN width (dInner) from', 128);
  await fill('FFN width (dInner) to', dInnerTo);
  await fill('Evaluations', evaluations);
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await page.waitForFunction(() => document.querySelector('.arch-card')?.textContent?.includes('vocab 1,000'), null, { polling: 100 });
  await waitForSearchDone(page);
}

/** Records the page's long tasks (over 50 ms) from navigation on, in `window.__longTasks`. */
export async function recordLongTasks(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const w = window as unknown as { __longTasks: { start: number; duration: number }[] };
    w.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.__longTasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  });
}

/** Durations (ms, rounded) of the long tasks that started at or after `t0` (performance.now()). */
export const longTasksSince = (page: Page, t0: number): Promise<number[]> =>
  page.evaluate(
    (t0) =>
      (window as unknown as { __longTasks: { start: number; duration: number }[] }).__longTasks
        .filter((t) => t.start >= t0)
        .map((t) => Math.round(t.duration)),
    t0,
  );

/** Clicks the first `selector` whose text is `text` from inside the page and returns when
 *  (performance.now()): Playwright's role queries walk the accessibility tree on the main thread,
 *  which a long-task observer would count as the app's. */
export const clickByText = (page: Page, text: string, selector = 'button'): Promise<number> =>
  page.evaluate(
    ([text, selector]) => {
      const start = performance.now();
      [...document.querySelectorAll<HTMLElement>(selector)].find((b) => b.textContent?.trim() === text)!.click();
      return start;
    },
    [text, selector] as const,
  );
