// A STORE-only ZIP writer (PKWARE APPNOTE.TXT 6.3: 4.3.7 local file header, 4.3.12 central
// directory header, 4.3.16 end of central directory record). Entries are stored, not deflated:
// what the app zips is mostly fp32 random weights, which do not compress, and deflating a
// gigabyte would cost seconds for nothing. The archive comes back as a list of parts (the headers
// and the entries' own chunks, not copied), so a caller makes a Blob of it or writes it piece by
// piece without holding a second copy. No zip64: an archive past 4 GiB - 1 bytes is refused.

/** The largest size and offset a ZIP without zip64 records (32-bit fields). */
export const ZIP32_MAX_BYTES = 0xffffffff;

/** An archive that needs zip64 (over 4 GiB), or more entries than a 16-bit count holds. */
export class ZipTooLargeError extends RangeError {
  override name = 'ZipTooLargeError';
}

// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), slicing-by-8: eight 256-entry tables,
// eight bytes per step, read as two aligned 32-bit words. In Node over 0.54 GB: 0.45 s, against
// 1.2 s for the byte-at-a-time loop (which still does the unaligned ends, and everything on a
// big-endian host, where the words would be read in the wrong byte order).
const CRC_TABLES = (() => {
  const t = new Int32Array(8 * 256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  for (let n = 0; n < 256; n++) for (let k = 1; k < 8; k++) t[k * 256 + n] = (t[(k - 1) * 256 + n] >>> 8) ^ t[t[(k - 1) * 256 + n] & 0xff];
  return t;
})();

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** CRC-32 of `bytes`, continuing from `crc` (the CRC of what came before; 0 to start). */
export function crc32(bytes: Uint8Array, crc = 0): number {
  const t = CRC_TABLES;
  let c = ~crc;
  let i = 0;
  const n = bytes.length;
  if (LITTLE_ENDIAN) {
    for (; i < n && (bytes.byteOffset + i) & 3; i++) c = t[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
    const count = ((n - i) >> 3) << 1; // whole 8-byte steps; 0 when the loop above reached the end unaligned
    const words = count > 0 ? new Int32Array(bytes.buffer, bytes.byteOffset + i, count) : new Int32Array(0);
    for (let w = 0; w < words.length; w += 2) {
      const a = c ^ words[w];
      const b = words[w + 1];
      c =
        t[1792 + (a & 0xff)] ^
        t[1536 + ((a >>> 8) & 0xff)] ^
        t[1280 + ((a >>> 16) & 0xff)] ^
        t[1024 + (a >>> 24)] ^
        t[768 + (b & 0xff)] ^
        t[512 + ((b >>> 8) & 0xff)] ^
        t[256 + ((b >>> 16) & 0xff)] ^
        t[b >>> 24];
    }
    i += words.length * 4;
  }
  for (; i < n; i++) c = t[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

export interface ZipEntry {
  /** Path inside the archive, "/" between folders. */
  name: string;
  /** The contents: text (written as UTF-8) or bytes, whole or as consecutive chunks. */
  data: string | Uint8Array | readonly Uint8Array[];
}

export interface ZipOptions {
  /** Every entry's modification time (local time, 2-second steps, 1980-2107). Default 1980-01-01
   *  00:00, so the same entries give the same bytes. */
  modified?: Date;
  /** Called as the entries are checksummed (the work that scales with the data): bytes done and
   *  the entries' total, every MiB or so and once at the end. */
  onProgress?: (done: number, total: number) => void;
}

/** Checksummed in slices of this size, so progress moves within a large chunk (an embedding). */
const PROGRESS_SLICE = 1 << 20;

/** MS-DOS date and time, as ZIP headers hold them. */
export function dosDateTime(d: Date): { date: number; time: number } {
  const year = Math.min(Math.max(d.getFullYear(), 1980), 2107);
  const clamped = year !== d.getFullYear();
  const date = ((year - 1980) << 9) | ((clamped ? 1 : d.getMonth() + 1) << 5) | (clamped ? 1 : d.getDate());
  const time = clamped ? 0 : (d.getHours() << 11) | (d.getMinutes() << 5) | (d.getSeconds() >> 1);
  return { date, time };
}

/** Bytes of the archive `zipStore` makes of these entries. */
const archiveSize = (entries: readonly { name: Uint8Array; size: number }[]): number =>
  entries.reduce((n, e) => n + 30 + 46 + 2 * e.name.length + e.size, 22);

/**
 * The archive of `entries` (stored, not compressed) as consecutive parts, the entries' chunks
 * among them as given. Throws ZipTooLargeError, before reading any data, when the archive would
 * pass 4 GiB - 1 bytes (zip64 is not written) or hold over 65,535 entries.
 */
export function zipStore(entries: readonly ZipEntry[], options: ZipOptions = {}): Uint8Array[] {
  const utf8 = new TextEncoder();
  const files = entries.map((e) => {
    const chunks = typeof e.data === 'string' ? [utf8.encode(e.data)] : e.data instanceof Uint8Array ? [e.data] : [...e.data];
    return { name: utf8.encode(e.name), ascii: /^[\x20-\x7e]*$/.test(e.name), chunks, size: chunks.reduce((n, c) => n + c.length, 0) };
  });
  const bytes = archiveSize(files);
  if (bytes > ZIP32_MAX_BYTES)
    throw new ZipTooLargeError(
      `the zip would be ${(bytes / 2 ** 30).toFixed(2)} GiB; a zip over 4 GiB needs zip64, which this writer does not write`,
    );
  if (files.length > 0xffff) throw new ZipTooLargeError(`${files.length} entries; a zip without zip64 holds at most 65,535`);

  const { date, time } = dosDateTime(options.modified ?? new Date(1980, 0, 1));
  const total = files.reduce((n, f) => n + f.size, 0);
  let done = 0;
  let reported = -1;
  const report = () => {
    if (done !== reported) options.onProgress?.(done, total);
    reported = done;
  };

  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const f of files) {
    let crc = 0;
    for (const chunk of f.chunks) {
      for (let at = 0; at < chunk.length; at += PROGRESS_SLICE) {
        const slice = chunk.subarray(at, at + PROGRESS_SLICE);
        crc = crc32(slice, crc);
        done += slice.length;
        report();
      }
    }
    // Bit 11: the name is UTF-8 (else readers take it as code page 437).
    const flags = f.ascii ? 0 : 0x0800;
    const local = header(30, f.name, (v) => {
      v.setUint32(0, 0x04034b50, true);
      v.setUint16(4, 10, true); // version needed: 1.0, stored entries
      v.setUint16(6, flags, true);
      v.setUint16(8, 0, true); // method 0: stored
      v.setUint16(10, time, true);
      v.setUint16(12, date, true);
      v.setUint32(14, crc, true);
      v.setUint32(18, f.size, true); // compressed size = size: stored
      v.setUint32(22, f.size, true);
      v.setUint16(26, f.name.length, true);
      v.setUint16(28, 0, true); // no extra field
    });
    central.push(
      header(46, f.name, (v) => {
        v.setUint32(0, 0x02014b50, true);
        v.setUint16(4, (3 << 8) | 20, true); // made by: Unix (so the mode below is read), spec 2.0
        v.setUint16(6, 10, true);
        v.setUint16(8, flags, true);
        v.setUint16(10, 0, true);
        v.setUint16(12, time, true);
        v.setUint16(14, date, true);
        v.setUint32(16, crc, true);
        v.setUint32(20, f.size, true);
        v.setUint32(24, f.size, true);
        v.setUint16(28, f.name.length, true);
        // extra, comment, disk number, internal attributes: 0
        v.setUint32(38, 0o100644 << 16, true); // external attributes: a regular file, rw-r--r--
        v.setUint32(42, offset, true);
      }),
    );
    parts.push(local, ...f.chunks);
    offset += local.length + f.size;
  }
  const centralSize = central.reduce((n, c) => n + c.length, 0);
  const end = new Uint8Array(22);
  const v = new DataView(end.buffer);
  v.setUint32(0, 0x06054b50, true);
  v.setUint16(8, files.length, true); // entries on this disk
  v.setUint16(10, files.length, true); // entries in all
  v.setUint32(12, centralSize, true);
  v.setUint32(16, offset, true); // where the central directory starts
  report(); // an archive of empty entries still reports its end
  return [...parts, ...central, end];
}

/** A fixed-size header followed by the entry's name. */
function header(size: number, name: Uint8Array, write: (v: DataView) => void): Uint8Array {
  const out = new Uint8Array(size + name.length);
  write(new DataView(out.buffer));
  out.set(name, size);
  return out;
}
