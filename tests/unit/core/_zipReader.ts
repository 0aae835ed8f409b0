// A ZIP reader for the tests, written apart from src/core/zip.ts (PKWARE APPNOTE.TXT 4.3.7,
// 4.3.12, 4.3.16): finds the end of central directory record, reads every central directory
// header, and checks each entry's local header against it. Stored entries only (method 0), which
// is all the app writes; anything else, or any disagreement, throws.

export interface ZipReadEntry {
  name: string;
  flags: number;
  method: number;
  crc: number;
  size: number;
  date: number;
  time: number;
  /** The entry's bytes, a view into the archive. */
  data: Uint8Array;
}

export function readZip(zip: Uint8Array): ZipReadEntry[] {
  const v = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const u16 = (at: number) => v.getUint16(at, true);
  const u32 = (at: number) => v.getUint32(at, true);
  // The end record is the last 22 bytes when there is no archive comment (none is written).
  const end = zip.length - 22;
  if (end < 0 || u32(end) !== 0x06054b50) throw new Error('no end of central directory record in the last 22 bytes');
  const count = u16(end + 10);
  if (u16(end + 8) !== count || u16(end + 4) !== 0 || u16(end + 6) !== 0) throw new Error('multi-disk archive');
  const cdSize = u32(end + 12);
  let at = u32(end + 16);
  if (at + cdSize !== end) throw new Error(`central directory ${at}+${cdSize} does not end where the end record starts (${end})`);
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  const entries: ZipReadEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (u32(at) !== 0x02014b50) throw new Error(`central directory header ${i}: bad signature`);
    const nameLength = u16(at + 28);
    const extra = u16(at + 30);
    const comment = u16(at + 32);
    const entry = {
      flags: u16(at + 8),
      method: u16(at + 10),
      time: u16(at + 12),
      date: u16(at + 14),
      crc: u32(at + 16),
      size: u32(at + 24),
      name: utf8.decode(zip.subarray(at + 46, at + 46 + nameLength)),
    };
    if (u32(at + 20) !== entry.size) throw new Error(`${entry.name}: compressed size differs from size in a stored entry`);
    if (entry.method !== 0) throw new Error(`${entry.name}: method ${entry.method}, not stored`);
    const local = u32(at + 42);
    if (u32(local) !== 0x04034b50) throw new Error(`${entry.name}: no local header at ${local}`);
    const same: [string, number, number][] = [
      ['flags', u16(local + 6), entry.flags],
      ['method', u16(local + 8), entry.method],
      ['time', u16(local + 10), entry.time],
      ['date', u16(local + 12), entry.date],
      ['crc', u32(local + 14), entry.crc],
      ['compressed size', u32(local + 18), entry.size],
      ['size', u32(local + 22), entry.size],
      ['name length', u16(local + 26), nameLength],
    ];
    for (const [field, localValue, centralValue] of same)
      if (localValue !== centralValue) throw new Error(`${entry.name}: local ${field} ${localValue} != central ${centralValue}`);
    const dataAt = local + 30 + nameLength + u16(local + 28);
    if (utf8.decode(zip.subarray(local + 30, local + 30 + nameLength)) !== entry.name) throw new Error(`${entry.name}: local name differs`);
    entries.push({ ...entry, data: zip.subarray(dataAt, dataAt + entry.size) });
    at += 46 + nameLength + extra + comment;
  }
  return entries;
}
