import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { archKey, isHomogeneous, type Arch } from '../../../src/core/arch';
import {
  cloneGenome,
  compileSpace,
  enumerateHomogeneous,
  enumerateSpace,
  homogeneousSize,
  spaceSize,
  toArch,
  validateSpace,
  type CompiledSpace,
  type Genome,
} from '../../../src/core/genome';
import { crossover, DEFAULT_OPERATORS, mutate, sampleGenome, type OperatorParams } from '../../../src/core/operators';
import { makeRng } from '../../../src/core/random';
import { DEFAULT_SPACE, range, SPACE_PRESETS, spacePreset, type SearchSpace } from '../../../src/core/space';
import { validateArch } from '../../../src/core/validate';

/**
 * Every rule an arch drawn from `space` must obey, checked against the raw lists. Returns the
 * problems found (plain checks, one expect per call site: thousands of archs are checked).
 */
function archProblems(space: SearchSpace, arch: Arch): string[] {
  const p: string[] = [];
  const key = archKey(arch);
  const errs = validateArch(arch);
  if (errs.length) p.push(`${key}: validateArch ${errs.map((e) => e.message).join('; ')}`);
  if (arch.family !== space.family) p.push(`${key}: family`);
  if (arch.vocabSize !== space.vocabSize || arch.contextLength !== space.contextLength) p.push(`${key}: vocab/context`);
  if (arch.tieEmbeddings !== space.tieEmbeddings) p.push(`${key}: tieEmbeddings`);
  if (!space.nLayer.includes(arch.layers.length)) p.push(`${key}: nLayer ${arch.layers.length} not in list`);
  if (!space.dModel.includes(arch.dModel)) p.push(`${key}: dModel not in list`);
  arch.layers.forEach((l, i) => {
    const at = `${key} layer ${i}`;
    if (!space.nHead.includes(l.nHead)) p.push(`${at}: nHead ${l.nHead} not in list`);
    if (!space.dInner.includes(l.dInner)) p.push(`${at}: dInner ${l.dInner} not in list`);
    if (arch.dModel % l.nHead !== 0) p.push(`${at}: nHead does not divide dModel`);
    if (l.dInner < space.rules.minFfnRatio * arch.dModel) p.push(`${at}: dInner below ratio`);
    if (space.family === 'llama') {
      const kvList = space.nKvHead ?? space.nHead;
      if (l.nKvHead === undefined) p.push(`${at}: nKvHead missing`);
      else {
        if (l.nHead % l.nKvHead !== 0) p.push(`${at}: nKvHead does not divide nHead`);
        // a listed value, or plain MHA when no listed value divides nHead (documented fallback)
        const anyValid = kvList.some((k) => l.nHead % k === 0);
        if (anyValid && !kvList.includes(l.nKvHead)) p.push(`${at}: nKvHead ${l.nKvHead} not in list`);
        if (!anyValid && l.nKvHead !== l.nHead) p.push(`${at}: fallback nKvHead is not nHead`);
      }
    } else if (l.nKvHead !== undefined) p.push(`${at}: nKvHead on ${arch.family}`);
  });
  if (!space.heterogeneous && !isHomogeneous(arch)) p.push(`${key}: not homogeneous`);
  return p;
}

function checkArch(space: SearchSpace, arch: Arch): void {
  expect(archProblems(space, arch)).toEqual([]);
}

function checkGenome(cs: CompiledSpace, g: Genome): void {
  const s = cs.space;
  const ok =
    g.layers.length === (s.heterogeneous ? Math.max(...s.nLayer) : 1) &&
    g.l >= 0 &&
    g.l < s.nLayer.length &&
    g.d >= 0 &&
    g.d < s.dModel.length;
  expect(ok).toBe(true);
}

/** Random non-empty sub-lists of a preset space, both layer modes, several FFN ratios; valid spaces only. */
function subSpaceArb(base: SearchSpace): fc.Arbitrary<SearchSpace> {
  return fc
    .record({
      nLayer: fc.subarray(base.nLayer.slice(0, 8), { minLength: 1 }),
      dModel: fc.subarray(base.dModel, { minLength: 1, maxLength: 6 }),
      nHead: fc.subarray(base.nHead, { minLength: 1 }),
      dInner: fc.subarray(base.dInner, { minLength: 1, maxLength: 10 }),
      nKvHead:
        base.family === 'llama' ? fc.option(fc.subarray([1, 2, 4, 8, 16], { minLength: 1 }), { nil: undefined }) : fc.constant(undefined),
      heterogeneous: fc.boolean(),
      minFfnRatio: fc.constantFrom(0, 1, 1.7, 2.5),
    })
    .map(({ minFfnRatio, nKvHead, ...lists }) => {
      const s: SearchSpace = { ...base, ...lists, rules: { minFfnRatio } };
      if (nKvHead === undefined) delete s.nKvHead;
      else s.nKvHead = nKvHead;
      return s;
    })
    .filter((s) => validateSpace(s).length === 0);
}

/** Odd head counts and widths (3, 6, 12 heads; 96, 192 widths) so that GQA fallbacks happen. */
const customSpaceArb: fc.Arbitrary<SearchSpace> = fc
  .record({
    family: fc.constantFrom('gpt2' as const, 'opt' as const, 'llama' as const),
    nLayer: fc.subarray([1, 2, 3, 5], { minLength: 1 }),
    dModel: fc.subarray([48, 64, 96, 128, 192], { minLength: 1 }),
    nHead: fc.subarray([1, 2, 3, 4, 6, 8, 12], { minLength: 1 }),
    nKvHead: fc.option(fc.subarray([1, 2, 3, 4, 6], { minLength: 1 }), { nil: undefined }),
    dInner: fc.subarray(range(32, 512, 32), { minLength: 1 }),
    heterogeneous: fc.boolean(),
    minFfnRatio: fc.constantFrom(0, 1, 1.7, 2.5),
  })
  .map(({ minFfnRatio, family, nKvHead, ...lists }) => {
    const s: SearchSpace = {
      family,
      vocabSize: 1000,
      contextLength: 64,
      tieEmbeddings: true,
      ...lists,
      rules: { minFfnRatio },
    };
    if (family === 'llama' && nKvHead !== undefined) s.nKvHead = nKvHead;
    return s;
  })
  .filter((s) => validateSpace(s).length === 0);

const operatorArb: fc.Arbitrary<OperatorParams> = fc.record({
  mutationProb: fc.double({ min: 0, max: 1, noNaN: true }),
  crossoverProb: fc.double({ min: 0, max: 1, noNaN: true }),
  stepProb: fc.double({ min: 0, max: 1, noNaN: true }),
});

/** Sample two parents, then apply a random chain of mutations and crossovers; check everything. */
function operatorChainProperty(spaceArb: fc.Arbitrary<SearchSpace>, numRuns: number): void {
  fc.assert(
    fc.property(
      spaceArb,
      fc.integer({ min: 0, max: 2 ** 31 }),
      operatorArb,
      fc.array(fc.boolean(), { minLength: 1, maxLength: 12 }),
      (space, seed, ops, steps) => {
        const cs = compileSpace(space);
        const rng = makeRng(seed);
        let a = sampleGenome(cs, rng);
        let b = sampleGenome(cs, rng);
        for (const g of [a, b]) {
          checkGenome(cs, g);
          checkArch(space, toArch(cs, g));
        }
        for (const isCross of steps) {
          const beforeA = structuredClone(a);
          const beforeB = structuredClone(b);
          const child = isCross ? crossover(cs, a, b, rng, ops) : mutate(cs, a, rng, ops);
          expect(a).toEqual(beforeA); // operators return copies
          expect(b).toEqual(beforeB);
          checkGenome(cs, child);
          checkArch(space, toArch(cs, child));
          b = a;
          a = child;
        }
      },
    ),
    { numRuns },
  );
}

describe('sampleGenome / mutate / crossover on the preset spaces', () => {
  for (const preset of SPACE_PRESETS) {
    for (const heterogeneous of [true, false]) {
      it(`${preset.id} (${heterogeneous ? 'heterogeneous' : 'homogeneous'}): every arch obeys the rules`, () => {
        const space = { ...spacePreset(preset.id), heterogeneous };
        operatorChainProperty(fc.constant(space), 150);
      });
    }
  }
});

describe('sampleGenome / mutate / crossover on random sub-spaces', () => {
  for (const preset of SPACE_PRESETS) {
    it(`sub-spaces of ${preset.id}`, () => {
      operatorChainProperty(subSpaceArb(spacePreset(preset.id)), 150);
    });
  }
  it('custom spaces with odd head counts and GQA fallbacks', () => {
    operatorChainProperty(customSpaceArb, 300);
  });
});

describe('operator semantics', () => {
  const space = spacePreset('llama');
  const cs = compileSpace(space);

  it('mutationProb 0 leaves a valid genome unchanged; crossoverProb 0 / 1 copies a / b', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), (seed) => {
        const rng = makeRng(seed);
        const a = sampleGenome(cs, rng);
        const b = sampleGenome(cs, rng);
        expect(mutate(cs, a, rng, { ...DEFAULT_OPERATORS, mutationProb: 0 })).toEqual(a);
        expect(crossover(cs, a, b, rng, { ...DEFAULT_OPERATORS, crossoverProb: 0 })).toEqual(a);
        expect(crossover(cs, a, b, rng, { ...DEFAULT_OPERATORS, crossoverProb: 1 })).toEqual(b);
      }),
    );
  });

  it('ordinal steps move depth and width one notch, dInner at most three (or up to the FFN rule)', () => {
    const het = compileSpace(spacePreset('lts-gpt2'));
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), (seed) => {
        const rng = makeRng(seed);
        const g = sampleGenome(het, rng);
        const m = mutate(het, g, rng, { mutationProb: 1, crossoverProb: 0.5, stepProb: 1 });
        expect(Math.abs(m.l - g.l)).toBeLessThanOrEqual(1);
        expect(Math.abs(m.d - g.d)).toBeLessThanOrEqual(1);
        m.layers.forEach((x, i) => {
          const ok = Math.abs(x.f - g.layers[i].f) <= 3 || x.f === het.minF[m.d];
          expect(ok).toBe(true);
        });
      }),
    );
  });

  it('cloneGenome is a deep copy', () => {
    const g = sampleGenome(cs, makeRng(7));
    const c = cloneGenome(g);
    expect(c).toEqual(g);
    c.layers[0].f++;
    expect(c).not.toEqual(g);
  });

  it('the same seed gives the same genomes', () => {
    const run = (seed: number) => {
      const rng = makeRng(seed);
      const a = sampleGenome(cs, rng);
      const b = sampleGenome(cs, rng);
      return mutate(cs, crossover(cs, a, b, rng), rng);
    };
    expect(run(42)).toEqual(run(42));
    expect(archKey(toArch(cs, run(1)))).not.toBe(archKey(toArch(cs, run(2))));
  });
});

describe('validateSpace', () => {
  const lts = spacePreset('lts-gpt2');

  it('accepts the presets', () => {
    for (const p of SPACE_PRESETS) expect(validateSpace(p.space)).toEqual([]);
  });

  it('names the dModel that has no valid dInner', () => {
    const s = { ...lts, dModel: [512, 1024], dInner: [256, 1024] }; // 1.7 x 1024 = 1740.8 > 1024
    const errs = validateSpace(s);
    expect(errs).toHaveLength(1);
    expect(errs[0].message).toContain('dModel 1024');
    expect(errs[0].message).not.toContain('dModel 512');
    expect(() => compileSpace(s)).toThrow(/dModel 1024/);
  });

  it('names the dModel that no nHead divides', () => {
    const errs = validateSpace({ ...lts, dModel: [100, 128], nHead: [8] });
    expect(errs.map((e) => e.message)).toEqual([expect.stringContaining('dModel 100')]);
  });

  it('a space it accepts only yields archs that validateArch accepts', () => {
    // Regression: validateSpace once checked only the choice lists and rules, so each space below
    // passed and then every sampled arch failed validateArch (gpt2 untied, vocabSize 0, unknown
    // family, fractional contextLength, nLayer above LIMITS.nLayer).
    const patches: Partial<SearchSpace>[] = [
      { tieEmbeddings: false },
      { vocabSize: 0 },
      { family: 'bert' as SearchSpace['family'] },
      { contextLength: 1.5 },
      { nLayer: [2, 600] },
    ];
    const problems: string[] = [];
    for (const patch of patches) {
      const space = { ...lts, ...patch };
      if (validateSpace(space).length > 0) continue; // rejected up front: fine
      const cs = compileSpace(space);
      const rng = makeRng(1);
      const errs = new Set<string>();
      for (let i = 0; i < 20; i++) for (const e of validateArch(toArch(cs, sampleGenome(cs, rng)))) errs.add(e.message);
      if (errs.size) problems.push(`${JSON.stringify(patch)} accepted, archs fail: ${[...errs].join('; ')}`);
    }
    expect(problems).toEqual([]);
  });

  it('rejects empty, unsorted, non-integer lists and a negative ratio', () => {
    expect(validateSpace({ ...lts, nLayer: [] }).map((e) => e.field)).toEqual(['nLayer']);
    expect(validateSpace({ ...lts, dModel: [256, 128] }).map((e) => e.field)).toEqual(['dModel']);
    expect(validateSpace({ ...lts, nHead: [2, 2.5] }).map((e) => e.field)).toEqual(['nHead']);
    expect(validateSpace({ ...lts, dInner: [0, 64] }).map((e) => e.field)).toEqual(['dInner']);
    expect(validateSpace({ ...lts, rules: { minFfnRatio: -1 } }).map((e) => e.field)).toEqual(['rules.minFfnRatio']);
    expect(validateSpace({ ...spacePreset('llama'), nKvHead: [4, 2] }).map((e) => e.field)).toEqual(['nKvHead']);
  });
});

/** Count of homogeneous archs straight from the raw lists and the rules. */
function bruteHomogeneousCount(s: SearchSpace): number {
  let n = 0;
  for (const _L of s.nLayer) {
    for (const d of s.dModel) {
      for (const h of s.nHead) {
        if (d % h !== 0) continue;
        for (const f of s.dInner) {
          if (f < s.rules.minFfnRatio * d) continue;
          if (s.family === 'llama') {
            const ok = (s.nKvHead ?? s.nHead).filter((k) => h % k === 0).length;
            n += Math.max(1, ok); // no valid kv choice: plain MHA, one arch
          } else n += 1;
        }
      }
    }
  }
  return n;
}

/** Per-layer shape count for dModel d, from the raw lists. */
function bruteLayerChoices(s: SearchSpace, d: number): number {
  let n = 0;
  for (const h of s.nHead) {
    if (d % h !== 0) continue;
    for (const f of s.dInner) {
      if (f < s.rules.minFfnRatio * d) continue;
      n += s.family === 'llama' ? Math.max(1, (s.nKvHead ?? s.nHead).filter((k) => h % k === 0).length) : 1;
    }
  }
  return n;
}

describe('homogeneous enumeration', () => {
  for (const p of SPACE_PRESETS) {
    it(`${p.id}: homogeneousSize = enumerated count = brute-force count`, () => {
      const space = { ...spacePreset(p.id), heterogeneous: false };
      const cs = compileSpace(space);
      let count = 0;
      for (const _g of enumerateHomogeneous(cs)) count++;
      expect(homogeneousSize(cs)).toBe(bruteHomogeneousCount(space));
      expect(count).toBe(bruteHomogeneousCount(space));
    });
  }

  it('random sub-spaces: size = brute force = number of distinct valid archs enumerated', () => {
    fc.assert(
      fc.property(fc.oneof(customSpaceArb, ...SPACE_PRESETS.map((p) => subSpaceArb(p.space))), (sp) => {
        const space = { ...sp, heterogeneous: false };
        const cs = compileSpace(space);
        const keys = new Set<string>();
        let count = 0;
        const problems: string[] = [];
        for (const g of enumerateHomogeneous(cs)) {
          const arch = toArch(cs, g);
          problems.push(...archProblems(space, arch));
          keys.add(archKey(arch));
          count++;
        }
        expect(problems).toEqual([]);
        const brute = bruteHomogeneousCount(space);
        expect(homogeneousSize(cs)).toBe(brute);
        expect(count).toBe(brute);
        expect(keys.size).toBe(brute);
      }),
      { numRuns: 150 },
    );
  });
});

describe('spaceSize / enumerateSpace (heterogeneous)', () => {
  it('spaceSize = sum over depth and width of (layer shapes)^depth', () => {
    fc.assert(
      fc.property(fc.oneof(customSpaceArb, ...SPACE_PRESETS.map((p) => subSpaceArb(p.space))), (space) => {
        const cs = compileSpace(space);
        // exact in BigInt: heterogeneous spaces easily exceed 2^53
        const brute = space.heterogeneous
          ? space.dModel.reduce((s, d) => s + space.nLayer.reduce((t, L) => t + BigInt(bruteLayerChoices(space, d)) ** BigInt(L), 0n), 0n)
          : BigInt(bruteHomogeneousCount(space));
        const got = spaceSize(cs);
        if (brute <= BigInt(Number.MAX_SAFE_INTEGER)) expect(got).toBe(Number(brute));
        else expect(Math.abs(got - Number(brute)) / Number(brute)).toBeLessThan(1e-12);
      }),
      { numRuns: 200 },
    );
  });

  it('enumerateSpace yields every distinct valid arch of a small heterogeneous space once', () => {
    const space: SearchSpace = {
      family: 'llama',
      vocabSize: 500,
      contextLength: 32,
      tieEmbeddings: true,
      nLayer: [1, 2, 3],
      dModel: [64, 96],
      nHead: [2, 3, 4],
      nKvHead: [1, 2],
      dInner: [96, 128, 192],
      heterogeneous: true,
      rules: { minFfnRatio: 1.5 },
    };
    const cs = compileSpace(space);
    const keys = new Set<string>();
    let count = 0;
    const problems: string[] = [];
    for (const g of enumerateSpace(cs)) {
      const arch = toArch(cs, g);
      problems.push(...archProblems(space, arch));
      keys.add(archKey(arch));
      count++;
    }
    expect(problems).toEqual([]);
    const brute = space.dModel.reduce((s, d) => s + space.nLayer.reduce((t, L) => t + bruteLayerChoices(space, d) ** L, 0), 0);
    expect(count).toBe(brute);
    expect(keys.size).toBe(brute);
    expect(spaceSize(cs)).toBe(brute);
  });
});

describe('the documented defaults', () => {
  it("the default space is LTS's GPT-2 space", () => {
    expect(DEFAULT_SPACE.family).toBe('gpt2');
    expect(DEFAULT_SPACE.vocabSize).toBe(50257);
    expect(DEFAULT_SPACE.heterogeneous).toBe(true);
    expect(DEFAULT_SPACE.nLayer).toEqual(Array.from({ length: 15 }, (_, i) => 2 + i)); // 2..16
    expect(DEFAULT_SPACE.dModel).toEqual(Array.from({ length: 14 }, (_, i) => 128 + 64 * i)); // 128..960
    expect(DEFAULT_SPACE.nHead).toEqual([2, 4, 8]);
    expect(DEFAULT_SPACE.dInner).toEqual(Array.from({ length: 62 }, (_, i) => 128 + 64 * i)); // 128..4032
    expect(DEFAULT_SPACE.rules.minFfnRatio).toBe(1.7);
  });

  it("LTS's operators: mutation 0.3 per gene, uniform crossover 0.5", () => {
    expect(DEFAULT_OPERATORS.mutationProb).toBe(0.3);
    expect(DEFAULT_OPERATORS.crossoverProb).toBe(0.5);
  });

  it('spacePreset returns an independent copy', () => {
    const a = spacePreset('lts-gpt2');
    a.nHead.push(16);
    expect(spacePreset('lts-gpt2').nHead).toEqual([2, 4, 8]);
  });
});
