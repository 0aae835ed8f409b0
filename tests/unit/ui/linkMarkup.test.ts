// A link carrying markup shows it as text: a results link's series label and device strings come
// back as the same plain strings, the page renders them escaped (React, no raw HTML anywhere in
// src), and the exported SVG figure escapes them too.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createElement, type ComponentType } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it, vi } from 'vitest';
import { archKey } from '../../../src/core/arch';
import { findPreset } from '../../../src/core/presets';
import { decodeResultsLink, encodeResultsLink, parseResultsJson, resultsToJson, type ResultsLink } from '../../../src/core/resultsLink';
import { explorerStore } from '../../../src/state/store';
import { svgDocument } from '../../../src/ui/svgDocument';

const MARKUP = '<img src=x onerror=alert(1)>';
const SCRIPT = '</text><script>alert(1)</script>&amp;"\'';

const arch = findPreset('gpt2')!.arch;
const t = { medianMs: 2, p10Ms: 1.8, p90Ms: 2.4, cv: 0.05, runs: 9 };
const at = '2026-11-30T12:00:00.000Z';
const link: ResultsLink = {
  candidates: [arch],
  series: [
    {
      label: MARKUP,
      backend: 'wasm',
      device: { backend: 'wasm', runtime: 'worker', userAgent: SCRIPT, webglRenderer: MARKUP },
      thread: 'worker',
      tokens: 64,
      at,
      measurements: [{ archKey: archKey(arch), tokens: 64, prefill: t, decode: t, firstRunMs: 5, peakBytes: 1, leakedTensors: 0, at }],
    },
  ],
};

describe('a link carrying markup', () => {
  it('round-trips labels and device strings as the same plain strings (link and JSON file)', async () => {
    for (const back of [await decodeResultsLink(await encodeResultsLink(link)), parseResultsJson(resultsToJson(link))]) {
      expect(back.series[0].label).toBe(MARKUP);
      expect(back.series[0].device.userAgent).toBe(SCRIPT);
      expect(back.series[0].device.webglRenderer).toBe(MARKUP);
    }
  });

  it('renders as text in the device series list', async () => {
    explorerStore.getState().actions.importResults(await decodeResultsLink(await encodeResultsLink(link)));
    expect(explorerStore.getState().measure.measurements.series.map((s) => s.label)).toContain(MARKUP);
    // Server rendering reads a zustand store's initial state: have it read the state with the import.
    const initial = vi.spyOn(explorerStore, 'getInitialState').mockImplementation(() => explorerStore.getState());
    const mod = (await import(/* @vite-ignore */ `../../../src/ui/${'DeviceSeries'}.tsx`)) as Record<string, ComponentType>;
    const html = renderToStaticMarkup(createElement(mod.DeviceSeries));
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).not.toContain('<img');
    initial.mockRestore();
  });

  it('is escaped in the exported SVG figure (title, subtitle and legend)', () => {
    const doc = svgDocument({
      chartSvg: '<svg xmlns="http://www.w3.org/2000/svg" width="600" height="400"></svg>',
      width: 600,
      height: 400,
      title: MARKUP,
      subtitle: SCRIPT,
      legend: [{ label: MARKUP, color: '#0072b2', symbol: 'dot' }],
      background: '#fff',
      text: '#000',
      muted: '#555',
      fontFamily: 'system-ui',
    });
    expect(doc).not.toContain('<img');
    expect(doc).not.toContain('<script');
    expect(doc).toContain('&lt;img src=x onerror=alert(1)&gt;</text>');
    expect(doc).toContain('&lt;/text&gt;&lt;script&gt;alert(1)&lt;/script&gt;&amp;amp;&quot;');
  });

  it('has no way into HTML: no file in src sets raw markup', () => {
    const files = (dir: string): string[] =>
      readdirSync(dir).flatMap((f) =>
        statSync(join(dir, f)).isDirectory() ? files(join(dir, f)) : /\.tsx?$/.test(f) ? [join(dir, f)] : [],
      );
    const raw = /dangerouslySetInnerHTML|\.innerHTML|\.outerHTML|insertAdjacentHTML|document\.write/;
    const offenders = files(join(__dirname, '../../../src')).filter((f) => raw.test(readFileSync(f, 'utf8')));
    expect(offenders).toEqual([]);
  });
});
