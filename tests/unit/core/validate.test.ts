import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { archKey, archSummary, homogeneous, isHomogeneous, parseArchKey, type Arch } from '../../../src/core/arch';
import { referenceArch } from '../../../src/core/referenceModels';
import { PRESETS } from '../../../src/core/presets';
import { formatErrors, LIMITS, parseArch, validateArch, type ArchError } from '../../../src/core/validate';
import { archArb, clean, loadLtsGpt2 } from './_helpers';

const base = {
  family: 'gpt2',
  vocabSize: 1000,
  contextLength: 256,
  dModel: 512,
  tieEmbeddings: true,
  layers: [
    { nHead: 8, dInner: 2048 },
    { nHead: 8, dInner: 2048 },
    { nHead: 4, dInner: 1024 },
    { nHead: 8, dInner: 2048 },
  ],
};

function errorsOf(json: unknown): ArchError[] {
  const r = parseArch(json);
  if (r.ok) throw new Error(`expected errors for ${JSON.stringify(json)}`);
  return r.errors;
}

const withLayer = (i: number, patch: Record<string, unknown>) => ({
  ...base,
  layers: base.layers.map((l, j) => (j === i ? { ...l, ...patch } : l)),
});

describe('parseArch', () => {
  it('accepts a valid arch', () => {
    const r = parseArch(base);
    expect(r.ok).toBe(true);
  });

  it('names the layer and the numbers when nHead does not divide dModel', () => {
    const errs = errorsOf(withLayer(3, { nHead: 5 }));
    expect(errs).toHaveLength(1);
    expect(errs[0].field).toBe('layers[3].nHead');
    expect(errs[0].message).toBe('layers[3].nHead 5 does not divide dModel 512');
    expect(formatErrors(errs)).toBe('layers[3].nHead 5 does not divide dModel 512');
  });

  it('rejects non-integers, naming the field', () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ ...base, dModel: 512.5 }, 'dModel'],
      [{ ...base, vocabSize: '1000' }, 'vocabSize'],
      [{ ...base, contextLength: null }, 'contextLength'],
      [withLayer(1, { dInner: 2.5 }), 'layers[1].dInner'],
      [withLayer(2, { nHead: 'four' }), 'layers[2].nHead'],
    ];
    for (const [json, field] of cases) {
      const errs = errorsOf(json);
      expect(errs.map((e) => e.field)).toContain(field);
      const e = errs.find((x) => x.field === field)!;
      expect(e.message).toContain(field);
      expect(e.message).toContain('integer');
    }
  });

  it('rejects out-of-range values with the range', () => {
    const cases: [Record<string, unknown>, string, string][] = [
      [{ ...base, vocabSize: 0 }, 'vocabSize', `vocabSize 0 is outside 1..${LIMITS.vocabSize}`],
      [{ ...base, dModel: -512 }, 'dModel', `dModel -512 is outside 1..${LIMITS.dModel}`],
      [
        { ...base, contextLength: LIMITS.contextLength + 1 },
        'contextLength',
        `contextLength ${LIMITS.contextLength + 1} is outside 1..${LIMITS.contextLength}`,
      ],
      [withLayer(0, { dInner: 0 }), 'layers[0].dInner', `layers[0].dInner 0 is outside 1..${LIMITS.dInner}`],
    ];
    for (const [json, field, message] of cases) {
      const errs = errorsOf(json);
      expect(errs).toContainEqual({ field, message });
    }
  });

  it('rejects too many or too few layers', () => {
    expect(errorsOf({ ...base, layers: [] }).map((e) => e.field)).toEqual(['layers']);
    const many = Array.from({ length: LIMITS.nLayer + 1 }, () => ({ nHead: 8, dInner: 64 }));
    expect(errorsOf({ ...base, layers: many }).map((e) => e.field)).toEqual(['layers']);
    expect(errorsOf({ ...base, layers: 'twelve' }).map((e) => e.field)).toEqual(['layers']);
  });

  it('rejects an unknown family', () => {
    const errs = errorsOf({ ...base, family: 'bert' });
    expect(errs.map((e) => e.field)).toContain('family');
    expect(errs.find((e) => e.field === 'family')!.message).toMatch(/gpt2.*opt.*llama/);
  });

  it('rejects nKvHead that does not divide nHead (llama)', () => {
    const llama = {
      ...base,
      family: 'llama',
      layers: [{ nHead: 8, nKvHead: 3, dInner: 1024 }],
    };
    const errs = errorsOf(llama);
    expect(errs).toEqual([{ field: 'layers[0].nKvHead', message: 'layers[0].nKvHead 3 does not divide nHead 8' }]);
    expect(parseArch({ ...llama, layers: [{ nHead: 8, nKvHead: 2, dInner: 1024 }] }).ok).toBe(true);
  });

  it('rejects grouped-query attention outside llama', () => {
    const errs = errorsOf(withLayer(0, { nKvHead: 2 }));
    expect(errs.map((e) => e.field)).toEqual(['layers[0].nKvHead']);
  });

  it('rejects embedDim / normPosition on gpt2, bad normPosition on opt', () => {
    expect(errorsOf({ ...base, embedDim: 256 }).map((e) => e.field)).toEqual(['embedDim']);
    expect(errorsOf({ ...base, normPosition: 'post' }).map((e) => e.field)).toEqual(['normPosition']);
    expect(errorsOf({ ...base, family: 'opt', normPosition: 'middle' }).map((e) => e.field)).toEqual(['normPosition']);
    expect(parseArch({ ...base, family: 'opt', embedDim: 256, normPosition: 'post' }).ok).toBe(true);
  });

  it('rejects an untied gpt2/opt head and a llama without tieEmbeddings', () => {
    expect(errorsOf({ ...base, tieEmbeddings: false }).map((e) => e.field)).toEqual(['tieEmbeddings']);
    const { tieEmbeddings: _omit, ...noTie } = base;
    void _omit;
    expect(parseArch(noTie).ok).toBe(true); // gpt2 defaults to tied
    expect(errorsOf({ ...noTie, family: 'llama' }).map((e) => e.field)).toEqual(['tieEmbeddings']);
    // GPT-NeoX may untie (Pythia's embed_out) and so must say which.
    expect(errorsOf({ ...noTie, family: 'neox' }).map((e) => e.field)).toEqual(['tieEmbeddings']);
    expect(parseArch({ ...base, family: 'neox', tieEmbeddings: false }).ok).toBe(true);
    expect(errorsOf({ ...base, family: 'neox', layers: [{ nHead: 8, nKvHead: 2, dInner: 64 }] }).map((e) => e.field)).toEqual([
      'layers[0].nKvHead',
    ]);
  });

  it('qkvBias (Qwen2) is a llama option, true or absent; false reads as absent', () => {
    const llama = { ...base, family: 'llama', tieEmbeddings: true, layers: [{ nHead: 8, nKvHead: 2, dInner: 1024 }] };
    const r = parseArch({ ...llama, qkvBias: true });
    expect(r.ok && r.value.qkvBias).toBe(true);
    const off = parseArch({ ...llama, qkvBias: false });
    expect(off.ok && Object.keys(off.value)).not.toContain('qkvBias');
    expect(errorsOf({ ...base, qkvBias: true })).toEqual([{ field: 'qkvBias', message: 'qkvBias is a llama option (Qwen2)' }]);
    expect(errorsOf({ ...base, family: 'neox', qkvBias: true }).map((e) => e.field)).toEqual(['qkvBias']);
    expect(errorsOf({ ...llama, qkvBias: 'yes' })).toEqual([{ field: 'qkvBias', message: 'qkvBias must be true or absent' }]);
  });

  it('reports every problem, not only the first', () => {
    const errs = errorsOf({
      ...base,
      vocabSize: 0,
      layers: [
        { nHead: 5, dInner: 0 },
        { nHead: 3, dInner: 7 },
      ],
    });
    expect(errs.map((e) => e.field).sort()).toEqual(['layers[0].dInner', 'layers[0].nHead', 'layers[1].nHead', 'vocabSize']);
  });

  it('rejects non-objects', () => {
    for (const j of [null, 3, 'gpt2', [base]]) expect(parseArch(j).ok).toBe(false);
  });

  it('drops unknown fields', () => {
    const r = parseArch({ ...base, extra: 1, layers: base.layers.map((l) => ({ ...l, junk: true })) });
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(Object.keys(r.value)).not.toContain('extra');
      expect(Object.keys(r.value.layers[0]).sort()).toEqual(['dInner', 'nHead']);
    }
  });

  for (const p of PRESETS) {
    it(`preset ${p.name} is valid and round-trips through JSON`, () => {
      expect(validateArch(p.arch)).toEqual([]);
      const r = parseArch(JSON.parse(JSON.stringify(p.arch)));
      expect(r.ok).toBe(true);
      if (r.ok) {
        expect(r.value).toEqual(p.arch);
        expect(archKey(r.value)).toBe(archKey(p.arch));
      }
    });
  }

  it('random valid archs round-trip through JSON', () => {
    fc.assert(
      fc.property(archArb(), (arch) => {
        expect(validateArch(arch)).toEqual([]);
        const r = parseArch(JSON.parse(JSON.stringify(arch)));
        expect(r.ok).toBe(true);
        if (r.ok) expect(clean(r.value)).toEqual(arch);
      }),
      { numRuns: 200 },
    );
  });
});

/** What makes two archs the same model, written independently of archKey. */
function semantic(a: Arch): string {
  const llama = a.family === 'llama';
  const neox = a.family === 'neox';
  return JSON.stringify({
    family: a.family,
    v: a.vocabSize,
    c: a.contextLength,
    d: a.dModel,
    t: a.tieEmbeddings,
    layers: a.layers.map((l) => [l.nHead, llama ? (l.nKvHead ?? l.nHead) : 0, l.dInner]),
    e: a.family === 'opt' && a.embedDim !== undefined && a.embedDim !== a.dModel ? a.embedDim : 0,
    post: a.family === 'opt' && a.normPosition === 'post',
    qkvBias: llama && a.qkvBias === true,
    rotaryShare: neox ? 0.25 : llama ? 1 : 0,
  });
}

describe('archKey', () => {
  // small value pools so that equal archs are generated often
  const small = archArb({ dModels: [8, 16], maxLayers: 3, maxInner: 3, maxVocab: 2, maxContext: 2 });

  /** A second arch: independent, an exact copy, a copy with explicit defaults, or one small change. */
  const variant = (a: Arch): fc.Arbitrary<Arch> =>
    fc.oneof(
      small,
      fc.constant(structuredClone(a)),
      fc
        .constantFrom(
          (x: Arch) => ({ ...x, vocabSize: x.vocabSize + 1 }),
          (x: Arch) => ({ ...x, contextLength: x.contextLength + 1 }),
          (x: Arch) => ({ ...x, layers: x.layers.map((l, i) => (i === x.layers.length - 1 ? { ...l, dInner: l.dInner + 1 } : l)) }),
          (x: Arch) => ({ ...x, layers: [...x.layers].reverse() }),
          (x: Arch) => ({ ...x, layers: [...x.layers, x.layers[0]] }),
          (x: Arch) => ({ ...x, tieEmbeddings: x.family === 'llama' || x.family === 'neox' ? !x.tieEmbeddings : x.tieEmbeddings }),
          (x: Arch) => (x.family === 'llama' ? { ...x, qkvBias: x.qkvBias ? undefined : (true as const) } : x),
          (x: Arch) => (x.family === 'gpt2' ? { ...x, family: 'neox' as const } : x),
          (x: Arch) => ({ ...x, layers: x.layers.map((l) => ({ ...l, nKvHead: l.nKvHead ?? l.nHead })) }),
          (x: Arch) => (x.family === 'opt' ? { ...x, normPosition: x.normPosition === 'post' ? ('pre' as const) : ('post' as const) } : x),
          (x: Arch) => (x.family === 'opt' ? { ...x, embedDim: x.dModel } : x),
        )
        .map((f) => clean(f(structuredClone(a)))),
    );

  it('equal archs give equal keys, different archs different keys', () => {
    let equalPairs = 0;
    let differentPairs = 0;
    fc.assert(
      fc.property(
        small.chain((a) => fc.tuple(fc.constant(a), variant(a))),
        ([a, b]) => {
          const same = semantic(a) === semantic(b);
          if (same) equalPairs++;
          else differentPairs++;
          expect(archKey(a) === archKey(b)).toBe(same);
        },
      ),
      { numRuns: 3000 },
    );
    expect(equalPairs).toBeGreaterThan(100);
    expect(differentPairs).toBeGreaterThan(100);
  });

  it('is unchanged by cloning and by explicit defaults', () => {
    fc.assert(
      fc.property(archArb(), (a) => {
        expect(archKey(structuredClone(a))).toBe(archKey(a));
        if (a.family === 'llama') {
          const explicit = { ...a, layers: a.layers.map((l) => ({ ...l, nKvHead: l.nKvHead ?? l.nHead })) };
          expect(archKey(explicit)).toBe(archKey(a));
        }
        if (a.family === 'opt') {
          expect(archKey({ ...a, embedDim: a.embedDim ?? a.dModel, normPosition: a.normPosition ?? 'pre' })).toBe(archKey(a));
        }
      }),
    );
  });

  it('uses a compact run-length form for repeated layers', () => {
    const gpt2 = PRESETS.find((p) => p.name === 'gpt2')!.arch;
    expect(archKey(gpt2)).toBe('gpt2:v50257:c1024:d768:t|12.3072*12');
    const a: Arch = { ...gpt2, layers: [gpt2.layers[0], gpt2.layers[0], { nHead: 4, dInner: 64 }, gpt2.layers[0]] };
    expect(archKey(a)).toBe('gpt2:v50257:c1024:d768:t|12.3072*2,4.64,12.3072');
    const deep = homogeneous({ family: 'llama', vocabSize: 32000, contextLength: 2048, dModel: 2048, tieEmbeddings: false }, 500, {
      nHead: 32,
      nKvHead: 4,
      dInner: 5632,
    });
    expect(isHomogeneous(deep)).toBe(true);
    expect(archKey(deep)).toBe('llama:v32000:c2048:d2048:u|32.4.5632*500');
    const qwen = PRESETS.find((p) => p.name === 'qwen2.5-0.5b')!.arch;
    expect(archKey(qwen)).toBe('llama:v151936:c32768:d896:t:qkvb|14.2.4864*24');
    expect(archKey(PRESETS.find((p) => p.name === 'pythia-70m')!.arch)).toBe('neox:v50304:c2048:d512:u|8.2048*6');
  });

  it('parseArchKey inverts archKey, Qwen2 biases and neox included', () => {
    fc.assert(
      fc.property(archArb(), (a) => {
        const back = parseArchKey(archKey(a));
        expect(back && archKey(back)).toBe(archKey(a));
        expect(back && semantic(back)).toBe(semantic(a));
        expect(back?.qkvBias).toBe(a.qkvBias);
      }),
    );
    for (const p of PRESETS) expect(archKey(parseArchKey(archKey(p.arch))!)).toBe(archKey(p.arch));
    // qkvb belongs to llama only; neox layers are two numbers like gpt2's
    expect(parseArchKey('gpt2:v10:c8:d8:t:qkvb|2.16')).toBeNull();
    expect(parseArchKey('neox:v10:c8:d8:u:qkvb|2.16')).toBeNull();
    expect(parseArchKey('neox:v10:c8:d8:u|2.2.16')).toBeNull();
    expect(parseArchKey('llama:v10:c8:d8:t:qkvb|2.1.16')).toEqual({
      family: 'llama',
      vocabSize: 10,
      contextLength: 8,
      dModel: 8,
      tieEmbeddings: true,
      qkvBias: true,
      layers: [{ nHead: 2, nKvHead: 1, dInner: 16 }],
    });
  });
});

describe('archSummary', () => {
  it('one line per arch, ranges for heterogeneous layers', () => {
    expect(archSummary(PRESETS.find((p) => p.name === 'gpt2')!.arch)).toBe('12L d768 h12 ffn3072');
    expect(archSummary(PRESETS.find((p) => p.name === 'tinyllama-1.1b')!.arch)).toBe('22L d2048 h32/kv4 ffn5632');
    // LTS's config_0_j1: 16 layers of d 512, heads 2..8, inner widths 1019..1987
    const m = loadLtsGpt2().models.find((x) => x.id === 'config_0_j1')!;
    expect(archSummary(referenceArch(m))).toBe('16L d512 h2-8 ffn1019-1987');
  });
});
