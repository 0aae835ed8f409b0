// Server-rendered markup of the explorer (react-dom/server, no DOM needed): the controls users
// and e2e tests find by accessible name are there, with honest labels, before and after a run.
// UI modules are imported through a variable: the Node tsconfig has neither JSX nor DOM types,
// and the UI is type-checked by tsconfig.json.
import { createElement, type ComponentType } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';

const ui = (name: string) => import(/* @vite-ignore */ `../../../src/ui/${name}.tsx`);

async function render(name: string, exportName = name): Promise<string> {
  const mod = (await ui(name)) as Record<string, ComponentType>;
  return renderToStaticMarkup(createElement(mod[exportName]));
}

describe('explorer markup', () => {
  it('has the named controls, the chart region and the candidates table', async () => {
    const html = await render('App');
    for (const name of ['Search', 'Stop', 'Export CSV', 'Export JSON', 'Export SVG', 'Export PNG']) {
      expect(html).toContain(`>${name}</button>`);
    }
    expect(html).toMatch(/role="region" aria-label="Pareto frontier"/);
    expect(html).toContain('aria-label="Candidates"');
    expect(html).toContain('>LM Frontier</h1>');
    // Presets, default budget and objectives.
    for (const label of ['LTS GPT-2', 'MeRino-like (OPT)', 'Llama-style']) expect(html).toContain(`>${label}</option>`);
    expect(html).toMatch(/Max params.*value="64"/s);
    expect(html).toContain('MeRino mode: maximise entropy, minimise latency');
    // Honest labels: latency is analytic with its profile; measured numbers have their own column.
    expect(html).toContain('Latency, ms (analytic)'); // table header (recharts draws axis labels only in a browser)
    expect(html).toContain('default profile (uncalibrated');
    expect(html).toContain('>Measured<'); // the table column
    // On-device timing: a "Backend" select with the four backends, "Measure", "Stop measuring",
    // "Calibrate", the memory cap; tfjs is not loaded before the first measurement.
    for (const name of ['Measure', 'Stop measuring', 'Calibrate']) expect(html).toContain(`>${name}</button>`);
    expect(html).toMatch(/<label for="([^"]+)" class="field-label">Backend<\/label><span class="field-input"><select id="\1"/);
    for (const b of ['webgpu', 'webgl', 'wasm', 'cpu'])
      expect(html).toMatch(new RegExp(`<option value="${b}"( selected="")?>${b}</option>`));
    expect(html).toContain('Max model memory (MB)');
    expect(html).toContain('Measured latency (decode)');
    expect(html).toContain('tfjs not loaded');
    // The links out: share, measure on another device (off until there is a frontier), copy image.
    expect(html).toContain('aria-expanded="false">Share</button>');
    expect(html).toContain('aria-expanded="false" disabled="">Measure on another device</button>');
    expect(html).toContain('>Copy image</button>');
    expect(html).toMatch(/<label class="file-button"><span>Import results<\/span><input type="file"/);
  });

  it('the architecture view explains how to select before anything is selected', async () => {
    expect(await render('ArchView')).toContain('Select a point on the chart or a row of the table.');
  });
});
