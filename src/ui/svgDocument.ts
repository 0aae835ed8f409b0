// A standalone SVG figure: title, subtitle and legend above the chart's own SVG markup (axes,
// labels and points, styles already inlined). Pure string building, so it is unit-tested in Node.

import { legendItems, moreText, truncateLabel } from '../view/legend';

/** 'none': a text-only entry ("and 292 more device series"). */
export type LegendSymbol = 'dot' | 'faint-dot' | 'cross' | 'ring' | 'line-dot' | 'diamond' | 'square' | 'none';

/** Entries an exported legend draws at most (the chart panel caps its device series before this). */
export const SVG_LEGEND_MAX = 16;

export interface LegendItem {
  label: string;
  color: string;
  symbol: LegendSymbol;
}

export interface FigureSpec {
  /** The chart's <svg> serialised, with inline styles. */
  chartSvg: string;
  width: number;
  height: number;
  title: string;
  subtitle: string;
  legend: LegendItem[];
  background: string;
  text: string;
  muted: string;
  fontFamily: string;
}

export const escapeXml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function symbol(item: LegendItem, x: number, y: number): string {
  const c = escapeXml(item.color);
  switch (item.symbol) {
    case 'dot':
      return `<circle cx="${x + 8}" cy="${y}" r="3.5" fill="${c}"/>`;
    case 'faint-dot':
      return `<circle cx="${x + 8}" cy="${y}" r="2.5" fill="${c}" fill-opacity="0.45"/>`;
    case 'cross':
      return `<path d="M${x + 5},${y - 3}l6,6m0,-6l-6,6" stroke="${c}" stroke-width="1.5" fill="none"/>`;
    case 'ring':
      return `<circle cx="${x + 8}" cy="${y}" r="5" stroke="${c}" stroke-width="2" fill="none"/>`;
    case 'diamond':
      return `<path d="M${x + 8},${y - 5}l5,5l-5,5l-5,-5z" fill="${c}"/>`;
    case 'square':
      return `<rect x="${x + 4}" y="${y - 4}" width="8" height="8" fill="${c}"/>`;
    case 'none':
      return '';
    case 'line-dot':
      return (
        `<path d="M${x},${y + 4}H${x + 8}V${y - 4}H${x + 16}" stroke="${c}" stroke-width="1.6" fill="none"/>` +
        `<circle cx="${x + 8}" cy="${y - 4}" r="3" fill="${c}"/>`
      );
  }
}

/** Rough text width for laying out legend entries (no font metrics in a pure function). */
const textWidth = (s: string, size: number) => s.length * size * 0.56;

export function svgDocument(f: FigureSpec): string {
  const pad = 16;
  const font = escapeXml(f.fontFamily);
  let y = pad + 16;
  const head: string[] = [
    `<text x="${pad}" y="${y}" font-size="16" font-weight="600" fill="${escapeXml(f.text)}">${escapeXml(f.title)}</text>`,
  ];
  y += 20;
  head.push(`<text x="${pad}" y="${y}" font-size="12" fill="${escapeXml(f.muted)}">${escapeXml(f.subtitle)}</text>`);
  y += 22;
  let x = pad;
  // A backstop: at most SVG_LEGEND_MAX entries, each label cut to a line's length.
  const capped = legendItems(f.legend, f.legend.length <= SVG_LEGEND_MAX ? SVG_LEGEND_MAX : SVG_LEGEND_MAX - 1);
  const items: LegendItem[] = capped.more
    ? [...capped.shown, { label: moreText(capped.more, 'entries'), color: f.muted, symbol: 'none' }]
    : capped.shown;
  for (const it of items) {
    const item = { ...it, label: truncateLabel(it.label) };
    const indent = item.symbol === 'none' ? 0 : 22;
    const w = indent + 2 + textWidth(item.label, 12) + 18;
    if (x + w > f.width - pad && x > pad) {
      x = pad;
      y += 20;
    }
    head.push(symbol(item, x, y - 4));
    head.push(`<text x="${x + indent}" y="${y}" font-size="12" fill="${escapeXml(f.text)}">${escapeXml(item.label)}</text>`);
    x += w;
  }
  const top = y + 8;
  const height = top + f.height;
  // The chart keeps its own coordinate system inside a nested <svg> placed under the header.
  const chart = f.chartSvg.replace(/^<svg\b/, `<svg x="0" y="${top}"`);
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<svg xmlns="http://www.w3.org/2000/svg" width="${f.width}" height="${height}" ` +
      `viewBox="0 0 ${f.width} ${height}" font-family="${font}">`,
    `<rect width="100%" height="100%" fill="${escapeXml(f.background)}"/>`,
    ...head,
    chart,
    `</svg>`,
  ].join('\n');
}
