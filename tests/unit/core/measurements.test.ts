// Measured latencies survive a reload: versioned JSON in local storage, malformed data dropped
// with a reason, one series per runtime + backend + device + T, versions 1 and 2 migrated.
import { describe, expect, it } from 'vitest';
import {
  addMeasurements,
  deviceLabel,
  emptyMeasurements,
  parseMeasurements,
  seriesId,
  toMeasurement,
} from '../../../src/core/measurements';
import { describeMeasurement } from '../../../src/view/measuredView';
import type { MeasureResult } from '../../../src/core/timingStats';
import { loadMeasurements, MEASUREMENTS_KEY, saveMeasurements, type StorageLike } from '../../../src/state/storage';

const timing = (median: number) => ({
  medianMs: median,
  p10Ms: median * 0.9,
  p90Ms: median * 1.2,
  cv: 0.05,
  firstRunMs: median * 3,
  runs: 5,
  timesMs: [],
});
const result = (arch: string, prefill: number, decode: number, tokens = 16): MeasureResult => ({
  backend: 'wasm',
  arch,
  params: 1000,
  tokens,
  buildMs: 1,
  prefill: timing(prefill),
  decode: timing(decode),
  peakBytes: 4096,
  estimatedBytes: 5000,
  leakedTensors: 0,
});
const device = {
  backend: 'wasm',
  runtime: 'worker' as const,
  userAgent: 'Mozilla/5.0 Chrome/156.0.0.0',
  hardwareConcurrency: 2,
  wasmThreadCount: 1,
};

function memoryStorage(): StorageLike & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v) };
}

describe('measurements', () => {
  it('round-trips through storage and merges by backend + device + T', () => {
    const storage = memoryStorage();
    let store = addMeasurements(emptyMeasurements(), 'wasm', device, 'worker', [
      toMeasurement(result('a', 10, 2)),
      toMeasurement(result('b', 20, 3)),
    ]);
    store = addMeasurements(store, 'wasm', device, 'worker', [toMeasurement(result('a', 11, 2.5))]);
    store = addMeasurements(store, 'cpu', { ...device, backend: 'cpu' }, 'worker', [toMeasurement(result('a', 100, 9))]);
    expect(store.series).toHaveLength(2);
    expect(Object.keys(store.series[0].byArch).sort()).toEqual(['a', 'b']);
    expect(store.series[0].byArch.a.prefill.medianMs).toBe(11); // re-measured: the newest wins
    expect(saveMeasurements(storage, store)).toBeUndefined();
    const loaded = loadMeasurements(storage);
    expect(loaded.dropped).toBeUndefined();
    expect(loaded.store).toEqual(store);
  });

  it('drops what it cannot trust, and says why', () => {
    expect(parseMeasurements('{not json').dropped).toBe('saved measurements could not be read: not JSON');
    expect(parseMeasurements(JSON.stringify({ version: 0, series: [] })).dropped).toMatch(
      /version 0 is not one this app reads \(1, 2 or 3\)/,
    );
    const good = addMeasurements(emptyMeasurements(), 'wasm', device, 'worker', [toMeasurement(result('a', 10, 2))]);
    const bad = {
      ...good,
      series: [...good.series, { ...good.series[0], id: 'x', byArch: { a: { archKey: 'a', prefill: { medianMs: -1 } } } }],
    };
    const parsed = parseMeasurements(JSON.stringify(bad));
    expect(parsed.store.series).toHaveLength(1);
    expect(parsed.dropped).toBe(
      '1 of 2 saved series could not be read (series 2, measurement 1: field tokens is missing); the other 1 is loaded',
    );
    expect(JSON.parse(parsed.unreadable!)).toEqual({ version: 3, series: [bad.series[1]] });
    expect(parseMeasurements(null)).toEqual({ store: emptyMeasurements() });
  });

  it('keeps the number of timed runs; records saved before it existed still load', () => {
    const m = toMeasurement(result('a', 10, 2));
    expect(m.prefill.runs).toBe(5);
    expect(describeMeasurement(m, { label: 'wasm · x', thread: 'worker' })).toMatch(
      /decode 2(\.0+)? ms ± [\d.]+ ms \(5 runs\), prefill 10(\.0+)? ms ± [\d.]+ ms \(5 runs\)/,
    );
    const store = addMeasurements(emptyMeasurements(), 'wasm', device, 'worker', [m]);
    const old = JSON.parse(JSON.stringify(store));
    delete old.series[0].byArch.a.prefill.runs;
    delete old.series[0].byArch.a.decode.runs;
    const parsed = parseMeasurements(JSON.stringify(old));
    expect(parsed.dropped).toBeUndefined();
    expect(describeMeasurement(parsed.store.series[0].byArch.a, parsed.store.series[0])).not.toMatch(/runs/);
    old.series[0].byArch.a.decode.runs = 0;
    expect(parseMeasurements(JSON.stringify(old)).dropped).toMatch(
      /series 1, measurement 1: field decode.runs is 0, not a whole number ≥ 1/,
    );
  });

  it('reports a storage that refuses to save instead of throwing', () => {
    const full: StorageLike = {
      getItem: () => null,
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
    };
    expect(saveMeasurements(full, emptyMeasurements())).toMatch(/could not be saved: QuotaExceededError/);
    const broken: StorageLike = {
      getItem: () => {
        throw new Error('SecurityError');
      },
      setItem: () => {},
    };
    expect(loadMeasurements(broken).dropped).toMatch(/not available/);
    expect(MEASUREMENTS_KEY).toMatch(/measurements/);
  });

  it('labels a series by GPU when there is one, else browser, cores and threads', () => {
    expect(deviceLabel('webgl', { ...device, backend: 'webgl', webglRenderer: 'ANGLE (SwiftShader)' })).toBe('webgl · ANGLE (SwiftShader)');
    expect(deviceLabel('wasm', device)).toBe('wasm · Chrome/156, 2 cores, 1 thread');
  });

  it('keeps a measurement at another T in its own series: it neither replaces nor joins the other', () => {
    let store = addMeasurements(emptyMeasurements(), 'wasm', device, 'worker', [toMeasurement(result('a', 10, 2, 128))]);
    store = addMeasurements(store, 'wasm', device, 'worker', [
      toMeasurement(result('a', 40, 3, 512)),
      toMeasurement(result('b', 50, 4, 512)),
    ]);
    expect(store.series.map((s) => [s.label, s.tokens, Object.keys(s.byArch)])).toEqual([
      ['wasm · Chrome/156, 2 cores, 1 thread · T = 128', 128, ['a']],
      ['wasm · Chrome/156, 2 cores, 1 thread · T = 512', 512, ['a', 'b']],
    ]);
    expect(store.series[0].byArch.a.prefill.medianMs).toBe(10);
    expect(store.series[0].id).not.toBe(store.series[1].id);
    expect(parseMeasurements(JSON.stringify(store))).toEqual({ store });
  });

  it('drops a series (version 2 on) whose measurements are not all at its T', () => {
    const store = addMeasurements(emptyMeasurements(), 'wasm', device, 'worker', [toMeasurement(result('a', 10, 2, 128))]);
    const mixed = JSON.parse(JSON.stringify(store));
    mixed.series[0].byArch.b = { ...mixed.series[0].byArch.a, archKey: 'b', tokens: 512 };
    expect(parseMeasurements(JSON.stringify(mixed))).toEqual({
      store: emptyMeasurements(),
      dropped: "1 of 1 saved series could not be read (series 1, measurement 2: field tokens is 512, not the series' T (128))",
      unreadable: JSON.stringify({ version: 3, series: mixed.series }),
    });
  });

  it('migrates version 1 (a series per backend + device): its measurements regrouped by T', () => {
    const a128 = toMeasurement(result('a', 10, 2, 128));
    const b128 = toMeasurement(result('b', 20, 3, 128));
    const a512 = { ...toMeasurement(result('a', 40, 5, 512)), archKey: 'c' }; // v1 kept one per arch key
    const v1 = {
      version: 1,
      series: [
        {
          id: 'wasm|wasm · Chrome/156, 2 cores, 1 thread|ua',
          label: 'wasm · Chrome/156, 2 cores, 1 thread',
          backend: 'wasm',
          device,
          thread: 'worker',
          byArch: { a: a128, c: a512, b: b128 },
        },
        { id: 'bad', label: 'bad', backend: 'wasm', device, thread: 'worker', byArch: { a: { ...a128, tokens: 0 } } },
      ],
    };
    const { store, dropped } = parseMeasurements(JSON.stringify(v1));
    expect(dropped).toBe(
      '1 of 2 saved series could not be read (series 2, measurement 1: field tokens is 0, not a whole number ≥ 1); the other 1 is loaded',
    );
    expect(store.version).toBe(3);
    expect(store.series.map((s) => [s.tokens, Object.keys(s.byArch)])).toEqual([
      [128, ['a', 'b']],
      [512, ['c']],
    ]);
    expect(store.series[1].byArch.c).toEqual(a512);
    expect(store).toEqual(
      addMeasurements(addMeasurements(emptyMeasurements(), 'wasm', device, 'worker', [a128, b128]), 'wasm', device, 'worker', [a512]),
    );
  });

  it('keeps ONNX Runtime apart: its own series, id and label beside tfjs on the same backend, device and T', () => {
    const ort = { ...result('a', 8, 1.5), runtime: 'ort' as const, peakBytes: null, memoryNote: 'ONNX Runtime Web reports no memory use' };
    let store = addMeasurements(emptyMeasurements(), 'wasm', device, 'worker', [toMeasurement(result('a', 10, 2))]);
    store = addMeasurements(store, 'wasm', device, 'worker', [toMeasurement(ort)], undefined, 'ort');
    expect(store.series.map((s) => [s.runtime, s.label, s.byArch.a.decode.medianMs, s.byArch.a.peakBytes])).toEqual([
      ['tfjs', 'wasm · Chrome/156, 2 cores, 1 thread · T = 16', 2, 4096],
      ['ort', 'ORT-web wasm · Chrome/156, 2 cores, 1 thread · T = 16', 1.5, null],
    ]);
    // tfjs's id is version 2's (a saved shown series still finds it); ORT's is its own.
    expect(store.series[0].id).toBe('wasm|wasm · Chrome/156, 2 cores, 1 thread|Mozilla/5.0 Chrome/156.0.0.0|T16');
    expect(store.series[1].id).toBe(`ort|${store.series[0].id.replace('|wasm ·', '|ORT-web wasm ·')}`);
    expect(seriesId('wasm', device, 16, 'ort')).toBe(store.series[1].id);
    expect(parseMeasurements(JSON.stringify(store))).toEqual({ store });
  });

  it('migrates version 2 (before ONNX Runtime): every series is tfjs, ids and labels unchanged', () => {
    const v3 = addMeasurements(emptyMeasurements(), 'wasm', device, 'worker', [toMeasurement(result('a', 10, 2))]);
    const v2 = { version: 2, series: v3.series.map(({ runtime: _, ...rest }) => rest) };
    expect(v2.series[0]).not.toHaveProperty('runtime');
    const parsed = parseMeasurements(JSON.stringify(v2));
    expect(parsed).toEqual({ store: v3 });
    expect(parsed.store.version).toBe(3);
    expect(parsed.store.series[0].runtime).toBe('tfjs');
    // Saved again, it is version 3; an app that reads only version 2 would refuse it (newer).
    expect(JSON.parse(JSON.stringify(parsed.store)).version).toBe(3);
  });

  it('drops a version-3 series without a runtime it knows, naming the field', () => {
    const good = addMeasurements(emptyMeasurements(), 'wasm', device, 'worker', [toMeasurement(result('a', 10, 2))]);
    const s = good.series[0];
    const { runtime: _, ...missing } = s;
    const parsed = parseMeasurements(
      JSON.stringify({ version: 3, series: [s, { ...s, id: 'b', runtime: 'onnx' }, { ...missing, id: 'c' }] }),
    );
    expect(parsed.store.series).toEqual([s]);
    expect(parsed.dropped).toBe(
      '2 of 3 saved series could not be read (series 2: field runtime is "onnx", not tfjs or ort; ' +
        'series 3: field runtime is missing, not text); the other 1 is loaded',
    );
  });

  describe('says precisely what it could not read, and hands the data back', () => {
    const good = addMeasurements(emptyMeasurements(), 'wasm', device, 'worker', [toMeasurement(result('a', 10, 2))]);
    const whole = (text: string) => {
      const parsed = parseMeasurements(text);
      expect(parsed.store).toEqual(emptyMeasurements());
      expect(parsed.unreadable).toBe(text); // the whole text, as stored
      return parsed.dropped!.replace('saved measurements could not be read: ', '');
    };

    it('names the problem of a text it cannot read at all', () => {
      expect(whole('{"version":')).toBe('not JSON');
      expect(whole('{"version":4,"series":[]}')).toBe('version 4 is newer than this app reads (3)');
      expect(whole('null')).toBe('the saved JSON is null, not an object with a version and series');
      expect(whole('[1]')).toBe('the saved JSON is a list, not an object with a version and series');
      expect(whole('{"series":[]}')).toBe('field version is missing');
      expect(whole('{"version":"2","series":[]}')).toBe('field version is a string');
      expect(whole('{"version":2}')).toBe('field series is missing, not a list');
      expect(whole('{"version":2,"series":{}}')).toBe('field series is an object, not a list');
    });

    it('names the field of a malformed series, counting from 1, and keeps only those series aside', () => {
      const s = good.series[0];
      const m = s.byArch.a;
      const text = JSON.stringify({
        version: 2,
        series: [
          s,
          { ...s, id: 'b', label: 7 },
          { ...s, id: 'c', byArch: { a: m, b: { ...m, archKey: 'b', decode: { ...m.decode, medianMs: '2' } } } },
          null,
          { ...s, id: 'e', tokens: 1.5 },
          { ...s, id: 'f', device: 'phone' },
        ],
      });
      const parsed = parseMeasurements(text);
      expect(parsed.store.series).toEqual([s]);
      expect(parsed.dropped).toBe(
        '5 of 6 saved series could not be read (series 2: field label is a number, not text; ' +
          'series 3, measurement 2: field decode.medianMs is a string; series 4: it is null, not an object; and 2 more); the other 1 is loaded',
      );
      expect(JSON.parse(parsed.unreadable!).series.map((x: { id?: string } | null) => x?.id ?? null)).toEqual(['b', 'c', null, 'e', 'f']);
    });

    it('reads what it can without a word', () => {
      expect(parseMeasurements(JSON.stringify(good))).toEqual({ store: good });
      expect(parseMeasurements('')).toEqual({ store: emptyMeasurements() });
    });
  });
});
