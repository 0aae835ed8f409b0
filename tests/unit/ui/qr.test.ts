// QR codes for the phone link (src/ui/qr.ts, src/ui/QrCode.tsx): the version lean-qr picks at
// error correction L against the standard's capacities, the module matrix, the drawing layout,
// the component's markup before the code exists, and that the library stays out of static imports.
import { join } from 'node:path';
import { createElement, type ComponentType } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { makeQr, MAX_QR_VERSION, QrTooLongError, qrLayout, qrVersion, QUIET_ZONE } from '../../../src/ui/qr';
import { packagesReached, ROOT } from '../imports';

/** A URL-like string of exactly `length` characters with no digits or capitals, so byte mode only. */
function url(length: number): string {
  const head = 'https://phone.example/#m=';
  let s = head;
  for (let i = 0; s.length < length; i++) s += 'abcdefghijklmnopqrstuvwxyz-_.~'[(i * 7 + (i >> 3)) % 30];
  return s.slice(0, length);
}

describe('makeQr / qrVersion (error correction L)', () => {
  it('picks the smallest version that holds the bytes: 25-L holds 1,273, 24-L 1,171', async () => {
    expect(await qrVersion(url(1000))).toBeLessThanOrEqual(25);
    expect(await qrVersion(url(1000))).toBe(22); // 22-L: 1,003 bytes
    expect(await qrVersion(url(1270))).toBe(25);
    expect(await qrVersion(url(1171))).toBe(24);
    expect(await qrVersion(url(1172))).toBe(25);
    expect(await qrVersion(url(1273))).toBe(25);
    expect(await qrVersion(url(1274))).toBe(26);
  });

  it('a mixed-case, digit-bearing link is no bigger (lean-qr may use shorter segments)', async () => {
    const link = 'https://192.168.1.23:4173/#m=' + 'Ab3_x9-QZ0'.repeat(124); // 1,269 characters
    expect(await qrVersion(link)).toBeLessThanOrEqual(25);
  });

  it('a 3,000-character string is too long (version 40-L holds 2,953 bytes)', async () => {
    expect(await qrVersion(url(2953))).toBe(MAX_QR_VERSION);
    expect(await qrVersion(url(3000))).toBeNull();
    await expect(makeQr(url(3000))).rejects.toBeInstanceOf(QrTooLongError);
    await expect(makeQr(url(3000))).rejects.toThrow(/3,000 bytes/);
    await expect(makeQr('😀'.repeat(750))).rejects.toThrow(/3,000 bytes/); // UTF-8 bytes, not characters
    await expect(makeQr('7'.repeat(7089))).resolves.toMatchObject({ version: 40 }); // numeric mode: 7,089 digits
    await expect(makeQr('7'.repeat(7090))).rejects.toBeInstanceOf(QrTooLongError);
    await expect(makeQr('x'.repeat(1_000_000))).rejects.toThrow(/1,000,000 bytes/);
  });

  it('the module matrix is square, 4 × version + 17 a side, with the three finder patterns', async () => {
    for (const text of ['', 'x', url(100), url(1270), url(2953)]) {
      const qr = await makeQr(text);
      expect(qr.size).toBe(4 * qr.version + 17);
      expect(qr.version).toBeGreaterThanOrEqual(1);
      expect(qr.version).toBeLessThanOrEqual(40);
      const n = qr.size;
      // A finder pattern's dark 7 × 7 ring and 3 × 3 centre at three corners; light separators.
      for (const [ox, oy] of [
        [0, 0],
        [n - 7, 0],
        [0, n - 7],
      ]) {
        for (let i = 0; i < 7; i++) {
          expect(qr.modules(ox + i, oy)).toBe(true);
          expect(qr.modules(ox + i, oy + 6)).toBe(true);
          expect(qr.modules(ox, oy + i)).toBe(true);
          expect(qr.modules(ox + 6, oy + i)).toBe(true);
        }
        expect(qr.modules(ox + 1, oy + 1)).toBe(false);
        expect(qr.modules(ox + 3, oy + 3)).toBe(true);
      }
      expect(qr.modules(-1, 0)).toBe(false);
      expect(qr.modules(n, n - 1)).toBe(false);
    }
  });
});

describe('qrLayout', () => {
  it('whole CSS pixels per module, at least 4 device pixels, 4-module quiet zone', () => {
    for (const size of [21, 57, 117, 177]) {
      for (const dpr of [0.5, 1, 1.25, 1.5, 2, 2.625, 3, 4]) {
        for (const target of [0, 100, 200, 600, 10_000]) {
          const l = qrLayout(size, dpr, target);
          expect(l.modules).toBe(size + 2 * QUIET_ZONE);
          expect(Number.isInteger(l.cssPerModule)).toBe(true);
          expect(l.cssPerModule).toBeGreaterThanOrEqual(1);
          expect(l.screenPerModule).toBeGreaterThanOrEqual(4);
          expect(l.cssSize).toBe(l.cssPerModule * l.modules);
          expect(l.pixels).toBeLessThanOrEqual(4096);
        }
      }
    }
  });

  it('comes as close to the target as whole pixels allow', () => {
    expect(qrLayout(25, 1, 200)).toMatchObject({ cssPerModule: 6, cssSize: 198, pixels: 198 });
    expect(qrLayout(25, 2, 200)).toMatchObject({ cssPerModule: 6, cssSize: 198, pixels: 396 });
    expect(qrLayout(177, 1, 200)).toMatchObject({ cssPerModule: 4, cssSize: 740 }); // never under 4 device px
    expect(qrLayout(177, 3, 200)).toMatchObject({ cssPerModule: 2, cssSize: 370, pixels: 1110 });
  });

  it('any input gives finite, positive numbers', () => {
    for (const [s, d, t] of [
      [NaN, NaN, NaN],
      [-5, 0, -1],
      [Infinity, Infinity, Infinity],
      [0, 1e-9, 1e12],
    ]) {
      const l = qrLayout(s, d, t);
      for (const v of Object.values(l)) {
        expect(Number.isFinite(v)).toBe(true);
        expect(v).toBeGreaterThan(0);
      }
    }
  });
});

describe('QrCode component', () => {
  // Imported through a variable: the Node tsconfig has neither JSX nor DOM types.
  const load = async () =>
    (await import(/* @vite-ignore */ `../../../src/ui/${'QrCode'}.tsx`)) as { QrCode: ComponentType<{ text: string; label: string }> };

  it('renders a message, not a code, before the library has loaded (server render: no effects)', async () => {
    const { QrCode } = await load();
    for (const text of ['https://192.168.1.23:4173/', url(3000), '']) {
      const html = renderToStaticMarkup(createElement(QrCode, { text, label: 'Open on a phone' }));
      expect(html).toContain('role="status"');
      expect(html).toContain('Making the QR code…');
      expect(html).not.toContain('<canvas');
    }
  });

  it('does not import the QR library statically (it must stay out of the first chunk)', () => {
    const reached = packagesReached(join(ROOT, 'src/ui/QrCode.tsx'));
    expect(reached.has('react')).toBe(true);
    expect([...reached.keys()].filter((p) => p.startsWith('lean-qr'))).toEqual([]);
  });
});
