import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { CSP, HEADER_ONLY } from '../../csp.mjs';

it('the deploy headers carry the same Content Security Policy as the built page, and it allows no inline script or eval', () => {
  const headers = readFileSync(new URL('../../public/_headers', import.meta.url), 'utf8');
  const line = headers.split('\n').find((l) => l.trim().startsWith('Content-Security-Policy:'));
  expect(line?.trim()).toBe(`Content-Security-Policy: ${CSP}; ${HEADER_ONLY}`);
  const script = CSP.split('; ').find((d) => d.startsWith('script-src'));
  expect(script).toBe("script-src 'self' 'wasm-unsafe-eval'");
  expect(CSP).not.toMatch(/'unsafe-eval'|'unsafe-inline'/);
  expect(CSP).toMatch(/worker-src 'self' blob:/);
});
