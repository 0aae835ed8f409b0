// Measured series for the chart and the table: arch keys parse back exactly, points sit at the
// analytic values on analytic axes and at the median with p10–p90 bars on measured axes, the
// table's "Measured" column sorts unmeasured rows last either way.
import { describe, expect, it } from 'vitest';
import { archKey, homogeneous, type Arch, parseArchKey } from '../../../src/core/arch';
import { DEFAULT_EVAL, evaluate } from '../../../src/core/evaluate';
import { chartSeries } from '../../../src/view/chartData';
import { addMeasurements, emptyMeasurements, type Measurement } from '../../../src/core/measurements';
import { archRow, formatMedianSpread, measuredChartSeries, measuredLookup } from '../../../src/view/measuredView';
import { EMPTY_VIEW, type PointRow } from '../../../src/view/runView';
import { COLUMN_BY_KEY, sortRows } from '../../../src/view/table';

const gpt = (d: number, n = 2): Arch =>
  homogeneous({ family: 'gpt2', vocabSize: 1000, contextLength: 256, dModel: d, tieEmbeddings: true }, n, { nHead: 2, dInner: 4 * d });
const t = (median: number) => ({ medianMs: median, p10Ms: median * 0.8, p90Ms: median * 1.4, cv: 0.1 });
const m = (arch: Arch, decode: number, tokens = 16): Measurement => ({
  archKey: archKey(arch),
  tokens,
  prefill: t(decode * 5),
  decode: t(decode),
  firstRunMs: 9,
  peakBytes: 1000,
  leakedTensors: 0,
  at: '2026-01-01T00:00:00.000Z',
});
const device = { backend: 'cpu', runtime: 'worker' as const, userAgent: 'Chrome/156', hardwareConcurrency: 2 };

describe('measured view', () => {
  it('parses arch keys back to the same arch, and rejects anything else', () => {
    const archs: Arch[] = [
      gpt(64),
      {
        ...gpt(128),
        layers: [
          { nHead: 2, dInner: 256 },
          { nHead: 4, dInner: 512 },
          { nHead: 4, dInner: 512 },
        ],
      },
      homogeneous({ family: 'llama', vocabSize: 32000, contextLength: 2048, dModel: 576, tieEmbeddings: false }, 3, {
        nHead: 9,
        nKvHead: 3,
        dInner: 1536,
      }),
      {
        ...homogeneous({ family: 'opt', vocabSize: 50272, contextLength: 2048, dModel: 1024, tieEmbeddings: true }, 2, {
          nHead: 16,
          dInner: 4096,
        }),
        embedDim: 512,
        normPosition: 'post',
      },
    ];
    for (const a of archs) expect(archKey(parseArchKey(archKey(a))!)).toBe(archKey(a));
    for (const bad of [
      '',
      'gpt2:v1:c2:d3:t',
      'gpt2:v0:c2:d3:t|2.8',
      'bert:v1:c2:d3:t|2.8',
      'gpt2:v1:c2:d3:t|2.8*0',
      'gpt2:v1:c2:d3:x|2.8',
    ]) {
      expect(parseArchKey(bad)).toBeNull();
    }
  });

  it('draws measured candidates at their analytic values, or at the median with bars on a measured axis', () => {
    const a = gpt(64);
    const b = gpt(128);
    const store = addMeasurements(emptyMeasurements(), 'cpu', device, 'worker', [m(a, 2), m(b, 4)]);
    const base = {
      y: 'decoder-params' as const,
      logX: false,
      logY: false,
      fit: null,
      settings: DEFAULT_EVAL,
      keyIndex: new Map([[archKey(a), 7]]),
    };
    const analytic = measuredChartSeries(store, { ...base, x: 'latency-decode' });
    expect(analytic).toHaveLength(1);
    expect(analytic[0].points[0]).toEqual({ x: evaluate(a).latency.decodeMs, y: evaluate(a).params.decoder, id: 7, key: archKey(a) });
    expect(analytic[0].points[1].id).toBeNull(); // not in the run on screen: drawn, not selectable
    const measured = measuredChartSeries(store, { ...base, x: 'measured-prefill' });
    expect(measured[0].points[1]).toMatchObject({ x: 20, lo: 16, hi: 28, y: evaluate(b).params.decoder });
    // On a measured axis the run's own points have no value; the domain covers the bars.
    const s = chartSeries(EMPTY_VIEW, {
      x: 'measured-prefill',
      y: 'decoder-params',
      logX: false,
      logY: false,
      showDominated: true,
      showInfeasible: false,
      staircase: false,
      fit: null,
      measured,
    });
    expect(s.x.domain[0]).toBeLessThanOrEqual(8);
    expect(s.x.domain[1]).toBeGreaterThanOrEqual(28);
    expect(archRow('not a key', DEFAULT_EVAL)).toBeNull();
  });

  it('the Measured column shows median ± half the p10–p90 range (and T when it is not the analytic one) and sorts unmeasured rows last', () => {
    const a = gpt(64);
    const b = gpt(128);
    // One series per T: a at T = 16 and T = 128, b at T = 16 only.
    const store = addMeasurements(emptyMeasurements(), 'cpu', device, 'worker', [m(a, 2), m(b, 1), m(a, 3, DEFAULT_EVAL.tokens)]);
    expect(store.series.map((s) => s.tokens)).toEqual([16, DEFAULT_EVAL.tokens]);
    const rows = [a, b, gpt(192)].map((x, i) => ({ ...archRow(archKey(x), DEFAULT_EVAL, i)!, id: i }) as PointRow);
    const keyIndex = new Map(rows.map((r, i) => [archKey([a, b, gpt(192)][i]), r.id]));
    const lookup = measuredLookup(store.series[0], keyIndex, 'decode')!;
    const at128 = measuredLookup(store.series[1], keyIndex, 'decode')!;
    const col = COLUMN_BY_KEY.measured;
    expect(col.header).toBe('Measured');
    expect(col.cell(rows[0], null, lookup)).toBe('2 ± 0.6 (T = 16)'); // beside analytic figures at T = 128
    expect(col.cell(rows[1], null, lookup)).toBe('1 ± 0.3 (T = 16)');
    expect(col.cell(rows[0], null, at128)).toBe('3 ± 0.9');
    expect(col.cell(rows[1], null, at128)).toBe('–');
    expect(formatMedianSpread(t(2))).toBe('2 ± 0.6');
    expect(COLUMN_BY_KEY.latencyPrefill.sub).toBe(`${DEFAULT_EVAL.tokens} tokens`);
    expect(col.cell(rows[2], null, lookup)).toBe('–');
    expect(sortRows(rows, { key: 'measured', dir: 'asc' }, null, lookup).map((r) => r.id)).toEqual([1, 0, 2]);
    expect(sortRows(rows, { key: 'measured', dir: 'desc' }, null, lookup).map((r) => r.id)).toEqual([0, 1, 2]);
  });
});
