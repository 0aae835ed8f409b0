// Mutated and random link payloads for the link fuzz tests (core/linkFuzz, state/shareLinkFuzz):
// start from real payloads, damage their bytes (then deflate or not, as a link would carry them),
// damage their text, or make up text from nothing. Every decoder must answer each with a value
// or a LinkError, in bounded time.
import fc from 'fast-check';
import { archKey, type Arch } from '../../../src/core/arch';
import type { MeasureResult } from '../../../src/core/timingStats';
import { expect } from 'vitest';
import { deflateRaw, LinkError, toBase64Url } from '../../../src/core/linkCodec';
import { RESULTS_LIMITS, type ResultsLink } from '../../../src/core/resultsLink';
import { validateArch } from '../../../src/core/validate';

type Bytes = Uint8Array;
type Mutation = (b: Bytes) => Bytes;

const concat = (...parts: Bytes[]): Bytes => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

/** LEB128, as ByteWriter.uint writes it (any size: the reader must refuse what it cannot use). */
function varint(v: number): Bytes {
  const out: number[] = [];
  do {
    const low = v % 128;
    v = Math.floor(v / 128);
    out.push(v > 0 ? low | 128 : low);
  } while (v > 0);
  return Uint8Array.from(out);
}

const HUGE = [0, 1, 127, 128, 255, 256, 4096, 65_536, 2 ** 31 - 1, 2 ** 31, 2 ** 32, 2 ** 32 + 1, 2 ** 53 - 1, 2 ** 56, 2 ** 60, 1e20];

const at = (b: Bytes, i: number) => (b.length ? i % b.length : 0);

/** One change to the bytes of a payload. */
const byteMutation: fc.Arbitrary<Mutation> = fc.oneof(
  // flip a bit
  fc.tuple(fc.nat(), fc.integer({ min: 0, max: 7 })).map(([i, bit]): Mutation => (b) => {
    const c = b.slice();
    if (c.length) c[at(c, i)] ^= 1 << bit;
    return c;
  }),
  // set a byte
  fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })).map(([i, v]): Mutation => (b) => {
    const c = b.slice();
    if (c.length) c[at(c, i)] = v;
    return c;
  }),
  // truncate
  fc.nat().map(
    (n): Mutation =>
      (b) =>
        b.slice(0, n % (b.length + 1)),
  ),
  // append junk
  fc.uint8Array({ minLength: 1, maxLength: 64 }).map(
    (junk): Mutation =>
      (b) =>
        concat(b, junk),
  ),
  // insert or overwrite with a huge number
  fc.tuple(fc.nat(), fc.constantFrom(...HUGE), fc.boolean()).map(([i, v, overwrite]): Mutation => (b) => {
    const k = at(b, i);
    const n = varint(v);
    return concat(b.subarray(0, k), n, b.subarray(overwrite ? Math.min(b.length, k + n.length) : k));
  }),
  // a run of continuation bytes (a varint that never ends)
  fc.tuple(fc.nat(), fc.integer({ min: 1, max: 40 })).map(([i, n]): Mutation => (b) => {
    const k = at(b, i);
    return concat(b.subarray(0, k), new Uint8Array(n).fill(0xff), b.subarray(k));
  }),
  // delete a range
  fc.tuple(fc.nat(), fc.integer({ min: 1, max: 16 })).map(([i, n]): Mutation => (b) => {
    const k = at(b, i);
    return concat(b.subarray(0, k), b.subarray(k + n));
  }),
  // duplicate a range
  fc.tuple(fc.nat(), fc.integer({ min: 1, max: 32 })).map(([i, n]): Mutation => (b) => {
    const k = at(b, i);
    return concat(b.subarray(0, k + n), b.subarray(k));
  }),
);

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const STRANGE = ['=', '+', '/', '%', '&', '#', ' ', '\n', '\u0000', '€', '😀', '\ud800', '%zz', '&v=2', '&s=', '&m=rAA'];

type TextMutation = (t: string) => string;

/** One change to the text of a payload or hash. */
const textMutation: fc.Arbitrary<TextMutation> = fc.oneof(
  fc.nat().map(
    (n): TextMutation =>
      (t) =>
        t.slice(0, n % (t.length + 1)),
  ),
  fc.tuple(fc.nat(), fc.constantFrom(...ALPHABET)).map(([i, c]): TextMutation => (t) => {
    const k = t.length ? i % t.length : 0;
    return t.slice(0, k) + c + t.slice(k + 1);
  }),
  fc.tuple(fc.nat(), fc.constantFrom(...STRANGE)).map(([i, c]): TextMutation => (t) => {
    const k = t.length ? i % (t.length + 1) : 0;
    return t.slice(0, k) + c + t.slice(k);
  }),
  fc.string({ unit: 'binary', maxLength: 40 }).map(
    (junk): TextMutation =>
      (t) =>
        t + junk,
  ),
  fc.stringMatching(/^[A-Za-z0-9_-]{1,40}$/).map(
    (junk): TextMutation =>
      (t) =>
        t + junk,
  ),
  fc.constantFrom('z', 'r', 'q', '').map(
    (tag): TextMutation =>
      (t) =>
        tag + t.slice(1),
  ),
);

/** How a payload is damaged: its bytes (then stored deflated or raw), its deflated bytes, or its text. */
export type PayloadCase =
  | { kind: 'bytes'; base: number; mutations: Mutation[]; deflate: boolean }
  | { kind: 'deflated'; base: number; mutations: Mutation[] }
  | { kind: 'text'; base: number; mutations: TextMutation[] }
  | { kind: 'random'; text: string };

export function payloadCase(bases: number): fc.Arbitrary<PayloadCase> {
  const base = fc.integer({ min: 0, max: bases - 1 });
  return fc.oneof(
    {
      weight: 5,
      arbitrary: fc.record({
        kind: fc.constant('bytes' as const),
        base,
        mutations: fc.array(byteMutation, { minLength: 1, maxLength: 4 }),
        deflate: fc.boolean(),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant('deflated' as const),
        base,
        mutations: fc.array(byteMutation, { minLength: 1, maxLength: 3 }),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({ kind: fc.constant('text' as const), base, mutations: fc.array(textMutation, { minLength: 1, maxLength: 3 }) }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('random' as const),
        text: fc.oneof(
          fc.string({ maxLength: 80 }),
          fc.stringMatching(/^[zr][A-Za-z0-9_-]{0,120}$/),
          fc.uint8Array({ maxLength: 200 }).map((b) => `r${toBase64Url(b)}`),
        ),
      }),
    },
  );
}

/** A valid payload: its bytes (as the decoder reads them) and its text. */
export interface Seed {
  bytes: Uint8Array;
  text: string;
}

/** The payload text a case describes. */
export async function payloadOf(c: PayloadCase, seeds: readonly Seed[]): Promise<string> {
  switch (c.kind) {
    case 'bytes': {
      const bytes = c.mutations.reduce((b, m) => m(b), seeds[c.base].bytes);
      return c.deflate ? `z${toBase64Url(await deflateRaw(bytes))}` : `r${toBase64Url(bytes)}`;
    }
    case 'deflated': {
      const packed = c.mutations.reduce((b, m) => m(b), await deflateRaw(seeds[c.base].bytes));
      return `z${toBase64Url(packed)}`;
    }
    case 'text':
      return c.mutations.reduce((t, m) => m(t), seeds[c.base].text);
    case 'random':
      return c.text;
  }
}

/** A hash of any link, damaged as text (readLinkHash's input). */
export const hashMutations = fc.array(textMutation, { minLength: 0, maxLength: 4 });

/** How each input came out, for the report and the "many were read, many refused" checks. */
export interface Tally {
  inputs: number;
  read: number;
  refused: number;
}

export const tally = (): Tally => ({ inputs: 0, read: 0, refused: 0 });

/** A decoder's answer within `ms`: a value, or a LinkError (anything else fails the test). */
export async function settle<T>(decode: () => Promise<T>, t: Tally, what: string, ms = 5000): Promise<T | LinkError> {
  t.inputs++;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  try {
    const value = await Promise.race([decode(), hang]);
    t.read++;
    return value;
  } catch (e) {
    if (!(e instanceof LinkError)) {
      expect.fail(`${what}: threw ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}, not a LinkError`);
    }
    expect(e.message.length).toBeGreaterThan(0);
    t.refused++;
    return e;
  } finally {
    clearTimeout(timer);
  }
}

/** A decoded results link (or a share link's measured part) is within the bounds. */
export function expectResultsLink(l: ResultsLink): void {
  expect(l.candidates.length).toBeLessThanOrEqual(RESULTS_LIMITS.candidates);
  expect(l.series.length).toBeLessThanOrEqual(RESULTS_LIMITS.series);
  for (const a of l.candidates) expect(validateArch(a)).toEqual([]);
  for (const s of l.series) {
    expect(s.measurements).toHaveLength(l.candidates.length);
    expect(new Date(s.at).toISOString()).toBe(s.at);
    expect(typeof s.label).toBe('string');
    expect(typeof s.device.backend).toBe('string');
    for (const v of Object.values(s.device)) expect(['string', 'number', 'boolean']).toContain(typeof v);
    // A peak no runtime reported (ONNX Runtime's) reads as null, never as a number made up.
    for (const m of s.measurements)
      if (m) expect(Number.isFinite(m.decode.medianMs) && (m.peakBytes === null || Number.isFinite(m.peakBytes))).toBe(true);
    expect(s.runtime === undefined || s.runtime === 'ort').toBe(true); // tfjs reads as absent
  }
}

/** A measure result for `arch` with decode median `ms` (prefill 10x), as the link tests need. */
export const resultOf = (arch: Arch, ms = 1, { runs = 17, tokens = 128, cv = 0.0412 } = {}): MeasureResult => {
  const t = (m: number) => ({ medianMs: m, p10Ms: m * 0.9, p90Ms: m * 1.2, cv, firstRunMs: m * 3, runs, timesMs: [] });
  return {
    backend: 'wasm',
    arch: archKey(arch),
    params: 1,
    tokens,
    buildMs: 1,
    prefill: t(ms * 10),
    decode: t(ms),
    peakBytes: 123456789,
    estimatedBytes: 1,
    leakedTensors: 0,
    slices: 4,
  };
};
