// Checks of the benchmark scripts' own helpers, run by `npm run bench` before the benchmarks (not by
// `npm test`: the native GEMV control needs a C compiler, and npm test needs only Node and Chromium).
import { describe, expect, it } from 'vitest';
import { nativeGemv, nodeWasmGemv, parseNativeCalls, windowsOf } from '../gemvOutsideBrowser';

describe('windowsOf', () => {
  it('groups calls by start time and drops the partial last window', () => {
    const calls = [
      { atMs: 0, ms: 1 },
      { atMs: 1500, ms: 2 },
      { atMs: 2000, ms: 3 },
      { atMs: 3999, ms: 4 },
      { atMs: 4100, ms: 5 }, // the run lasted 4.5 s: the window from 4 s is partial
    ];
    expect(windowsOf(calls, 2000, 4.5)).toEqual([
      [1, 2],
      [3, 4],
    ]);
  });

  it('leaves out windows with no call and refuses a window of 0 ms', () => {
    expect(windowsOf([{ atMs: 4500, ms: 7 }], 2000, 6)).toEqual([[7]]);
    expect(() => windowsOf([], 0, 1)).toThrow(RangeError);
  });
});

describe('parseNativeCalls', () => {
  it('reads one call per line and rejects a line it cannot read', () => {
    expect(parseNativeCalls('0.000 2.0431\n2.050 2.1000\n')).toEqual([
      { atMs: 0, ms: 2.0431 },
      { atMs: 2.05, ms: 2.1 },
    ]);
    expect(() => parseNativeCalls('0.000 2.0\nSegmentation fault\n')).toThrow(/unreadable line "Segmentation fault"/);
  });
});

describe('the GEMV outside the browser', () => {
  // 67.1 MB read per call: under 0.5 ms would be over 130 GB/s, more than any 2-core VM streams,
  // i.e. the work was optimised away or never done.
  const plausible = (ms: number) => ms > 0.5 && ms < 1000;

  it("in Node's tfjs-backend-wasm: the browser's reference shape, calls back to back", async () => {
    const { description, calls } = await nodeWasmGemv(0.5);
    expect(description).toBe('GEMV [1 x 1024] x [1024 x 4096], 4 matrices (67.1 MB)');
    expect(calls.length).toBeGreaterThan(2);
    expect(calls.every((c) => plausible(c.ms))).toBe(true);
    for (let i = 1; i < calls.length; i++) expect(calls[i].atMs).toBeGreaterThanOrEqual(calls[i - 1].atMs + calls[i - 1].ms);
  });

  // Needs a C compiler (cc, or $CC), as the drift bench's native control does.
  it('in C: compiles with the machine cc and reads the whole weights', () => {
    const r = nativeGemv(0.5);
    if ('skipped' in r) throw new Error(r.skipped);
    expect(r.compiler).toMatch(/-O3 -march=native/);
    expect(r.calls.length).toBeGreaterThan(2);
    expect(r.calls.every((c) => plausible(c.ms))).toBe(true);
  });

  it('in C: says why when there is no compiler', () => {
    const saved = process.env.CC;
    process.env.CC = 'no-such-compiler-here';
    try {
      expect(nativeGemv(0.1)).toEqual({ skipped: 'no C compiler (no-such-compiler-here)' });
    } finally {
      if (saved === undefined) delete process.env.CC;
      else process.env.CC = saved;
    }
  });
});
