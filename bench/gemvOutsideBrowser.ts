// The drift bench's controls outside the browser: the same GEMV reference kernel, timed call
// after call for the same time in the same windows, (1) in Node with tfjs-backend-wasm, no
// browser, and (2) as plain C compiled here (bench/native/gemv.c). If both spread as much as the
// kernel does in Chromium, the drift is this machine's memory system's, not the browser's, wasm's
// or tfjs's, and no protocol of ours inside the browser can take it out of a raw figure.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../src/measure/backends';
import { createReference } from '../src/measure/referenceKernels';

/** One call of a kernel: when it started (ms since the first call) and how long it took. */
export interface TimedCall {
  atMs: number;
  ms: number;
}

/** Calls grouped into consecutive windows of `windowMs` by start time; the last, partial
 *  window is dropped (a window of a few calls would weigh as much as a full one). */
export function windowsOf(calls: readonly TimedCall[], windowMs: number, seconds: number): number[][] {
  if (!(windowMs > 0)) throw new RangeError(`window must be > 0 ms, got ${windowMs}`);
  const full = Math.floor((seconds * 1000) / windowMs);
  const windows: number[][] = Array.from({ length: full }, () => []);
  for (const { atMs, ms } of calls) {
    const i = Math.floor(atMs / windowMs);
    if (i < full) windows[i].push(ms);
  }
  return windows.filter((w) => w.length > 0);
}

/** The browser's reference kernel in Node's tfjs-backend-wasm (same shape: wasm's). */
export async function nodeWasmGemv(seconds: number): Promise<{ description: string; calls: TimedCall[] }> {
  tf.enableProdMode();
  await selectBackend('wasm');
  const reference = createReference('gemv');
  try {
    for (let i = 0; i < 5; i++) await reference.time();
    const calls: TimedCall[] = [];
    const t0 = performance.now();
    while (performance.now() - t0 < seconds * 1000) {
      const atMs = performance.now() - t0;
      calls.push({ atMs, ms: await reference.time() });
    }
    return { description: reference.description, calls };
  } finally {
    reference.dispose();
  }
}

/** Parses gemv.c's output: one "<ms since start> <ms>" line per call. */
export function parseNativeCalls(stdout: string): TimedCall[] {
  return stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => {
      const [at, ms] = l.trim().split(/\s+/).map(Number);
      if (!Number.isFinite(at) || !Number.isFinite(ms)) throw new Error(`gemv: unreadable line "${l}"`);
      return { atMs: at, ms };
    });
}

const SOURCE = join(import.meta.dirname, 'native', 'gemv.c');
const CFLAGS = ['-O3', '-march=native'];

/** Compiles gemv.c with the machine's `cc` and runs it; `skipped` says why when it cannot. */
export function nativeGemv(seconds: number): { compiler: string; calls: TimedCall[] } | { skipped: string } {
  const cc = process.env.CC ?? 'cc';
  if (spawnSync(cc, ['--version']).status !== 0) return { skipped: `no C compiler (${cc})` };
  const dir = mkdtempSync(join(tmpdir(), 'lm-gemv-'));
  try {
    const bin = join(dir, 'gemv');
    execFileSync(cc, [...CFLAGS, '-o', bin, SOURCE]);
    const out = execFileSync(bin, [String(seconds)], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    return { compiler: `${cc} ${CFLAGS.join(' ')}`, calls: parseNativeCalls(out) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
