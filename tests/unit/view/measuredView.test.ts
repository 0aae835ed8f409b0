// Measured series for the chart and the table: arch keys parse back exactly, points sit at the
// analytic values on analytic axes and at the median with p10–p90 bars on measured axes, the
// table's "Measured" column sorts unmeasured rows last either way.
import { describe, expect, it } from 'vitest';
import { archKey, homogeneous, type Arch, parseArchKey } from '../../../src/core/arch';
import { DEFAULT_EVAL, evaluate } from '../../../src/core/evaluate';
import { chartSeries } from '../../../src/view/chartData';
import { addMeasurements, emptyMeasurements, type Measurement } from '../../../src/core/measurements';
import { archRow, formatMedianSpread, measuredChartSeries, measuredLookup, paretoFrontier } from '../../../src/view/measuredView';
import { EMPTY_VIEW, runView, type PointRow } from '../../../src/view/runView';
import { COLUMN_BY_KEY, deviceColumns, sortRows } from '../../../src/view/table';
import { archBase, packSnapshot, unpackArch } from '../../../src/core/packed';
import { DEFAULT_SEARCH, searchToEnd } from '../../../src/core/search';

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
    // Its own frontier on the measured axis only (on an analytic axis the points are the run's).
    expect(analytic[0].frontier).toEqual([]);
    const pa = evaluate(a).params.decoder;
    const pb = evaluate(b).params.decoder;
    expect(measured[0].frontier).toEqual(
      pb > pa ? [measured[0].points[0], measured[0].points[1]].map(({ x, y }) => ({ x, y })) : [{ x: measured[0].points[0].x, y: pa }],
    );
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

describe('paretoFrontier', () => {
  it('keeps the points no other beats on lower x and better y, sorted by x', () => {
    const pts = [
      { x: 3, y: 5 },
      { x: 1, y: 1 },
      { x: 2, y: 4 },
      { x: 2, y: 2 }, // beaten by (2, 4) at the same x
      { x: 4, y: 3 }, // beaten by (3, 5)
    ];
    expect(paretoFrontier(pts, 'max')).toEqual([
      { x: 1, y: 1 },
      { x: 2, y: 4 },
      { x: 3, y: 5 },
    ]);
    expect(paretoFrontier(pts, 'min')).toEqual([{ x: 1, y: 1 }]);
    expect(paretoFrontier([], 'max')).toEqual([]);
  });
});

describe('deviceColumns', () => {
  it('one column per device series that timed a candidate of the run, each with its own figures', () => {
    const config = { ...DEFAULT_SEARCH, evaluations: 300 };
    const snapshot = packSnapshot(searchToEnd(config), config.objectives.length);
    const base = archBase(config);
    const [a, b] = [unpackArch(snapshot.frontier, 0, base), unpackArch(snapshot.frontier, 1, base)];
    let store = addMeasurements(emptyMeasurements(), 'cpu', device, 'worker', [m(a, 2, 128)]);
    const phone = { ...device, userAgent: 'Android Chrome/131' };
    store = addMeasurements(store, 'wasm', phone, 'worker', [m(a, 5, 128), m(b, 6, 128)], 'Pixel');
    store = addMeasurements(store, 'webgl', device, 'worker', [m(gpt(64), 1, 128)]); // not in this run
    const results = { snapshot, config };
    const cols = deviceColumns(store, store.series[0].id, results);
    expect(cols.map((c) => [c.label, c.shown])).toEqual([
      [store.series[0].label, true],
      ['Pixel', false],
    ]);
    const rows = runView(snapshot).frontier;
    const idOf = (i: number) => rows.find((r) => r.index === i)!.id;
    expect(cols[0].lookup!(idOf(0))!.timing.medianMs).toBe(2);
    expect(cols[0].lookup!(idOf(1))).toBeUndefined();
    expect(cols[1].lookup!(idOf(1))!.timing.medianMs).toBe(6);
    // The shown series keeps its column even when it timed nothing of this run.
    expect(deviceColumns(store, store.series[2].id, results).map((c) => c.shown)).toEqual([false, false, true]);
    expect(deviceColumns(store, null, null)).toEqual([]);
  });
});
