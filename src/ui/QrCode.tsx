// A QR code on a <canvas>, for a phone to scan off the screen. Black modules on white with the
// 4-module quiet zone, whatever the page's theme (readers want dark on light). Each module is an
// integer number of CSS pixels and at least 4 device pixels, so a camera resolves it; the canvas
// is never scaled by CSS (a large code scrolls inside its box instead). The QR library loads on
// first use (src/ui/qr.ts). While it loads, or when the text is over what version 40 holds, a
// short message stands in for the code; nothing here throws.
import { useEffect, useLayoutEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { makeQr, QrTooLongError, qrLayout, QUIET_ZONE, type Qr } from './qr';

interface Props {
  /** What the code holds (a URL). */
  text: string;
  /** The accessible name; " (QR code, version N)" is appended. */
  label: string;
  /** Target width in CSS pixels (default 200); the code is as close as whole pixels per module allow. */
  size?: number;
}

type Result = { text: string; qr: Qr } | { text: string; message: string };

/** window.devicePixelRatio, following zoom and moves between screens. */
function subscribeDpr(onChange: () => void): () => void {
  if (typeof window === 'undefined' || typeof window.matchMedia !== 'function') return () => {};
  let query: MediaQueryList | null = null;
  const listen = () => {
    query = window.matchMedia(`(resolution: ${window.devicePixelRatio}dppx)`);
    query.addEventListener('change', changed, { once: true });
  };
  const changed = () => {
    onChange();
    listen();
  };
  listen();
  return () => query?.removeEventListener('change', changed);
}
const readDpr = () => (typeof window === 'undefined' ? 1 : window.devicePixelRatio || 1);

function describe(e: unknown): string {
  if (e instanceof QrTooLongError) return e.message;
  return `No QR code: ${e instanceof Error ? e.message : String(e)}`;
}

function draw(canvas: HTMLCanvasElement, qr: Qr, pixels: number, modules: number): void {
  canvas.width = pixels;
  canvas.height = pixels;
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, pixels, pixels);
  ctx.fillStyle = '#000';
  // Module edges on whole device pixels (a fractional devicePixelRatio makes some modules one
  // device pixel wider than others rather than blurring every edge); dark runs of a row in one rect.
  const cell = pixels / modules;
  const edge = (i: number) => Math.round((i + QUIET_ZONE) * cell);
  for (let y = 0; y < qr.size; y++) {
    for (let x = 0; x < qr.size; x++) {
      if (!qr.modules(x, y)) continue;
      let end = x + 1;
      while (end < qr.size && qr.modules(end, y)) end++;
      ctx.fillRect(edge(x), edge(y), edge(end) - edge(x), edge(y + 1) - edge(y));
      x = end;
    }
  }
}

export function QrCode({ text, label, size = 200 }: Props) {
  const [result, setResult] = useState<Result | null>(null);
  const dpr = useSyncExternalStore(subscribeDpr, readDpr, () => 1);
  const canvas = useRef<HTMLCanvasElement>(null);

  useEffect(() => {
    let live = true;
    makeQr(text).then(
      (qr) => live && setResult({ text, qr }),
      (e: unknown) => live && setResult({ text, message: describe(e) }),
    );
    return () => {
      live = false;
    };
  }, [text]);

  // A result for an earlier text is not shown: the new one is loading.
  const current = result !== null && result.text === text ? result : null;
  const qr = current && 'qr' in current ? current.qr : null;
  const layout = useMemo(() => (qr ? qrLayout(qr.size, dpr, size) : null), [qr, dpr, size]);

  useLayoutEffect(() => {
    if (qr && layout && canvas.current) draw(canvas.current, qr, layout.pixels, layout.modules);
  }, [qr, layout]);

  if (!current || !qr || !layout) {
    return (
      <div className="qr-code">
        <p className="hint" role="status">
          {current && 'message' in current ? current.message : 'Making the QR code…'}
        </p>
      </div>
    );
  }
  return (
    <div className="qr-code" style={{ maxWidth: '100%', overflow: 'auto' }}>
      <canvas
        ref={canvas}
        role="img"
        aria-label={`${label} (QR code, version ${qr.version})`}
        data-version={qr.version}
        width={layout.pixels}
        height={layout.pixels}
        style={{
          display: 'block',
          width: layout.cssSize,
          height: layout.cssSize,
          maxWidth: 'none',
          background: '#fff',
          imageRendering: 'pixelated',
        }}
      />
    </div>
  );
}
