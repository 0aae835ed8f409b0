// The page the browser benchmarks run in: Vite serves bench/browser/index.html (cross-origin
// isolated, like the app) to Debian's Chromium driven by playwright-core; `call` invokes what
// bench/browser/main.ts puts on globalThis.lmBench.
import type { Page } from 'playwright-core';
import { createServer } from 'vite';
import { launchBrowser } from '../tests/e2e/browser';

export type Caller<Api> = <K extends keyof Api & string>(
  name: K,
  ...args: Api[K] extends (...a: infer A) => unknown ? A : never
) => Promise<Api[K] extends (...a: never[]) => infer R ? Awaited<R> : never>;

function caller<Api>(page: Page): Caller<Api> {
  return (name, ...args) =>
    page.evaluate(
      ([n, a]) =>
        (globalThis as unknown as { lmBench: Record<string, (...x: unknown[]) => unknown> }).lmBench[n as string](...(a as unknown[])),
      [name, args] as const,
    ) as never;
}

/** Runs `work` against a fresh bench page; throws if the page reported an error meanwhile. */
export async function withBenchPage<Api, T>(work: (call: Caller<Api>) => Promise<T>): Promise<T> {
  // No HMR and no file watching: an edit elsewhere in the tree must not reload the page mid-run.
  const server = await createServer({
    configFile: 'vite.config.ts',
    logLevel: 'warn',
    server: { host: '127.0.0.1', port: 0, hmr: false, watch: { ignored: ['**/*'] } },
  });
  await server.listen();
  const url = `${server.resolvedUrls!.local[0]}bench/browser/index.html`;
  const browser = await launchBrowser();
  try {
    const context = await browser.newContext();
    await context.addInitScript('globalThis.__name = (f) => f;');
    const page = await context.newPage();
    page.setDefaultTimeout(0);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(url);
    await page.waitForFunction(() => 'lmBench' in globalThis, undefined, { timeout: 120_000 });
    const result = await work(caller<Api>(page));
    if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
    return result;
  } finally {
    await browser.close();
    await server.close();
  }
}
