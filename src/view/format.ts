// Numbers as people read them: three significant digits, SI prefixes, a unit, thousands
// separators ("64.2 M", "12.3 ms", "1.2 GFLOPs", "245 MB", "20,000"). Decimal prefixes
// throughout (1 MB = 10^6 bytes), as the budgets are typed.

const INT = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** 20000 -> "20,000". */
export const formatInt = (n: number): string => (Number.isFinite(n) ? INT.format(n) : '–');

/** Three significant digits without trailing zeros: 1.20 -> "1.2", 245.3 -> "245", 1234 -> "1,234". */
export function sig(x: number, digits = 3): string {
  if (!Number.isFinite(x)) return '–';
  if (x === 0) return '0';
  if (Math.abs(x) >= 10 ** digits) return formatInt(x);
  return String(parseFloat(x.toPrecision(digits)));
}

const PREFIXES: [number, string][] = [
  [1e12, 'T'],
  [1e9, 'G'],
  [1e6, 'M'],
  [1e3, 'k'],
];

/** Value with an SI prefix and a space before the unit: (64.2e6, '') -> "64.2 M". */
export function si(x: number, unit: string): string {
  if (!Number.isFinite(x)) return '–';
  const a = Math.abs(x);
  for (const [scale, p] of PREFIXES) {
    if (a >= scale * 0.9995) return `${sig(x / scale)} ${p}${unit}`;
  }
  return unit ? `${sig(x)} ${unit}` : sig(x);
}

/** Parameter or other counts: "64.2 M", "812 k", "950". */
export const formatCount = (n: number): string => si(n, '');
export const formatParams = (n: number): string => `${formatCount(n)} params`;
export const formatFlops = (n: number): string => si(n, 'FLOPs');
export const formatBytes = (n: number): string => si(n, 'B');

export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '–';
  return ms >= 1000 ? `${sig(ms / 1000)} s` : `${sig(ms)} ms`;
}

/** Elapsed wall time: "0.8 s", "12.4 s", "2 min 05 s". */
export function formatElapsed(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
}

/** Scientific notation for unitless magnitudes such as a hypervolume: "2.31 × 10^10" as "2.31e10". */
export function formatSci(x: number): string {
  if (!Number.isFinite(x)) return '–';
  if (x === 0) return '0';
  const e = Math.floor(Math.log10(Math.abs(x)));
  if (e >= -2 && e < 4) return sig(x);
  return `${sig(x / 10 ** e)}e${e}`;
}

/** "2–8" for a range, "8" when both ends agree. */
export const formatRange = (lo: number, hi: number, f: (n: number) => string = String): string => (lo === hi ? f(lo) : `${f(lo)}–${f(hi)}`);
