// The chart's JS rasteriser: disc coverage, source-over blending, stamping at sub-pixel
// positions, the staircase and colour parsing.
import { describe, expect, it } from 'vitest';
import { createRaster, discMask, fillRect, IDENTITY, maskSet, parseColor, stamp, staircase } from '../../../src/ui/raster';

const alphaAt = (r: ReturnType<typeof createRaster>, x: number, y: number) => r.data[(y * r.width + x) * 4 + 3] / 255;
const totalAlpha = (r: ReturnType<typeof createRaster>) => {
  let s = 0;
  for (let i = 3; i < r.data.length; i += 4) s += r.data[i] / 255;
  return s;
};

describe('raster', () => {
  it('a disc mask covers about pi r^2 pixels', () => {
    const m = discMask(3);
    const area = m.coverage.reduce((a, b) => a + b, 0);
    expect(area).toBeGreaterThan(Math.PI * 9 * 0.95);
    expect(area).toBeLessThan(Math.PI * 9 * 1.05);
  });

  it('stamps opaque discs where the points are, blending translucent ones', () => {
    const r = createRaster(40, 20);
    const discs = maskSet((ox, oy) => discMask(3, ox, oy));
    stamp(r, [{ sx: 10, sy: 10 }], IDENTITY, discs, [0, 114, 178], 1);
    expect(alphaAt(r, 10, 10)).toBe(1);
    expect([...r.data.subarray((10 * 40 + 10) * 4, (10 * 40 + 10) * 4 + 3)]).toEqual([0, 114, 178]);
    expect(alphaAt(r, 20, 10)).toBe(0);
    expect(totalAlpha(r)).toBeCloseTo(Math.PI * 9, -0.5);
    // Two 40% layers: 1 - 0.6^2 = 64% opacity.
    stamp(r, [{ sx: 30, sy: 10 }], IDENTITY, discs, [128, 128, 128], 0.4);
    stamp(r, [{ sx: 30, sy: 10 }], IDENTITY, discs, [128, 128, 128], 0.4);
    expect(alphaAt(r, 30, 10)).toBeCloseTo(0.64, 2);
  });

  it('maps chart coordinates through the plot offset and device scale', () => {
    const r = createRaster(40, 40);
    stamp(
      r,
      [{ sx: 110, sy: 55 }],
      { ox: 100, oy: 50, scale: 2 },
      maskSet((ox, oy) => discMask(2, ox, oy)),
      [0, 0, 0],
      1,
    );
    expect(alphaAt(r, 20, 10)).toBe(1);
  });

  it('clips at the edges and covers fractional rectangles by area', () => {
    const r = createRaster(10, 10);
    stamp(
      r,
      [{ sx: 0, sy: 0 }],
      IDENTITY,
      maskSet((ox, oy) => discMask(3, ox, oy)),
      [0, 0, 0],
      1,
    );
    expect(alphaAt(r, 0, 0)).toBe(1);
    const q = createRaster(10, 10);
    fillRect(q, 2, 2, 4.5, 3, [0, 0, 0], 1);
    expect(alphaAt(q, 3, 2)).toBe(1);
    expect(alphaAt(q, 4, 2)).toBeCloseTo(0.5, 2);
    expect(alphaAt(q, 5, 2)).toBe(0);
  });

  it('draws the staircase as horizontal runs and vertical risers up to the right edge', () => {
    const r = createRaster(30, 30);
    staircase(
      r,
      [
        { sx: 2, sy: 20 },
        { sx: 10, sy: 8 },
      ],
      IDENTITY,
      28,
      2,
      [0, 0, 0],
      1,
    );
    expect(alphaAt(r, 6, 20)).toBe(1); // first run
    expect(alphaAt(r, 10, 14)).toBe(1); // riser at x = 10
    expect(alphaAt(r, 20, 8)).toBe(1); // last run to the edge
    expect(alphaAt(r, 20, 20)).toBe(0);
  });

  it('parses the colours CSS gives back', () => {
    expect(parseColor('#0072b2')).toEqual([0, 114, 178]);
    expect(parseColor('#fff')).toEqual([255, 255, 255]);
    expect(parseColor(' rgb(86, 180, 233) ')).toEqual([86, 180, 233]);
    expect(parseColor('hotpink')).toEqual([0, 0, 0]);
  });
});
