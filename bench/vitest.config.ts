// The benchmark scripts' own checks (bench/tests), which `npm run bench` runs before the
// benchmarks; `npm test` (vitest.config.ts) leaves them out.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: new URL('..', import.meta.url).pathname,
    environment: 'node',
    include: ['bench/tests/**/*.test.ts'],
    testTimeout: 60_000,
  },
});
