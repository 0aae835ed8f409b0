// The chart's JS rasteriser: disc coverage, source-over blending, stamping at sub-pixel
// positions, the staircase and colour parsing; a zero-size or NaN-size raster or canvas (the plot
// area of a phone-width window) draws nothing and never throws.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cachedMaskCount, cachedMasks, drawPoints, MASK_CACHE_LIMIT, type ScreenSeries } from '../../../src/ui/pointsDraw';
import { createRaster, crossMask, discMask, fillRect, IDENTITY, maskSet, parseColor, stamp, staircase } from '../../../src/ui/raster';

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

describe('the mask cache', () => {
  it('keeps one mask set per kind and size (sizes rounded to 1/64 px) and at most its limit, dropping the least recently used', () => {
    const disc = cachedMasks('disc', 3);
    expect(cachedMasks('disc', 3 + 1e-4)).toBe(disc); // a device scale a hair off reuses it
    expect(cachedMasks('cross', 3)).not.toBe(disc);
    for (let i = 0; i < 200; i++) cachedMasks('disc', 2 + i * 0.013); // a plot whose width keeps moving
    expect(cachedMaskCount()).toBe(MASK_CACHE_LIMIT);
    const recent = cachedMasks('disc', 4.5);
    for (let i = 0; i < MASK_CACHE_LIMIT - 1; i++) {
      cachedMasks('disc', 10 + i);
      expect(cachedMasks('disc', 4.5)).toBe(recent); // used again each time, so never the oldest
    }
    expect(cachedMasks('disc', 3)).not.toBe(disc); // long gone: made again
  });
});

describe('a zero-size or NaN-size raster', () => {
  const sizes: [number, number][] = [
    [0, 0],
    [0, 20],
    [20, 0],
    [NaN, 20],
    [20, NaN],
    [-3, 20],
    [Infinity, 20],
    [0.4, 20],
  ];

  it.each(sizes)('createRaster(%s, %s) is empty, and stamping, rectangles and staircases draw nothing', (w, h) => {
    const r = createRaster(w, h);
    expect([r.width, r.height, r.data.length]).toEqual([0, 0, 0]);
    const pts = [
      { sx: 0, sy: 0 },
      { sx: 5, sy: 5 },
    ];
    stamp(
      r,
      pts,
      IDENTITY,
      maskSet((ox, oy) => discMask(3, ox, oy)),
      [0, 0, 0],
      1,
    );
    stamp(
      r,
      pts,
      IDENTITY,
      maskSet(() => crossMask(2.5, 1.2), 1),
      [0, 0, 0],
      1,
    );
    fillRect(r, 0, 0, 10, 10, [0, 0, 0], 1);
    staircase(r, pts, IDENTITY, 10, 2, [0, 0, 0], 1);
    expect(r.data.length).toBe(0);
    expect(Object.keys(r.data)).toEqual([]); // no stray property written through a NaN index
  });

  it('keeps whole sizes and floors fractional ones', () => {
    expect([createRaster(3, 2).width, createRaster(3, 2).height, createRaster(3, 2).data.length]).toEqual([3, 2, 24]);
    expect([createRaster(3.7, 2.2).width, createRaster(3.7, 2.2).height]).toEqual([3, 2]);
  });
});

describe('drawPoints on a zero-size or NaN-size canvas', () => {
  // What Chromium's ImageData constructor checks: "Failed to construct 'ImageData': The source
  // width is zero or not a number" is the error that blanked the explorer on a phone.
  class StrictImageData {
    constructor(
      readonly data: Uint8ClampedArray,
      readonly width: number,
      readonly height: number,
    ) {
      if (!(width > 0)) throw new RangeError("Failed to construct 'ImageData': The source width is zero or not a number.");
      if (!(height > 0)) throw new RangeError("Failed to construct 'ImageData': The source height is zero or not a number.");
      if (data.length !== width * height * 4)
        throw new RangeError("Failed to construct 'ImageData': The input data length is not equal to (4 * width * height).");
    }
  }

  const fakeCanvas = (width: number, height: number) => {
    const putImageData = vi.fn();
    const canvas = { width, height, getContext: () => ({ putImageData }) } as unknown as HTMLCanvasElement;
    return { canvas, putImageData };
  };

  const series = (w: number, h: number): ScreenSeries => {
    const frontier = [
      { sx: 30, sy: 40, id: 0 },
      { sx: 60, sy: 20, id: 1 },
    ];
    return {
      frontier,
      dominated: [{ sx: 50, sy: 50, id: 2 }],
      infeasible: [{ sx: 70, sy: 60, id: 3 }],
      stairs: frontier,
      measured: [],
      all: frontier,
      byId: new Map(frontier.map((p) => [p.id, p])),
      plot: { x: 20, y: 10, width: w, height: h },
    };
  };

  afterEach(() => {
    vi.unstubAllGlobals();
  });

  const stubBrowser = () => {
    vi.stubGlobal('ImageData', StrictImageData);
    vi.stubGlobal('getComputedStyle', () => ({ getPropertyValue: () => '' }));
  };

  it('draws a normal canvas in one putImageData (the stubs behave like the browser)', () => {
    stubBrowser();
    const { canvas, putImageData } = fakeCanvas(80, 60);
    drawPoints(canvas, series(80, 60));
    expect(putImageData).toHaveBeenCalledTimes(1);
    const img = putImageData.mock.calls[0][0] as StrictImageData;
    expect([img.width, img.height]).toEqual([80, 60]);
    expect(img.data.some((v, i) => i % 4 === 3 && v > 0)).toBe(true);
  });

  it.each([
    [0, 60, 0, 60],
    [80, 0, 80, 0],
    [0, 0, 0, 0],
    [NaN, 60, 80, 60],
    [80, NaN, 80, 60],
    [80, 60, NaN, NaN],
  ])('canvas %s x %s, plot %s x %s: no throw, nothing drawn', (cw, ch, pw, ph) => {
    stubBrowser();
    const { canvas, putImageData } = fakeCanvas(cw, ch);
    expect(() => drawPoints(canvas, series(pw, ph))).not.toThrow();
    expect(putImageData).not.toHaveBeenCalled();
  });
});
