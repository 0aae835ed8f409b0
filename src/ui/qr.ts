// QR codes for links a phone opens (lean-qr: MIT, no dependencies, about 4 kB gzip). The library
// is imported on first use, so it is never part of the page's first chunk. Error correction is
// always L (about 7 % of the code recoverable): the links are shown on a screen, not printed, and
// L holds the most data per size (version 25-L: 1,273 bytes; version 40-L: 2,953 bytes).

export interface Qr {
  /** QR version, 1 to 40: the code is 4 × version + 17 modules a side. */
  version: number;
  /** Modules a side, without the quiet zone. */
  size: number;
  /** Whether the module at column x, row y is dark; false outside 0 ≤ x, y < size. */
  modules: (x: number, y: number) => boolean;
}

/** The most a QR code holds: version 40. */
export const MAX_QR_VERSION = 40;
/** Blank modules a reader needs around the code (ISO/IEC 18004). */
export const QUIET_ZONE = 4;

/** The text does not fit in a version 40 code at error correction L. `bytes` is its UTF-8 length
 *  (lean-qr may encode it in fewer: digit runs, capitals, ISO-8859-1). */
export class QrTooLongError extends Error {
  constructor(readonly bytes: number) {
    super(`Too long for a QR code: ${bytes.toLocaleString('en-US')} bytes (version 40-L holds at most 2,953 bytes)`);
    this.name = 'QrTooLongError';
  }
}

/** The most characters any QR code holds: 7,089 digits (version 40-L, numeric mode). */
const MAX_CHARACTERS = 7089;

let library: Promise<typeof import('lean-qr')> | null = null;
// A failed load (a chunk that did not arrive) is not remembered: the next call tries again.
const load = () =>
  (library ??= import('lean-qr').catch((e: unknown) => {
    library = null;
    throw e;
  }));

/** The QR code of `text` at error correction L, in the smallest version that holds it. lean-qr
 *  picks the encoding modes (byte, alphanumeric, numeric segments) that make it smallest; a
 *  lower-case URL is all bytes. Rejects with QrTooLongError when over version 40. */
export async function makeQr(text: string): Promise<Qr> {
  const tooLong = () => new QrTooLongError(new TextEncoder().encode(text).length);
  if (text.length > MAX_CHARACTERS) throw tooLong(); // no need to try 40 versions
  const { generate, correction } = await load();
  let code;
  try {
    code = generate(text, { minCorrectionLevel: correction.L, maxCorrectionLevel: correction.L });
  } catch (e) {
    // lean-qr throws Error("lean-qr error 4") with code 4 when no version up to 40 holds the data.
    if ((e as { code?: unknown } | null)?.code === 4) throw tooLong();
    throw e;
  }
  const size = code.size;
  return { version: (size - 17) / 4, size, modules: (x, y) => code.get(x, y) };
}

/** The version makeQr would pick for `text`, or null when it is too long for a QR code. */
export async function qrVersion(text: string): Promise<number | null> {
  try {
    return (await makeQr(text)).version;
  } catch (e) {
    if (e instanceof QrTooLongError) return null;
    throw e;
  }
}

export interface QrLayout {
  /** CSS pixels per module: an integer, at least 1. */
  cssPerModule: number;
  /** Modules a side, quiet zone included. */
  modules: number;
  /** The canvas's CSS width and height (an integer number of CSS pixels). */
  cssSize: number;
  /** The canvas's backing store width and height, in device pixels. */
  pixels: number;
  /** Device pixels per module (cssPerModule × devicePixelRatio; ≥ 4). */
  screenPerModule: number;
}

/** The largest canvas side drawn, in device pixels (a version 40 code needs 740 at 4 per module). */
const MAX_PIXELS = 4096;

/** How big to draw a code of `size` modules a side: as close to `targetCss` CSS pixels as an
 *  integer number of CSS pixels per module allows, never under 4 device pixels per module (so a
 *  phone camera can read it off a screen), never over MAX_PIXELS device pixels a side unless
 *  4 per module needs more. Any input gives finite, positive numbers. */
export function qrLayout(size: number, devicePixelRatio: number, targetCss: number): QrLayout {
  const dpr = Number.isFinite(devicePixelRatio) && devicePixelRatio > 0 ? devicePixelRatio : 1;
  const modules = Math.max(1, Math.floor(Number.isFinite(size) ? size : 1)) + 2 * QUIET_ZONE;
  const target = Number.isFinite(targetCss) && targetCss > 0 ? targetCss : 0;
  const least = Math.max(1, Math.ceil(4 / dpr - 1e-9));
  const most = Math.max(least, Math.floor(MAX_PIXELS / dpr / modules));
  const cssPerModule = Math.min(most, Math.max(least, Math.floor(target / modules)));
  const cssSize = cssPerModule * modules;
  return { cssPerModule, modules, cssSize, pixels: Math.round(cssSize * dpr), screenPerModule: cssPerModule * dpr };
}
