// Drawing the chart's points: on a canvas for the live chart, as SVG markup for the exported
// figure. Both read the same projected points and the same theme colours (CSS variables).
import {
  createRaster,
  crossMask,
  discMask,
  isEmptyRaster,
  maskSet,
  parseColor,
  stamp,
  staircase,
  type MaskSet,
  type Raster,
} from './raster';

export interface ScreenPoint {
  sx: number;
  sy: number;
  id: number;
}

/** A measured series on screen: diamonds, with p10–p90 bars on a measured x axis. */
export interface ScreenMeasured {
  id: string;
  label: string;
  color: string;
  points: { sx: number; sy: number; slo?: number; shi?: number; id: number | null }[];
  /** The series' own frontier as an SVG step path ('' when it has none on these axes). */
  frontierPath: string;
}

export interface ScreenSeries {
  frontier: ScreenPoint[];
  dominated: ScreenPoint[];
  infeasible: ScreenPoint[];
  /** Frontier sorted by x, drawn as a step-after line; null when the axes are not the objectives. */
  stairs: ScreenPoint[] | null;
  measured: ScreenMeasured[];
  all: ScreenPoint[];
  byId: Map<number, ScreenPoint>;
  plot: { x: number; y: number; width: number; height: number };
  /** The selected point, ringed in the exported figure. */
  selected?: ScreenPoint | null;
}

export interface PointColors {
  frontier: string;
  dominated: string;
  infeasible: string;
  background: string;
  selected: string;
}

export const R_FRONT = 2.6;
export const R_DOMINATED = 1.9;
export const DOMINATED_ALPHA = 0.4;

let cached: PointColors | null = null;
if (typeof window !== 'undefined' && window.matchMedia) {
  window.matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => (cached = null));
}

/**
 * Theme colours from CSS variables. Cached until the colour scheme changes: getComputedStyle on
 * every progress update would force a style recalculation each time.
 */
export function themeColors(el: Element): PointColors {
  if (cached) return cached;
  const cs = getComputedStyle(el);
  const v = (name: string, fallback: string) => cs.getPropertyValue(name).trim() || fallback;
  cached = {
    frontier: v('--front', '#0072b2'),
    dominated: v('--dom', '#8a939e'),
    infeasible: v('--infeasible', '#d55e00'),
    background: v('--panel', '#ffffff'),
    selected: v('--selected', '#e69f00'),
  };
  return cached;
}

/** Masks kept at most (least recently used go first). */
export const MASK_CACHE_LIMIT = 16;
const masks = new Map<string, MaskSet>();

/**
 * The mask set of a marker of `size` px, cached. Sizes are rounded to 1/64 px: the device scale is
 * the canvas's whole pixels over the plot's CSS width, which moves by fractions of a pixel as
 * tick labels change from one search to the next, and a cache keyed by the exact size kept every
 * one of them.
 */
export function cachedMasks(kind: 'disc' | 'cross', size: number): MaskSet {
  const rounded = Math.max(1, Math.round(size * 64)) / 64;
  const key = `${kind}:${rounded}`;
  let m = masks.get(key);
  if (m)
    masks.delete(key); // re-inserted below: the most recently used
  else m = maskSet(kind === 'disc' ? (ox, oy) => discMask(rounded, ox, oy) : () => crossMask(rounded, 1.2), kind === 'disc' ? 4 : 1);
  masks.set(key, m);
  if (masks.size > MASK_CACHE_LIMIT) masks.delete(masks.keys().next().value!);
  return m;
}

/** Masks cached now (for tests). */
export const cachedMaskCount = (): number => masks.size;

const rasters = new WeakMap<HTMLCanvasElement, Raster>();

/** Draw every series into the canvas: JS rasterisation (see raster.ts), one putImageData. */
export function drawPoints(canvas: HTMLCanvasElement, s: ScreenSeries): void {
  // A collapsed plot area (a window too narrow for the chart) gives a zero-size canvas: there is
  // nothing to draw, and ImageData would throw on its zero width or height.
  const scale = canvas.width / Math.max(1, s.plot.width);
  if (!(scale > 0 && Number.isFinite(scale))) return;
  let r = rasters.get(canvas);
  if (!r || r.width !== canvas.width || r.height !== canvas.height) {
    r = createRaster(canvas.width, canvas.height);
    rasters.set(canvas, r);
  } else r.data.fill(0);
  if (isEmptyRaster(r)) return;
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const c = themeColors(canvas);
  const t = { ox: s.plot.x, oy: s.plot.y, scale };
  stamp(r, s.dominated, t, cachedMasks('disc', R_DOMINATED * scale), parseColor(c.dominated), DOMINATED_ALPHA);
  stamp(r, s.infeasible, t, cachedMasks('cross', 2.5 * scale), parseColor(c.infeasible), 0.8);
  if (s.stairs && s.stairs.length) staircase(r, s.stairs, t, s.plot.x + s.plot.width, 1.5 * scale, parseColor(c.frontier), 1);
  stamp(r, s.frontier, t, cachedMasks('disc', R_FRONT * scale), parseColor(c.frontier), 1);
  ctx.putImageData(new ImageData(r.data, r.width, r.height), 0, 0);
}

const f1 = (v: number) => v.toFixed(1);

function circlesPath(pts: readonly ScreenPoint[], r: number): string {
  const d = 2 * r;
  return pts.map((p) => `M${f1(p.sx - r)},${f1(p.sy)}a${r},${r} 0 1,0 ${d},0a${r},${r} 0 1,0 -${d},0`).join('');
}

/** The same drawing as SVG elements (for the exported figure). */
export function pointsSvg(s: ScreenSeries, c: PointColors): string {
  const parts: string[] = [];
  if (s.dominated.length) {
    parts.push(`<path d="${circlesPath(s.dominated, R_DOMINATED)}" fill="${c.dominated}" fill-opacity="${DOMINATED_ALPHA}"/>`);
  }
  if (s.infeasible.length) {
    const d = s.infeasible.map((p) => `M${f1(p.sx - 2.5)},${f1(p.sy - 2.5)}l5,5m0,-5l-5,5`).join('');
    parts.push(`<path d="${d}" stroke="${c.infeasible}" stroke-width="1.2" stroke-opacity="0.8" fill="none"/>`);
  }
  if (s.stairs && s.stairs.length) {
    let d = `M${f1(s.stairs[0].sx)},${f1(s.stairs[0].sy)}`;
    for (let i = 1; i < s.stairs.length; i++) d += `H${f1(s.stairs[i].sx)}V${f1(s.stairs[i].sy)}`;
    d += `H${f1(s.plot.x + s.plot.width)}`;
    parts.push(`<path d="${d}" stroke="${c.frontier}" stroke-width="1.5" fill="none"/>`);
  }
  if (s.frontier.length) {
    parts.push(`<path d="${circlesPath(s.frontier, R_FRONT)}" fill="${c.frontier}"/>`);
  }
  parts.push(measuredSvg(s.measured, c.background));
  if (s.selected) {
    parts.push(`<circle cx="${f1(s.selected.sx)}" cy="${f1(s.selected.sy)}" r="7" fill="none" stroke="${c.selected}" stroke-width="2.5"/>`);
  }
  return `<g class="points">${parts.join('')}</g>`;
}

/** Diamond marker path centred on (x, y). */
export const diamondPath = (x: number, y: number, r = 5): string => `M${f1(x)},${f1(y - r)}l${r},${r}l-${r},${r}l-${r},-${r}z`;

/** A step-after line through screen points (hold y until the next x), as an SVG path; '' for
 *  fewer than two points. */
export function stepPath(pts: readonly [number, number][]): string {
  const ok = pts.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
  if (ok.length < 2) return '';
  return ok.map(([x, y], i) => (i === 0 ? `M${f1(x)},${f1(y)}` : `H${f1(x)}V${f1(y)}`)).join('');
}

/** Measured series as SVG (the live overlay renders the same shapes with React). */
export function measuredSvg(series: readonly ScreenMeasured[], background: string): string {
  return series
    .map((m) => {
      const bars = m.points
        .filter((p) => p.slo !== undefined && p.shi !== undefined)
        .map((p) => `M${f1(p.slo!)},${f1(p.sy)}H${f1(p.shi!)}`)
        .join('');
      const marks = m.points.map((p) => diamondPath(p.sx, p.sy)).join('');
      return (
        (m.frontierPath ? `<path d="${m.frontierPath}" stroke="${m.color}" stroke-opacity="0.8" stroke-width="1.5" fill="none"/>` : '') +
        (bars ? `<path d="${bars}" stroke="${m.color}" stroke-width="1.5" fill="none"/>` : '') +
        (marks ? `<path d="${marks}" fill="${m.color}" stroke="${background}" stroke-width="1"/>` : '')
      );
    })
    .join('');
}
