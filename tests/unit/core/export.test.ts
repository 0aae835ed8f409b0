// Frontier exports: CSV with one row per frontier candidate and RFC 4180 quoting, JSON with the
// search settings and labelled latency / perplexity, and an arch JSON that parseArch reads back.
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../../src/core/evaluate';
import { archJson, CSV_COLUMNS, csvCell, frontierCsv, frontierJson } from '../../../src/core/export';
import { findPreset } from '../../../src/core/presets';
import { fitPowerLaw } from '../../../src/core/referenceModels';
import { DEFAULT_SEARCH, searchToEnd } from '../../../src/core/search';
import { parseArch } from '../../../src/core/validate';
import { parseCsv } from '../csv';

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
      expect([r[col('family')], r[col('model_type')]]).toEqual(['gpt2', 'gpt2']);
      expect(r[col('latency_source')]).toBe('analytic');
      expect(Number(r[col('est_ppl')])).toBeGreaterThan(0);
    });
  });

  it('names the Hugging Face model_type beside the family: qwen2 for llama with q/k/v biases, gpt_neox', () => {
    const row = (preset: string) => {
      const arch = findPreset(preset)!.arch;
      const rows = parseCsv(frontierCsv([{ ...evaluate(arch), id: 0, objectives: [], violation: 0 }]));
      return [rows[1][CSV_COLUMNS.indexOf('family')], rows[1][CSV_COLUMNS.indexOf('model_type')]];
    };
    expect(row('qwen2.5-0.5b')).toEqual(['llama', 'qwen2']);
    expect(row('tinyllama-1.1b')).toEqual(['llama', 'llama']);
    expect(row('pythia-70m')).toEqual(['neox', 'gpt_neox']);
    expect(row('opt-125m')).toEqual(['opt', 'opt']);
  });
});

describe('measured figures in the exports', () => {
  const timed = snapshot.frontier[1];
  const entry = (on: string, decode: number) => ({
    on,
    tokens: 128,
    prefill: { medianMs: 40, p10Ms: 38, p90Ms: 45, runs: 12 },
    decode: { medianMs: decode, p10Ms: decode - 0.5, p90Ms: decode + 1, runs: 200 },
    slices: 4,
    at: '2026-11-24T04:00:00.000Z',
  });
  const measured = (key: string) =>
    key === timed.key ? [entry('wasm · Chrome/156 · T = 128', 4.5), entry('webgpu · Apple M1 · T = 128', 2.5)] : [];

  it('CSV: the first series in its own columns for a timed candidate, empty cells for the others', () => {
    const rows = parseCsv(frontierCsv(snapshot.frontier, undefined, measured));
    const col = (name: (typeof CSV_COLUMNS)[number]) => CSV_COLUMNS.indexOf(name);
    // The schema users script against: named here once more on purpose.
    expect(CSV_COLUMNS.slice(col('measured_on')).join(' ')).toBe(
      'measured_on measured_tokens measured_prefill_median_ms measured_prefill_p10_ms measured_prefill_p90_ms measured_decode_median_ms measured_decode_p10_ms measured_decode_p90_ms',
    );
    expect(rows[2].slice(col('measured_on'))).toEqual(['wasm · Chrome/156 · T = 128', '128', '40', '38', '45', '4.5', '4', '5.5']);
    expect(rows[2][col('latency_source')]).toBe('analytic'); // the analytic columns stay analytic
    for (const r of [rows[1], ...rows.slice(3)]) expect(r.slice(col('measured_on'))).toEqual(Array(8).fill(''));
  });

  it('JSON: every series that timed a candidate, with its device label and T; [] for the others', () => {
    const j = JSON.parse(
      JSON.stringify(
        frontierJson(
          DEFAULT_SEARCH,
          snapshot.frontier,
          { generation: 0, evaluated: 0, feasible: 0, hypervolume: 0, reference: [] },
          undefined,
          measured,
        ),
      ),
    );
    expect(j.latency.source).toBe('analytic');
    expect(j.latency.measured).toMatch(/timed on a device/);
    expect(j.frontier[1].measured).toEqual([entry('wasm · Chrome/156 · T = 128', 4.5), entry('webgpu · Apple M1 · T = 128', 2.5)]);
    expect(j.frontier[0].measured).toEqual([]);
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
    const j = frontierJson(DEFAULT_SEARCH, snapshot.frontier.slice(0, 2), {
      generation: 0,
      evaluated: 0,
      feasible: 0,
      hypervolume: 0,
      reference: [],
    });
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

describe('exports of a search on predicted latency', () => {
  it('label it predicted, with the predictor, in the JSON and in every CSV row', async () => {
    const { fitPredictor } = await import('../../../src/core/predictor');
    const { analyticLatencyMs } = await import('../../../src/core/latency');
    const phone = { gflops: 8, gbps: 3, overheadMsPerKernel: 0.03, label: 'phone' };
    const samples = snapshot.frontier.slice(0, 8).map((c) => ({
      arch: c.arch,
      prefillMs: analyticLatencyMs(c.arch, phone, 128, 0),
      decodeMs: analyticLatencyMs(c.arch, phone, 1, 128),
    }));
    const predictor = fitPredictor(samples, 128, DEFAULT_SEARCH.eval.profile, 'Pixel · wasm · T = 128');
    const config = { ...DEFAULT_SEARCH, evaluations: 600, eval: { ...DEFAULT_SEARCH.eval, predictor } };
    const predicted = searchToEnd(config);
    const stats = {
      generation: predicted.generation,
      evaluated: predicted.evaluated,
      feasible: predicted.feasible,
      hypervolume: predicted.hypervolume,
      reference: predicted.reference,
    };
    const json = frontierJson(config, predicted.frontier, stats) as { latency: { source: string; predictor: { device: string } } };
    expect(json.latency.source).toBe('predicted');
    expect(json.latency.predictor.device).toBe('Pixel · wasm · T = 128');
    const rows = parseCsv(frontierCsv(predicted.frontier));
    const col = rows[0].indexOf('latency_source');
    expect(rows.slice(1).every((r) => r[col] === 'predicted')).toBe(true);
  });
});
