// Chart -> standalone SVG / PNG. The live chart is styled by CSS classes and variables, which
// a saved file would lose: the clone gets every element's computed paint and text styles inlined,
// interaction-only elements (hit area, hover ring) are dropped, and title and legend are added
// around it (svgDocument). PNG rasterises that SVG through a canvas at 2x.
import { pointsSvg, themeColors, type ScreenSeries } from './pointsDraw';
import { svgDocument, type LegendItem } from './svgDocument';

const STYLE_PROPS = [
  'fill',
  'fill-opacity',
  'stroke',
  'stroke-width',
  'stroke-opacity',
  'stroke-dasharray',
  'opacity',
  'font-size',
  'font-weight',
  'font-family',
  'text-anchor',
  'dominant-baseline',
  'visibility',
] as const;

/** Computed styles as SVG presentation attributes (fill="…"), not a style attribute: the page's
 *  Content Security Policy (style-src 'self') blocks setting style attributes, and a standalone
 *  SVG has no stylesheet to outrank them. */
function inlineStyles(source: Element, target: Element): void {
  const cs = getComputedStyle(source);
  for (const p of STYLE_PROPS) {
    const v = cs.getPropertyValue(p);
    if (v) target.setAttribute(p, v);
  }
  target.removeAttribute('style');
  target.removeAttribute('class');
  const a = source.children;
  const b = target.children;
  for (let i = 0; i < a.length; i++) inlineStyles(a[i], b[i]);
}

export interface ChartFigure {
  title: string;
  subtitle: string;
  legend: LegendItem[];
}

export const cssVar = (name: string): string => getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#000';

/** Draw the canvas's points and the selection ring as SVG (both live outside the chart's SVG). */
function vectorisePoints(clone: SVGSVGElement, source: SVGSVGElement, points: ScreenSeries | null): void {
  if (!points) return;
  const markup = pointsSvg(points, themeColors(source));
  const doc = new DOMParser().parseFromString(`<svg xmlns="http://www.w3.org/2000/svg">${markup}</svg>`, 'image/svg+xml');
  const g = clone.ownerDocument.importNode(doc.documentElement.firstElementChild!, true);
  const layer = clone.querySelector('[data-export-layer]'); // classes are gone after inlineStyles
  (layer ?? clone).append(g);
}

export function chartSvgString(svg: SVGSVGElement, figure: ChartFigure, points: ScreenSeries | null): string {
  const clone = svg.cloneNode(true) as SVGSVGElement;
  inlineStyles(svg, clone);
  clone.querySelectorAll('[data-export="skip"]').forEach((el) => el.remove());
  vectorisePoints(clone, svg, points);
  clone.removeAttribute('style');
  const { width, height } = svg.getBoundingClientRect();
  clone.setAttribute('width', String(Math.round(width)));
  clone.setAttribute('height', String(Math.round(height)));
  clone.setAttribute('viewBox', `0 0 ${Math.round(width)} ${Math.round(height)}`);
  clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  // Legend colours arrive as var(--name): a saved file has no stylesheet to resolve them.
  const resolve = (c: string) => c.replace(/^var\((--[\w-]+)\)$/, (_, name: string) => cssVar(name));
  return svgDocument({
    chartSvg: new XMLSerializer().serializeToString(clone),
    width: Math.round(width),
    height: Math.round(height),
    ...figure,
    legend: figure.legend.map((l) => ({ ...l, color: resolve(l.color) })),
    background: cssVar('--panel'),
    text: cssVar('--text'),
    muted: cssVar('--muted'),
    fontFamily: getComputedStyle(document.body).fontFamily,
  });
}

/** Rasterise an SVG document to PNG at `scale` x its size. */
export async function svgToPng(svgText: string, scale = 2): Promise<Blob> {
  const url = URL.createObjectURL(new Blob([svgText], { type: 'image/svg+xml' }));
  try {
    const img = new Image();
    img.src = url;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(img.naturalWidth * scale);
    canvas.height = Math.round(img.naturalHeight * scale);
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('no 2D canvas context');
    ctx.scale(scale, scale);
    ctx.drawImage(img, 0, 0);
    return await new Promise<Blob>((resolve, reject) =>
      canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('PNG encoding failed'))), 'image/png'),
    );
  } finally {
    URL.revokeObjectURL(url);
  }
}
