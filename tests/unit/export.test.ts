// Frontier exports: CSV with one row per frontier candidate and RFC 4180 quoting, JSON with the
// search settings and labelled latency / perplexity, and an arch JSON that parseArch reads back.
import { describe, expect, it } from 'vitest';
import { archJson, CSV_COLUMNS, csvCell, frontierCsv, frontierJson } from '../../src/core/export';
import { findPreset } from '../../src/core/presets';
import { fitPowerLaw } from '../../src/core/reference';
import { DEFAULT_SEARCH, searchToEnd } from '../../src/core/search';
import { parseArch } from '../../src/core/validate';

/** Minimal RFC 4180 reader for the test: fields, quotes, doubled quotes. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += ch;
  }
  return rows;
}

const snapshot = searchToEnd({ ...DEFAULT_SEARCH, evaluations: 1500 });
const fit = fitPowerLaw(
  [
    { n: 1e6, ppl: 60 },
    { n: 1e7, ppl: 40 },
    { n: 1e8, ppl: 25 },
  ],
  'test fit',
);

describe('frontier CSV', () => {
  it('quotes only what needs quoting', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell(12.5)).toBe('12.5');
    expect(csvCell(NaN)).toBe('');
    expect(csvCell(undefined)).toBe('');
  });

  it('has a header and one row per frontier candidate, with per-layer shapes and labelled latency', () => {
    const rows = parseCsv(frontierCsv(snapshot.frontier, fit));
    expect(rows[0]).toEqual([...CSV_COLUMNS]);
    expect(rows).toHaveLength(snapshot.frontier.length + 1);
    const col = (name: (typeof CSV_COLUMNS)[number]) => CSV_COLUMNS.indexOf(name);
    rows.slice(1).forEach((r, i) => {
      const c = snapshot.frontier[i];
      expect(r).toHaveLength(CSV_COLUMNS.length);
      expect(Number(r[col('params_total')])).toBe(c.params.total);
      expect(Number(r[col('n_layer')])).toBe(c.arch.layers.length);
      expect(r[col('n_head')].split(';').length).toBe(new Set(c.arch.layers.map((l) => l.nHead)).size > 1 ? c.arch.layers.length : 1);
      expect(r[col('key')]).toBe(c.key);
      expect(r[col('latency_source')]).toBe('analytic');
      expect(Number(r[col('est_ppl')])).toBeGreaterThan(0);
    });
  });
});

describe('frontier JSON', () => {
  it('holds the search settings, the latency profile, the fit and the candidates', () => {
    const stats = { generation: 3, evaluated: 1500, feasible: 1400, hypervolume: 1, reference: [1, 2] };
    const j = JSON.parse(JSON.stringify(frontierJson(DEFAULT_SEARCH, snapshot.frontier, stats, fit)));
    expect(j.format).toBe('lm-frontier/frontier');
    expect(j.search.budgets).toEqual({ paramsTotal: 64e6 });
    expect(j.search.objectives).toEqual(DEFAULT_SEARCH.objectives);
    expect(j.latency.source).toBe('analytic');
    expect(j.latency.profile.label).toMatch(/uncalibrated/);
    expect(j.estimatedPerplexity.dataset).toBe('test fit');
    expect(j.stats).toEqual(stats);
    expect(j.frontier).toHaveLength(snapshot.frontier.length);
    expect(j.frontier[0].arch).toEqual(snapshot.frontier[0].arch);
    expect(j.frontier[0].estPpl).toBeGreaterThan(0);
  });

  it('says null for est. ppl when no fit was loaded', () => {
    const j = frontierJson(DEFAULT_SEARCH, snapshot.frontier.slice(0, 2), { generation: 0, evaluated: 0, feasible: 0, hypervolume: 0, reference: [] });
    expect(j.estimatedPerplexity).toBeNull();
    expect('estPpl' in j.frontier[0]).toBe(false);
  });
});

describe('arch JSON', () => {
  it('parses back with parseArch; only heterogeneous archs carry the note', () => {
    const hetero = snapshot.frontier.find((c) => new Set(c.arch.layers.map((l) => l.dInner)).size > 1)!.arch;
    const j = JSON.parse(JSON.stringify(archJson(hetero)));
    expect(j.note).toMatch(/cannot express per-layer shapes/);
    expect(parseArch(j)).toEqual({ ok: true, value: hetero });
    const gpt2 = findPreset('gpt2')!.arch;
    const h = archJson(gpt2);
    expect('note' in h).toBe(false);
    expect(parseArch(JSON.parse(JSON.stringify(h)))).toEqual({ ok: true, value: gpt2 });
  });
});
