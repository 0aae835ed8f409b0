// The bytes behind the links: base64url, raw deflate, the binary writer and reader, and the
// positional property table.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ByteReader,
  ByteWriter,
  bitsFor,
  decodePayload,
  encodePayload,
  fromBase64Url,
  LinkError,
  readProperties,
  toBase64Url,
  writeProperties,
  type LinkProperty,
} from '../../../src/core/linkCodec';

describe('base64url', () => {
  it('round-trips any bytes, without padding, in the URL-safe alphabet', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const text = toBase64Url(bytes);
        expect(text).toMatch(/^[A-Za-z0-9_-]*$/);
        expect(text.length).toBe(Math.ceil((bytes.length * 8) / 6));
        expect(fromBase64Url(text)).toEqual(bytes);
      }),
    );
  });

  it('agrees with the platform base64 (but URL-safe and unpadded)', () => {
    const bytes = Uint8Array.from([251, 255, 191, 0, 1, 2, 3]);
    expect(toBase64Url(bytes)).toBe(Buffer.from(bytes).toString('base64url'));
  });

  it('refuses characters links never use, and a text cut mid-byte', () => {
    expect(() => fromBase64Url('ab+c')).toThrow(LinkError);
    expect(() => fromBase64Url('abcde')).toThrow(/cut short/);
  });
});

describe('payloads', () => {
  it('round-trip, deflated when that is shorter and raw otherwise', async () => {
    const repetitive = new TextEncoder().encode('gpt2 '.repeat(100));
    const z = await encodePayload(repetitive);
    expect(z[0]).toBe('z');
    expect(z.length).toBeLessThan(100);
    expect(await decodePayload(z)).toEqual(repetitive);
    const tiny = Uint8Array.from([7]);
    const r = await encodePayload(tiny);
    expect(r).toBe('rBw');
    expect(await decodePayload(r)).toEqual(tiny);
  });

  it('says a damaged or unknown payload is one, never returns garbage silently', async () => {
    const z = await encodePayload(new TextEncoder().encode('measure me '.repeat(50)));
    await expect(decodePayload(z.slice(0, z.length - 8))).rejects.toThrow(LinkError);
    await expect(decodePayload(`q${z.slice(1)}`)).rejects.toThrow(/unknown form/);
  });
});

describe('ByteWriter and ByteReader', () => {
  type Op =
    { kind: 'uint'; v: number } | { kind: 'string'; v: string } | { kind: 'bits'; v: number; w: number } | { kind: 'byte'; v: number };
  const op: fc.Arbitrary<Op> = fc.oneof(
    fc.record({ kind: fc.constant('uint' as const), v: fc.maxSafeNat() }),
    fc.record({ kind: fc.constant('string' as const), v: fc.string({ maxLength: 40 }) }),
    fc.record({ kind: fc.constant('byte' as const), v: fc.integer({ min: 0, max: 255 }) }),
    fc
      .integer({ min: 0, max: 24 })
      .chain((w) => fc.record({ kind: fc.constant('bits' as const), w: fc.constant(w), v: fc.integer({ min: 0, max: 2 ** w - 1 }) })),
  );

  it('read back what was written, in any mix of bytes, varints, strings and bit fields', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
        const w = new ByteWriter();
        for (const o of ops) {
          if (o.kind === 'uint') w.uint(o.v);
          else if (o.kind === 'string') w.string(o.v);
          else if (o.kind === 'byte') w.byte(o.v);
          else w.bits(o.v, o.w);
        }
        const r = new ByteReader(w.finish());
        for (const o of ops) {
          if (o.kind === 'uint') expect(r.uint()).toBe(o.v);
          else if (o.kind === 'string') expect(r.string()).toBe(o.v);
          else if (o.kind === 'byte') expect(r.byte()).toBe(o.v);
          else expect(r.bits(o.w)).toBe(o.v);
        }
      }),
    );
  });

  it('refuses values that do not fit, and reading past the end', () => {
    expect(() => new ByteWriter().bits(4, 2)).toThrow(RangeError);
    expect(() => new ByteWriter().uint(-1)).toThrow(RangeError);
    expect(() => new ByteReader(Uint8Array.from([0x80])).uint()).toThrow(/ends too soon/);
    expect(bitsFor(1)).toBe(0);
    expect(bitsFor(2)).toBe(1);
    expect(bitsFor(61)).toBe(6);
  });
});

describe('property tables', () => {
  interface S {
    seed: number;
    log: boolean;
    family: string;
    cap: number | null;
    label: string;
  }
  const table: LinkProperty<S>[] = [
    { name: 'seed', type: 'int', min: 0, max: 2 ** 32 - 1, default: 1, get: (s) => s.seed, set: (s, v: number) => (s.seed = v) },
    { name: 'log', type: 'bool', default: false, get: (s) => s.log, set: (s, v: boolean) => (s.log = v) },
    {
      name: 'family',
      type: 'enum',
      values: ['gpt2', 'opt', 'llama'],
      default: 'gpt2',
      get: (s) => s.family,
      set: (s, v: string) => (s.family = v),
    },
    {
      name: 'cap',
      type: 'number',
      min: 0,
      max: 1e6,
      nullable: true,
      default: null,
      get: (s) => s.cap,
      set: (s, v: number | null) => (s.cap = v),
    },
    { name: 'label', type: 'string', maxLength: 20, default: '', get: (s) => s.label, set: (s, v: string) => (s.label = v) },
  ];
  const blank = (): S => ({ seed: 0, log: true, family: 'opt', cap: 5, label: 'x' });

  it('round-trips every value within the rows bounds', () => {
    const state = fc.record({
      seed: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
      log: fc.boolean(),
      family: fc.constantFrom('gpt2', 'opt', 'llama'),
      cap: fc.option(fc.double({ min: 0, max: 1e6, noNaN: true }), { nil: null }),
      label: fc.string({ maxLength: 20 }),
    });
    fc.assert(
      fc.property(state, (s) => {
        const values = JSON.parse(JSON.stringify(writeProperties(table, s)));
        const back = blank();
        expect(readProperties(table, values, back)).toEqual([]);
        expect(back).toEqual(s);
      }),
    );
  });

  it('names each value that does not fit and gives it the default', () => {
    const back = blank();
    const problems = readProperties(table, [1.5, 2, 'bert', 'many'], back);
    expect(problems).toEqual([
      'seed: 1.5 is not a whole number',
      'log: not 0 or 1',
      'family: not one of gpt2, opt, llama',
      'cap: not a number', // label: missing, so its default, silently (a row appended after the link was made)
    ]);
    expect(back).toEqual({ seed: 1, log: false, family: 'gpt2', cap: null, label: '' });
  });

  it('writes a half-typed value (NaN) as its default rather than a null the reader would refuse', () => {
    expect(writeProperties(table, { seed: NaN, log: true, family: 'opt', cap: NaN, label: 'a' })).toEqual([1, 1, 'opt', null, 'a']);
  });
});
