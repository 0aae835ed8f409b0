// Serve the app on the local network over HTTPS (self-signed certificate), for measuring on a
// phone: WebGPU needs a secure context, and wasm threads need cross-origin isolation, which needs
// one too; http://192.168.x.y is not one (only localhost is).
//
//   node scripts/lan.mjs preview [--port N]   vite build, then vite preview  (npm run preview:lan)
//   node scripts/lan.mjs dev [--port N]       the dev server                 (npm run dev:lan)
//
// LAN=1 turns on @vitejs/plugin-basic-ssl and host 0.0.0.0 in vite.config.ts; BASE_PATH is
// honoured as for any build. Vite prints its own output; then this prints the URL of every
// non-internal IPv4 interface and, in the terminal, a QR code of the first (lean-qr, as the app).
import { networkInterfaces } from 'node:os';
import { dirname, join } from 'node:path';
import process from 'node:process';
import { fileURLToPath, URL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = (line = '') => process.stdout.write(`${line}\n`);

const [command = 'preview', ...rest] = process.argv.slice(2);
const portArg = rest.indexOf('--port');
const port = portArg >= 0 ? Number(rest[portArg + 1]) : undefined;
if (!['preview', 'dev'].includes(command) || (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536))) {
  process.stderr.write('usage: node scripts/lan.mjs preview|dev [--port N]\n');
  process.exit(2);
}

// Before vite.config.ts is loaded.
process.env.LAN = '1';
const vite = await import('vite');
const configFile = join(root, 'vite.config.ts');

/** IPv4 addresses of this machine's network interfaces, loopback and the like left out. */
function lanAddresses() {
  const found = [];
  for (const list of Object.values(networkInterfaces()))
    for (const a of list ?? []) if ((a.family === 'IPv4' || a.family === 4) && !a.internal) found.push(a.address);
  return found;
}

/** The code as text for a terminal: two rows of modules per line (half blocks), black on white
 *  set explicitly so it reads the same on dark and light terminals, with the 4-module quiet zone. */
function terminalQr(code) {
  const pad = 4;
  const lines = [];
  const ink = (x, y) => (code.get(x, y) ? 30 : 97); // ANSI foreground black, bright white (+10: background)
  for (let y = -pad; y < code.size + pad; y += 2) {
    let line = '';
    let last = '';
    for (let x = -pad; x < code.size + pad; x++) {
      const colours = `\x1b[${ink(x, y)};${ink(x, y + 1) + 10}m`; // upper half: top module; below: bottom
      line += (colours === last ? '' : colours) + '▀';
      last = colours;
    }
    lines.push(`${line}\x1b[0m`);
  }
  return lines.join('\n');
}

let server;
if (command === 'preview') {
  await vite.build({ root, configFile });
  server = await vite.preview({ root, configFile, preview: port ? { port } : {} });
} else {
  server = await vite.createServer({ root, configFile, server: port ? { port } : {} });
  await server.listen();
}
server.printUrls();
server.bindCLIShortcuts({ print: true });

// The scheme, port and base path the server settled on (Vite moves to the next port if taken).
const local = new URL(server.resolvedUrls?.local[0] ?? `https://localhost:${server.httpServer?.address()?.port}/`);
const urls = lanAddresses().map((ip) => `${local.protocol}//${ip}${local.port ? `:${local.port}` : ''}${local.pathname}`);
out();
if (urls.length === 0) {
  out('  No LAN address found (no non-internal IPv4 interface): connect to a network and restart.');
} else {
  out(`  Open on a phone on the same network (accept the self-signed certificate warning):`);
  for (const url of urls) out(`    ${url}`);
  const { generate, correction } = await import('lean-qr');
  out();
  out(terminalQr(generate(urls[0], { minCorrectionLevel: correction.L, maxCorrectionLevel: correction.L })));
  out(`  ${urls[0]}`);
}
out();
