// The exported figure: title, subtitle, legend and the chart, escaped, as one standalone SVG.
import { describe, expect, it } from 'vitest';
import { escapeXml, svgDocument } from '../../../src/ui/svgDocument';

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
});
