// A tiny anti-aliased rasteriser for the frontier chart's points, writing RGBA pixels that the
// canvas receives in one putImageData. Why not the 2D canvas API: on the software / SwiftShader
// canvases of headless and GPU-less machines, 3,500 arcs take ~100 ms per frame (a long task on
// every progress update); stamping precomputed coverage masks in JS takes ~2 ms.
// Pure (no DOM), so it is unit-tested in Node.

export interface Raster {
  width: number;
  height: number;
  /** Straight (non-premultiplied) RGBA, as ImageData wants it. */
  data: Uint8ClampedArray<ArrayBuffer>;
}

export interface Mask {
  size: number;
  /** Coverage 0..1, size x size, row-major; the shape's centre is at (size/2, size/2). */
  coverage: Float32Array;
}

export type Rgb = [number, number, number];

/**
 * A canvas or raster dimension in whole pixels: 0 when below one pixel, negative, NaN or infinite.
 * A collapsed plot area (a window too narrow for the chart) must give an empty raster, never a throw:
 * `new ImageData` rejects a zero width or height, `new Uint8ClampedArray` a negative length.
 */
export const pixelSize = (v: number): number => (Number.isFinite(v) && v >= 1 ? Math.floor(v) : 0);

/** An empty raster (either side 0) holds no pixels: drawing into it does nothing. */
export const isEmptyRaster = (r: Raster): boolean => !(r.width >= 1 && r.height >= 1); // NaN too

export const createRaster = (width: number, height: number): Raster => {
  const w = pixelSize(width);
  const h = pixelSize(height);
  // Both sides 0 when either is: a raster is either drawable or has no pixels at all.
  const empty = w === 0 || h === 0;
  return { width: empty ? 0 : w, height: empty ? 0 : h, data: new Uint8ClampedArray(empty ? 0 : w * h * 4) };
};

const SUB = 4; // supersamples per pixel side when building masks

/** Coverage of a disc of radius r (pixels) centred at (cx, cy) inside the mask, supersampled. */
export function discMask(r: number, offsetX = 0, offsetY = 0): Mask {
  const size = Math.ceil(2 * r) + 2;
  const coverage = new Float32Array(size * size);
  const cx = size / 2 + offsetX;
  const cy = size / 2 + offsetY;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let hits = 0;
      for (let sy = 0; sy < SUB; sy++) {
        for (let sx = 0; sx < SUB; sx++) {
          const px = x + (sx + 0.5) / SUB - cx;
          const py = y + (sy + 0.5) / SUB - cy;
          if (px * px + py * py <= r * r) hits++;
        }
      }
      coverage[y * size + x] = hits / (SUB * SUB);
    }
  }
  return { size, coverage };
}

/** Coverage of an "x" of half-size h and stroke width w (over-budget points). */
export function crossMask(h: number, w: number): Mask {
  const size = Math.ceil(2 * h + w) + 2;
  const coverage = new Float32Array(size * size);
  const c = size / 2;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let hits = 0;
      for (let sy = 0; sy < SUB; sy++) {
        for (let sx = 0; sx < SUB; sx++) {
          const px = x + (sx + 0.5) / SUB - c;
          const py = y + (sy + 0.5) / SUB - c;
          const inBox = Math.abs(px) <= h && Math.abs(py) <= h;
          const d1 = Math.abs(px - py) / Math.SQRT2;
          const d2 = Math.abs(px + py) / Math.SQRT2;
          if (inBox && Math.min(d1, d2) <= w / 2) hits++;
        }
      }
      coverage[y * size + x] = hits / (SUB * SUB);
    }
  }
  return { size, coverage };
}

/** Source-over blend of colour `rgb` at opacity `a` into pixel index `i` (straight alpha). */
function blend(d: Uint8ClampedArray<ArrayBuffer>, i: number, rgb: Rgb, a: number): void {
  const da = d[i + 3] / 255;
  const oa = a + da * (1 - a);
  if (oa <= 0) return;
  const k = (da * (1 - a)) / oa;
  const s = a / oa;
  d[i] = rgb[0] * s + d[i] * k;
  d[i + 1] = rgb[1] * s + d[i + 1] * k;
  d[i + 2] = rgb[2] * s + d[i + 2] * k;
  d[i + 3] = oa * 255;
}

/** Masks for quarter-pixel offsets, so stamped shapes sit where they should, not on a pixel grid. */
export interface MaskSet {
  masks: Mask[];
  steps: number;
}

export function maskSet(make: (ox: number, oy: number) => Mask, steps = 4): MaskSet {
  const masks: Mask[] = [];
  for (let y = 0; y < steps; y++) for (let x = 0; x < steps; x++) masks.push(make(x / steps, y / steps));
  return { masks, steps };
}

/** Screen (CSS px, chart coordinates) to raster pixels: x_px = (sx - ox) * scale. */
export interface ToPixels {
  ox: number;
  oy: number;
  scale: number;
}

export const IDENTITY: ToPixels = { ox: 0, oy: 0, scale: 1 };

/** Stamp a shape centred on each point, blending `rgb` at `alpha`. */
export function stamp(r: Raster, points: readonly { sx: number; sy: number }[], t: ToPixels, set: MaskSet, rgb: Rgb, alpha: number): void {
  if (isEmptyRaster(r)) return;
  const { width, height, data } = r;
  const { steps } = set;
  for (const p of points) {
    const px = (p.sx - t.ox) * t.scale;
    const py = (p.sy - t.oy) * t.scale;
    const fx = Math.floor(px);
    const fy = Math.floor(py);
    const ox = Math.min(steps - 1, Math.floor((px - fx) * steps));
    const oy = Math.min(steps - 1, Math.floor((py - fy) * steps));
    const m = set.masks[oy * steps + ox];
    const x0 = fx - (m.size >> 1);
    const y0 = fy - (m.size >> 1);
    for (let my = 0; my < m.size; my++) {
      const y = y0 + my;
      if (y < 0 || y >= height) continue;
      for (let mx = 0; mx < m.size; mx++) {
        const x = x0 + mx;
        if (x < 0 || x >= width) continue;
        const c = m.coverage[my * m.size + mx];
        if (c > 0) blend(data, (y * width + x) * 4, rgb, c * alpha);
      }
    }
  }
}

/** Axis-aligned rectangle with exact (area) coverage at its fractional edges. */
export function fillRect(r: Raster, x0: number, y0: number, x1: number, y1: number, rgb: Rgb, alpha: number): void {
  if (isEmptyRaster(r)) return;
  const left = Math.max(0, Math.min(x0, x1));
  const right = Math.min(r.width, Math.max(x0, x1));
  const top = Math.max(0, Math.min(y0, y1));
  const bottom = Math.min(r.height, Math.max(y0, y1));
  for (let y = Math.floor(top); y < Math.ceil(bottom); y++) {
    const cy = Math.min(bottom, y + 1) - Math.max(top, y);
    for (let x = Math.floor(left); x < Math.ceil(right); x++) {
      const cx = Math.min(right, x + 1) - Math.max(left, x);
      const c = cx * cy;
      if (c > 0) blend(r.data, (y * r.width + x) * 4, rgb, c * alpha);
    }
  }
}

/** A step-after polyline (hold y until the next x) of width `w` pixels, extended to `right` (screen x). */
export function staircase(
  r: Raster,
  screen: readonly { sx: number; sy: number }[],
  t: ToPixels,
  right: number,
  w: number,
  rgb: Rgb,
  alpha: number,
): void {
  const h = w / 2;
  const pts = screen.map((p) => ({ x: (p.sx - t.ox) * t.scale, y: (p.sy - t.oy) * t.scale }));
  const end = (right - t.ox) * t.scale;
  for (let i = 0; i < pts.length; i++) {
    const a = pts[i];
    const xEnd = i + 1 < pts.length ? pts[i + 1].x : end;
    fillRect(r, a.x - h, a.y - h, xEnd + h, a.y + h, rgb, alpha); // horizontal run
    if (i + 1 < pts.length) {
      const b = pts[i + 1];
      // Vertical riser, its ends trimmed so the joints are not painted twice.
      const lo = Math.min(a.y, b.y) + h;
      const hi = Math.max(a.y, b.y) - h;
      if (hi > lo) fillRect(r, b.x - h, lo, b.x + h, hi, rgb, alpha);
    }
  }
}

/** "#0072b2" or "rgb(0, 114, 178)" -> [0, 114, 178]; black when unparseable. */
export function parseColor(css: string): Rgb {
  const s = css.trim();
  const hex = s.match(/^#([0-9a-f]{3}|[0-9a-f]{6})$/i);
  if (hex) {
    const h = hex[1].length === 3 ? [...hex[1]].map((c) => c + c).join('') : hex[1];
    return [parseInt(h.slice(0, 2), 16), parseInt(h.slice(2, 4), 16), parseInt(h.slice(4, 6), 16)];
  }
  const rgb = s.match(/^rgba?\(\s*(\d+)[\s,]+(\d+)[\s,]+(\d+)/i);
  if (rgb) return [Number(rgb[1]), Number(rgb[2]), Number(rgb[3])];
  return [0, 0, 0];
}
