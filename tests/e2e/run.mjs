// e2e runner: build the app, serve it with `vite preview` on a free loopback port, run the
// tests/e2e/*.test.ts files with Node's test runner (tsx for TypeScript) against it, stop the
// server, exit with the test runner's code.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const here = join(root, 'tests', 'e2e');

// An explicit CHROMIUM_PATH is used as given (a typo must not silently fall back).
const candidate = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const chromium = existsSync(candidate) ? candidate : undefined;
if (!chromium) {
  console.log('Chromium not found: install it (apt-get install -y chromium) or set CHROMIUM_PATH');
  process.exit(1);
}

const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';

// E2E_DIST builds and serves another folder, so two e2e runs on one checkout do not share dist/.
const outDir = process.env.E2E_DIST || 'dist';
const build = spawnSync(npx, ['vite', 'build', '--logLevel', 'warn', '--outDir', outDir], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) {
  console.log('e2e: vite build failed');
  process.exit(build.status ?? 1);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function waitForServer(url, ms) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    try {
      const r = await fetch(url);
      if (r.ok) return true;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  return false;
}

const port = await freePort();
const baseUrl = `http://127.0.0.1:${port}/`;
// detached: the server gets its own process group, so stopping it also stops its children.
const server = spawn(npx, ['vite', 'preview', '--host', '127.0.0.1', '--port', String(port), '--strictPort', '--outDir', outDir], {
  cwd: root,
  stdio: ['ignore', 'ignore', 'inherit'],
  detached: true,
});
const stopServer = () => {
  try {
    process.kill(-server.pid, 'SIGTERM');
  } catch {
    // already gone
  }
};
process.on('exit', stopServer);

let code = 1;
if (!(await waitForServer(baseUrl, 30_000))) {
  console.log(`e2e: vite preview did not answer on ${baseUrl}`);
} else {
  // Node 20's test runner does not expand globs itself: list the files here. Arguments pick
  // files by name (`node tests/e2e/run.mjs measure` runs measure.test.ts only).
  const only = process.argv.slice(2);
  const files = readdirSync(here)
    .filter((f) => f.endsWith('.test.ts') && (only.length === 0 || only.some((o) => f.includes(o))))
    .sort()
    .map((f) => relative(root, join(here, f)));
  const started = Date.now();
  const tests = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-reporter=tap', ...files], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, BASE_URL: baseUrl, CHROMIUM_PATH: chromium },
  });
  console.log(`# e2e wall time ${((Date.now() - started) / 1000).toFixed(1)} s`);
  code = tests.status ?? 1;
}
stopServer();
process.exit(code);
