// Axis domains and tick values, computed here rather than by the chart library so that linear
// and log axes, the live chart and the exported SVG all get the same round numbers.

export interface AxisScale {
  domain: [number, number];
  ticks: number[];
}

/** Round step of 1, 2 or 5 x 10^k giving about `count` intervals over `span`. */
function niceStep(span: number, count: number): number {
  const raw = span / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const f = raw / mag;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
}

/** Clean floating-point noise from k * step (0.30000000000000004 -> 0.3). */
const clean = (x: number) => parseFloat(x.toPrecision(12));

export function linearScale(lo: number, hi: number, count = 6): AxisScale {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return { domain: [0, 1], ticks: [0, 0.5, 1] };
  if (lo === hi) {
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    lo -= pad;
    hi += pad;
  }
  const step = niceStep(hi - lo, count);
  const a = Math.floor(lo / step) * step;
  const b = Math.ceil(hi / step) * step;
  const ticks: number[] = [];
  for (let v = a; v <= b + step / 2; v += step) ticks.push(clean(v));
  return { domain: [clean(a), clean(b)], ticks };
}

/**
 * Log axis: domain from the decade (or 2x / 5x mark) below `lo` to the one above `hi`; ticks at
 * 1, 2, 5 x 10^k when the range spans few decades, at powers of ten otherwise.
 */
export function logScale(lo: number, hi: number): AxisScale {
  if (!(lo > 0) || !(hi > 0)) return { domain: [1, 10], ticks: [1, 10] };
  if (lo === hi) {
    lo /= 1.5;
    hi *= 1.5;
  }
  const decades = Math.log10(hi / lo);
  const marks = decades > 3 ? [1] : decades > 1.2 ? [1, 2, 5] : [1, 1.5, 2, 3, 5, 7];
  const all: number[] = [];
  for (let k = Math.floor(Math.log10(lo)) - 1; k <= Math.ceil(Math.log10(hi)) + 1; k++) {
    for (const m of marks) all.push(clean(m * 10 ** k));
  }
  const below = all.filter((v) => v <= lo);
  const above = all.filter((v) => v >= hi);
  const a = below[below.length - 1];
  const b = above[0];
  return { domain: [a, b], ticks: all.filter((v) => v >= a && v <= b) };
}

export const axisScale = (values: readonly number[], log: boolean): AxisScale => {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v) || (log && v <= 0)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo === Infinity) return log ? logScale(1, 10) : linearScale(0, 1);
  return log ? logScale(lo, hi) : linearScale(lo, hi);
};
