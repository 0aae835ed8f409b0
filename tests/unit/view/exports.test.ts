// The app's exports carry what was measured: the CSV the series the table shows, the JSON every
// series with its device.
import { describe, expect, it } from 'vitest';
import { archKey } from '../../../src/core/arch';
import { DEFAULT_SEARCH, searchToEnd } from '../../../src/core/search';
import { packSnapshot } from '../../../src/core/packed';
import { exportCsv, exportJson } from '../../../src/view/exports';
import { addMeasurements, emptyMeasurements, seriesId, type Measurement } from '../../../src/core/measurements';
import { parseCsv } from '../csv';

const config = { ...DEFAULT_SEARCH, evaluations: 600 };
const snapshot = packSnapshot(searchToEnd(config), config.objectives.length);
const device = {
  backend: 'wasm',
  runtime: 'worker' as const,
  userAgent: 'Mozilla/5.0 Chrome/156.0.0.0',
  hardwareConcurrency: 2,
  wasmThreadCount: 1,
};
const gpu = { ...device, backend: 'webgpu', webgpuAdapter: 'Apple M1' };
const t = (median: number) => ({ medianMs: median, p10Ms: median * 0.9, p90Ms: median * 1.2, cv: 0.05, runs: 10 });
const m = (key: string, decode: number): Measurement => ({
  archKey: key,
  tokens: 128,
  prefill: t(10 * decode),
  decode: t(decode),
  firstRunMs: 1,
  peakBytes: 1,
  leakedTensors: 0,
  at: '2026-11-24T04:00:00.000Z',
});

describe('exports with measurements', () => {
  it('CSV: the shown series fills the measured columns of the candidates it timed', () => {
    const [header] = parseCsv(exportCsv(snapshot, config, null, emptyMeasurements(), null));
    const first = searchToEnd(config).frontier.sort((a, b) => a.latency.decodeMs - b.latency.decodeMs)[0];
    let store = addMeasurements(emptyMeasurements(), 'wasm', device, 'worker', [m(archKey(first.arch), 4.5)]);
    store = addMeasurements(store, 'webgpu', gpu, 'worker', [m(archKey(first.arch), 2.5)]);
    const on = header.indexOf('measured_on');
    const cells = (csv: string, row: number) => parseCsv(csv)[row];
    const wasm = exportCsv(snapshot, config, null, store, seriesId('wasm', device, 128));
    expect(cells(wasm, 1)[2]).toBe(first.key); // sorted by decode latency, as the table
    expect(cells(wasm, 1).slice(on, on + 2)).toEqual(['wasm · Chrome/156, 2 cores, 1 thread · T = 128', '128']);
    expect(cells(wasm, 1)[header.indexOf('measured_decode_median_ms')]).toBe('4.5');
    expect(cells(wasm, 2)[on]).toBe('');
    const webgpu = exportCsv(snapshot, config, null, store, seriesId('webgpu', gpu, 128));
    expect(cells(webgpu, 1)[header.indexOf('measured_decode_median_ms')]).toBe('2.5');
    expect(cells(exportCsv(snapshot, config, null, store, null), 1)[on]).toBe('');
  });

  it('JSON: every series per candidate, and the devices they ran on', () => {
    const first = searchToEnd(config).frontier.sort((a, b) => a.latency.decodeMs - b.latency.decodeMs)[0];
    let store = addMeasurements(emptyMeasurements(), 'wasm', device, 'worker', [m(archKey(first.arch), 4.5)]);
    store = addMeasurements(store, 'webgpu', gpu, 'worker', [m(archKey(first.arch), 2.5)]);
    const j = JSON.parse(JSON.stringify(exportJson(snapshot, config, null, store)));
    expect(j.frontier[0].measured.map((x: { on: string; decode: { medianMs: number } }) => [x.on, x.decode.medianMs])).toEqual([
      ['wasm · Chrome/156, 2 cores, 1 thread · T = 128', 4.5],
      ['webgpu · Apple M1 · T = 128', 2.5],
    ]);
    expect(j.frontier[1].measured).toEqual([]);
    expect(j.devices).toEqual([
      { label: 'wasm · Chrome/156, 2 cores, 1 thread · T = 128', backend: 'wasm', thread: 'worker', tokens: 128, device },
      { label: 'webgpu · Apple M1 · T = 128', backend: 'webgpu', thread: 'worker', tokens: 128, device: gpu },
    ]);
  });
});
