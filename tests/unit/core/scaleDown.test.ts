// The scale-down rule (core/scaleDown.ts): every arch of every preset space becomes a valid,
// buildable arch within the caps, keeping its ratios within rounding.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { kvHeads, rotaryDims, type Arch } from '../../../src/core/arch';
import { compileSpace, toArch } from '../../../src/core/genome';
import { sampleGenome } from '../../../src/core/operators';
import { makeRng } from '../../../src/core/random';
import { headDimOk, MIN_SCALED_DMODEL, SCALE_CAPS, SCALE_RULE, scaleBasis, scaleDown, WIDTH_STEP } from '../../../src/core/scaleDown';
import { SPACE_PRESETS } from '../../../src/core/space';
import { validateArch } from '../../../src/core/validate';

const SEQ = 64;

/** The builder's own rotary condition (measure/model.ts checkBuildable), restated. */
function rotaryBuildable(arch: Arch): boolean {
  return arch.layers.every((l) => {
    const hd = arch.dModel / l.nHead;
    if (arch.family === 'llama') return hd % 2 === 0;
    if (arch.family === 'neox') return rotaryDims(arch, hd) >= 2 && rotaryDims(arch, hd) % 2 === 0;
    return true;
  });
}

describe('scaleDown', () => {
  it.each(SPACE_PRESETS.map((p) => [p.id, p.space] as const))(
    '%s: any arch scales to a valid arch within the caps, ratios kept',
    (_id, space) => {
      const cs = compileSpace(space);
      const basis = scaleBasis(space);
      const sD = Math.min(1, SCALE_CAPS.dModel / basis.maxDModel);
      const sL = Math.min(1, SCALE_CAPS.nLayer / basis.maxNLayer);
      fc.assert(
        fc.property(fc.integer({ min: 0, max: 2 ** 31 }), (seed) => {
          const source = toArch(cs, sampleGenome(cs, makeRng(seed)));
          const a = scaleDown(source, basis, SEQ);
          expect(validateArch(a)).toEqual([]);
          expect(rotaryBuildable(a)).toBe(true);
          // caps and fixed fields
          expect(a.dModel).toBeLessThanOrEqual(SCALE_CAPS.dModel);
          expect(a.dModel).toBeGreaterThanOrEqual(MIN_SCALED_DMODEL);
          expect(a.dModel % WIDTH_STEP).toBe(0);
          expect(a.layers.length).toBeGreaterThanOrEqual(1);
          expect(a.layers.length).toBeLessThanOrEqual(SCALE_CAPS.nLayer);
          expect(a).toMatchObject({ vocabSize: 256, contextLength: SEQ, family: source.family, tieEmbeddings: source.tieEmbeddings });
          // width and depth: the scale factor, within rounding (or clamped)
          if (a.dModel > MIN_SCALED_DMODEL) expect(Math.abs(a.dModel - source.dModel * sD)).toBeLessThanOrEqual(WIDTH_STEP / 2);
          if (a.layers.length > 1) expect(Math.abs(a.layers.length - source.layers.length * sL)).toBeLessThanOrEqual(0.5);
          const ratio = a.dModel / source.dModel;
          const distinctFfn = new Set(source.layers.map((l) => l.dInner));
          for (const l of a.layers) {
            // each dInner is some source layer's dInner times the width ratio, rounded
            expect([...distinctFfn].some((f) => Math.abs(l.dInner - f * ratio) <= 0.5)).toBe(true);
            expect(headDimOk(a.family, a.dModel / l.nHead)).toBe(true);
          }
          // heads: kept wherever the source's head count still fits the new width
          for (let j = 0; j < a.layers.length; j++) {
            const from = source.layers[Math.floor(((j + 0.5) * source.layers.length) / a.layers.length)];
            const l = a.layers[j];
            if (a.dModel % from.nHead === 0 && headDimOk(a.family, a.dModel / from.nHead)) expect(l.nHead).toBe(from.nHead);
            if (a.family === 'llama' && l.nHead === from.nHead) expect(kvHeads(l)).toBe(kvHeads(from));
            if (a.family === 'llama' && l.nHead !== from.nHead && (l.nHead * kvHeads(from)) % from.nHead === 0) {
              expect(kvHeads(l)).toBe((l.nHead * kvHeads(from)) / from.nHead); // the group size, exactly when it fits
            }
          }
        }),
        { numRuns: 300 },
      );
    },
  );

  it('the largest arch of a space maps to the caps', () => {
    for (const { space } of SPACE_PRESETS) {
      const cs = compileSpace(space);
      const g = sampleGenome(cs, makeRng(1));
      g.l = space.nLayer.length - 1;
      g.d = space.dModel.length - 1;
      const a = scaleDown(toArch(cs, g), scaleBasis(space), SEQ);
      expect(a.dModel).toBe(SCALE_CAPS.dModel);
      expect(a.layers).toHaveLength(SCALE_CAPS.nLayer);
    }
  });

  it('a worked example: an LTS GPT-2 arch (the space reaches d960 and 16 layers)', () => {
    const source: Arch = {
      family: 'gpt2',
      vocabSize: 50257,
      contextLength: 1024,
      dModel: 512,
      tieEmbeddings: true,
      layers: Array.from({ length: 8 }, (_, i) => ({ nHead: i < 4 ? 8 : 2, dInner: 1024 + 64 * i })),
    };
    const a = scaleDown(source, { maxDModel: 960, maxNLayer: 16 }, SEQ);
    // 512 x 128/960 = 68.3 -> 72; 8 layers x 4/16 = 2, from source layers 2 and 6.
    // Heads 8 -> head dim 9: kept. dInner 1152 and 1408 x 72/512 = 162 and 198.
    expect(a).toEqual({
      family: 'gpt2',
      vocabSize: 256,
      contextLength: SEQ,
      dModel: 72,
      tieEmbeddings: true,
      layers: [
        { nHead: 8, dInner: 162 },
        { nHead: 2, dInner: 198 },
      ],
    });
  });

  it('changes a head count only when it no longer fits, to the nearest that does; GQA keeps its group size', () => {
    // Llama d256, 16 heads of 16, 4 kv heads (group 4), space max d1024: 256/8 = 32 wide.
    const source: Arch = {
      family: 'llama',
      vocabSize: 32000,
      contextLength: 2048,
      dModel: 256,
      tieEmbeddings: false,
      layers: [{ nHead: 16, nKvHead: 4, dInner: 704 }],
    };
    const a = scaleDown(source, { maxDModel: 1024, maxNLayer: 24 }, 32);
    expect(a.dModel).toBe(32);
    expect(a.layers).toEqual([{ nHead: 4, nKvHead: 1, dInner: 88 }]); // head dim 8 allows at most 4 heads
    expect(a.tieEmbeddings).toBe(false);
    // GPT-NeoX d24: two heads of 12 would rotate 3 dims each (odd, not buildable); of the counts
    // that fit (1 head of 24, 3 of 8), 3 is nearer 2 on a log scale.
    const neox: Arch = {
      family: 'neox',
      vocabSize: 100,
      contextLength: 64,
      dModel: 24,
      tieEmbeddings: true,
      layers: [{ nHead: 2, dInner: 48 }],
    };
    expect(scaleDown(neox, { maxDModel: 24, maxNLayer: 1 }, 16).layers).toEqual([{ nHead: 3, dInner: 48 }]);
    expect(headDimOk('neox', 12)).toBe(false);
    expect(headDimOk('gpt2', 12)).toBe(true);
  });

  it('keeps OPT options: norm position and the embedDim ratio', () => {
    const opt: Arch = {
      family: 'opt',
      vocabSize: 50272,
      contextLength: 2048,
      dModel: 1024,
      embedDim: 512,
      normPosition: 'post',
      tieEmbeddings: true,
      layers: Array.from({ length: 24 }, () => ({ nHead: 16, dInner: 4096 })),
    };
    const a = scaleDown(opt, { maxDModel: 1024, maxNLayer: 24 }, SEQ);
    expect(a).toMatchObject({ dModel: 128, embedDim: 64, normPosition: 'post' });
    expect(a.layers).toEqual(Array.from({ length: 4 }, () => ({ nHead: 16, dInner: 512 })));
  });

  it('the rule is stated with its numbers', () => {
    expect(SCALE_RULE).toContain(`${SCALE_CAPS.dModel} / the space's largest dModel`);
    expect(SCALE_RULE).toContain(`${SCALE_CAPS.nLayer} / the space's largest nLayer`);
    expect(SCALE_RULE).toContain('vocabulary 256');
  });
});
