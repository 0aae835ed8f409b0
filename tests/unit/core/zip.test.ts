// The STORE-only zip writer: CRC-32 against published check values and Node's zlib; archives read
// back by an independent reader (tests/unit/core/_zipReader.ts) and by Info-ZIP's unzip when the
// machine has it; progress; MS-DOS dates; and the refusal above 4 GiB, made before any byte is read.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { crc32, dosDateTime, ZipTooLargeError, zipStore, type ZipEntry } from '../../../src/core/zip';
import { readZip } from './_zipReader';

const utf8 = (s: string) => new TextEncoder().encode(s);
const concat = (parts: readonly Uint8Array[]) => new Uint8Array(Buffer.concat(parts));
/** Deterministic bytes that are not all alike (a CRC bug must show). */
const noise = (n: number, seed = 1) => {
  const out = new Uint8Array(n);
  let a = seed >>> 0;
  for (let i = 0; i < n; i++) {
    a = (Math.imul(a, 1664525) + 1013904223) >>> 0;
    out[i] = a >>> 24;
  }
  return out;
};

describe('crc32', () => {
  it('gives the published check values', () => {
    expect(crc32(utf8('123456789'))).toBe(0xcbf43926); // the CRC-32/ISO-HDLC check value
    expect(crc32(utf8('The quick brown fox jumps over the lazy dog'))).toBe(0x414fa339);
    expect(crc32(new Uint8Array(0))).toBe(0);
  });

  it("equals Node's zlib.crc32 at every alignment and length, and continues across pieces", () => {
    const data = noise(70_000);
    for (let start = 0; start < 9; start++)
      for (const length of [0, 1, 3, 7, 8, 9, 15, 16, 17, 31, 64, 1000, 65_537]) {
        const view = data.subarray(start, start + length);
        expect(crc32(view), `start ${start}, length ${length}`).toBe(zlib.crc32(view));
      }
    const whole = crc32(data);
    expect(crc32(data.subarray(33_333), crc32(data.subarray(0, 33_333)))).toBe(whole);
  });
});

describe('dosDateTime', () => {
  it('packs local time in 2-second steps and clamps years before 1980', () => {
    expect(dosDateTime(new Date(2024, 4, 17, 13, 45, 59))).toEqual({
      date: ((2024 - 1980) << 9) | (5 << 5) | 17,
      time: (13 << 11) | (45 << 5) | 29,
    });
    expect(dosDateTime(new Date(1970, 6, 4, 12))).toEqual({ date: (1 << 5) | 1, time: 0 });
  });
});

describe('zipStore', () => {
  const big = noise(2.5 * 2 ** 20 + 3, 7); // over two progress slices, not a multiple of 8
  const entries: ZipEntry[] = [
    { name: 'decoder_model.onnx', data: [noise(10, 2), big, new Uint8Array(0), noise(5, 3)] },
    { name: 'README.txt', data: 'hello\n' },
    { name: 'empty.bin', data: new Uint8Array(0) },
    { name: 'dir/naïve €.txt', data: utf8('non-ASCII name') },
  ];
  const modified = new Date(2025, 0, 2, 3, 4, 6);

  it('stores every entry as given, with its CRC, sizes, date and name, readable by an independent reader', () => {
    const zip = concat(zipStore(entries, { modified }));
    const read = readZip(zip);
    expect(read.map((e) => e.name)).toEqual(entries.map((e) => e.name));
    const { date, time } = dosDateTime(modified);
    read.forEach((e, i) => {
      const want = typeof entries[i].data === 'string' ? utf8(entries[i].data) : concat([entries[i].data].flat());
      expect(Buffer.from(e.data).equals(Buffer.from(want)), e.name).toBe(true);
      expect(e.crc, e.name).toBe(zlib.crc32(want));
      expect([e.method, e.date, e.time]).toEqual([0, date, time]);
      // Bit 11 marks a UTF-8 name; plain ASCII names go without it.
      expect(e.flags).toBe(e.name.startsWith('dir/') ? 0x0800 : 0);
    });
    // Nothing but headers around the data: 30 + 46 bytes and the name twice per entry, 22 at the end.
    const overhead = entries.reduce((n, e) => n + 76 + 2 * utf8(e.name).length, 22);
    expect(zip.length).toBe(overhead + read.reduce((n, e) => n + e.size, 0));
  });

  it('returns the entries’ chunks as parts, not copies', () => {
    const parts = zipStore(entries);
    expect(parts.includes(big)).toBe(true); // the same object, not equal bytes
  });

  it('gives the same bytes for the same entries (the default date is fixed)', () => {
    expect(Buffer.from(concat(zipStore(entries))).equals(Buffer.from(concat(zipStore(entries))))).toBe(true);
  });

  const unzip = spawnSync('unzip', ['-v']).status === 0;
  it.skipIf(!unzip)('Info-ZIP unzip tests the archive and extracts each entry byte for byte', () => {
    const dir = mkdtempSync(join(tmpdir(), 'zip-test-'));
    try {
      const file = join(dir, 'test.zip');
      writeFileSync(file, concat(zipStore(entries, { modified })));
      expect(execFileSync('unzip', ['-tq', file], { encoding: 'utf8' })).toMatch(/No errors detected/);
      for (const e of readZip(concat(zipStore(entries, { modified })))) {
        if (!/^[\x20-\x7e]+$/.test(e.name)) continue; // unzip -p's pattern matching of non-ASCII names depends on the locale
        const out = execFileSync('unzip', ['-p', file, e.name], { maxBuffer: 16 * 2 ** 20 });
        expect(Buffer.compare(out, Buffer.from(e.data)), e.name).toBe(0);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports progress in bytes: rising, within a large chunk, ending at the total', () => {
    const seen: [number, number][] = [];
    zipStore(entries, { onProgress: (done, total) => seen.push([done, total]) });
    const total = entries.reduce((n, e) => n + (typeof e.data === 'string' ? utf8(e.data).length : concat([e.data].flat()).length), 0);
    expect(seen.length).toBeGreaterThanOrEqual(4); // the 2.5 MiB chunk alone is three slices
    expect(seen.every(([, t]) => t === total)).toBe(true);
    expect(seen.map(([d]) => d)).toEqual([...seen.map(([d]) => d)].sort((a, b) => a - b));
    expect(seen.at(-1)).toEqual([total, total]);
  });

  it('an archive of nothing is the end record alone', () => {
    const zip = concat(zipStore([]));
    expect(zip.length).toBe(22);
    expect(readZip(zip)).toEqual([]);
  });

  it('refuses an archive over 4 GiB (zip64) before reading any data', () => {
    const mib = new Uint8Array(2 ** 20); // one MiB, listed 4,096 times: 4 GiB of entry without the memory
    const chunks = new Array<Uint8Array>(4096).fill(mib);
    let progress = 0;
    const make = (list: Uint8Array[]) => () => zipStore([{ name: 'a.bin', data: list }], { onProgress: () => progress++ });
    expect(make(chunks)).toThrow(ZipTooLargeError);
    expect(make(chunks)).toThrow(/the zip would be 4\.00 GiB; a zip over 4 GiB needs zip64/);
    expect(progress).toBe(0);
    // Just under (4 GiB - 1 MiB of data, headers included) it starts reading: stopped at the first slice.
    const started = () =>
      zipStore([{ name: 'a.bin', data: chunks.slice(1) }], {
        onProgress: () => {
          throw new Error('reading');
        },
      });
    expect(started).toThrow('reading');
  });
});
