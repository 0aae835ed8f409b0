// The exported figure: title, subtitle, legend and the chart, escaped, as one standalone SVG.
import { describe, expect, it } from 'vitest';
import { escapeXml, SVG_LEGEND_MAX, svgDocument, type LegendItem } from '../../../src/ui/svgDocument';

describe('svgDocument', () => {
  const doc = svgDocument({
    chartSvg: '<svg xmlns="http://www.w3.org/2000/svg" width="600" height="400"><text>Decode latency per token (ms, analytic)</text></svg>',
    width: 600,
    height: 400,
    title: 'Pareto frontier: Decoder params vs decode latency (analytic)',
    subtitle: 'LTS GPT-2 space · ≤ 64 M total params',
    legend: [
      { label: 'Pareto frontier (1,536)', color: '#0072b2', symbol: 'line-dot' },
      { label: 'Dominated (random sample, 1,750 shown)', color: '#8a939e', symbol: 'faint-dot' },
      { label: 'Over budget <x> & "y"', color: '#d55e00', symbol: 'cross' },
      { label: 'Selected', color: '#e69f00', symbol: 'ring' },
    ],
    background: '#ffffff',
    text: '#1a1f26',
    muted: '#5a6472',
    fontFamily: 'system-ui, "Segoe UI"',
  });

  it('is one standalone SVG with a background, title, subtitle, legend and the chart below them', () => {
    expect(doc.startsWith('<?xml')).toBe(true);
    expect(doc.match(/<svg xmlns="http:\/\/www.w3.org\/2000\/svg" width="600" height="(\d+)"/)).not.toBeNull();
    expect(doc).toContain('<rect width="100%" height="100%" fill="#ffffff"/>');
    expect(doc).toContain('>Pareto frontier: Decoder params vs decode latency (analytic)</text>');
    expect(doc).toContain('>LTS GPT-2 space · ≤ 64 M total params</text>');
    expect(doc).toContain('>Pareto frontier (1,536)</text>');
    expect(doc).toContain('>Selected</text>');
    expect(doc).toMatch(/<svg x="0" y="\d+" xmlns="http:\/\/www.w3.org\/2000\/svg" width="600" height="400">/);
    expect(doc).toContain('Decode latency per token (ms, analytic)');
    const total = Number(doc.match(/height="(\d+)" viewBox/)![1]);
    expect(total).toBeGreaterThan(400);
  });

  it('escapes text', () => {
    expect(doc).toContain('Over budget &lt;x&gt; &amp; &quot;y&quot;');
    expect(doc).toContain('font-family="system-ui, &quot;Segoe UI&quot;"');
    expect(escapeXml('a<b')).toBe('a&lt;b');
  });

  it('300 legend entries and a 3,000-character label: a capped legend, labels cut to a line', () => {
    const legend: LegendItem[] = [
      { label: 'x'.repeat(3000), color: '#000', symbol: 'diamond' },
      ...Array.from({ length: 300 }, (_, i): LegendItem => ({
        label: `measured (device ${i}): 1 candidate`,
        color: '#000',
        symbol: 'diamond',
      })),
    ];
    const big = svgDocument({ ...spec(), legend });
    const texts = [...big.matchAll(/<text [^>]*font-size="12"[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
    // the subtitle, then the legend
    expect(texts.length - 1).toBe(SVG_LEGEND_MAX);
    expect(texts.at(-1)).toBe('and 286 more entries');
    expect(Math.max(...texts.map((t) => t.length))).toBeLessThanOrEqual(60);
    expect(texts[1].endsWith('…')).toBe(true);
    const total = Number(big.match(/height="(\d+)" viewBox/)![1]);
    expect(total).toBeLessThan(400 + 500);
  });

  it('a legend at the cap is drawn whole', () => {
    const legend = Array.from({ length: SVG_LEGEND_MAX }, (_, i): LegendItem => ({ label: `entry ${i}`, color: '#000', symbol: 'dot' }));
    const d = svgDocument({ ...spec(), legend });
    expect(d).toContain(`>entry ${SVG_LEGEND_MAX - 1}</text>`);
    expect(d).not.toContain('more entries');
  });
});

function spec() {
  return {
    chartSvg: '<svg xmlns="http://www.w3.org/2000/svg" width="600" height="400"></svg>',
    width: 600,
    height: 400,
    title: 't',
    subtitle: 's',
    legend: [],
    background: '#fff',
    text: '#000',
    muted: '#555',
    fontFamily: 'system-ui',
  };
}
