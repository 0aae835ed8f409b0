// Saved data the app cannot read is never erased: unreadable measurements are kept aside under
// their own key before anything can overwrite them (appended, never replaced), offered for
// download until deleted, and a dismissed message stays dismissed for that backup. A stored
// calibration profile with absurd numbers is ignored with a sentence naming the field and value.
import { describe, expect, it } from 'vitest';
import { addMeasurements, emptyMeasurements, toMeasurement } from '../../../src/core/measurements';
import type { MeasureResult } from '../../../src/core/timingStats';
import { CALIBRATION_KEY, CALIBRATION_VERSION, loadCalibration } from '../../../src/state/calibration';
import {
  deleteUnreadable,
  dismissUnreadable,
  loadMeasurements,
  MEASUREMENTS_KEY,
  saveMeasurements,
  UNREADABLE_DISMISSED_KEY,
  UNREADABLE_KEY,
  type StorageLike,
} from '../../../src/state/storage';

function memoryStorage(): StorageLike & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v), removeItem: (k) => void data.delete(k) };
}

const timing = { medianMs: 2, p10Ms: 1.8, p90Ms: 2.4, cv: 0.05, firstRunMs: 6, runs: 5, timesMs: [] };
const result: MeasureResult = {
  backend: 'wasm',
  arch: 'a',
  params: 1000,
  tokens: 16,
  buildMs: 1,
  prefill: timing,
  decode: timing,
  peakBytes: 4096,
  estimatedBytes: 5000,
  leakedTensors: 0,
};
const device = { backend: 'wasm', runtime: 'worker' as const, userAgent: 'Chrome/156', hardwareConcurrency: 2 };
const someMeasurements = () =>
  addMeasurements(emptyMeasurements(), 'wasm', device, 'worker', [toMeasurement(result, new Date('2025-01-01T00:00:00Z'))]);
const backup = (s: { data: Map<string, string> }) =>
  JSON.parse(s.data.get(UNREADABLE_KEY)!) as { kept: { text: string; reason: string }[] };

describe('unreadable saved measurements', () => {
  it('are kept aside before the next save overwrites them, and the download gives the text back', () => {
    const storage = memoryStorage();
    const v3 = '{"version":4,"series":[]}';
    storage.setItem(MEASUREMENTS_KEY, v3);
    const loaded = loadMeasurements(storage, new Date('2025-01-02T03:04:05Z'));
    expect(loaded.store).toEqual(emptyMeasurements());
    expect(loaded.dropped).toBe('saved measurements could not be read: version 4 is newer than this app reads (3)');
    expect(backup(storage)).toEqual({ kept: [{ at: '2025-01-02T03:04:05.000Z', reason: loaded.dropped, text: v3 }] });
    expect(loaded.unreadable).toMatchObject({
      reasons: [loaded.dropped],
      dismissed: false,
      file: { name: 'lm-frontier-unreadable-measurements.json', text: v3, type: 'application/json' },
    });
    // The next Measure saves; the backup is untouched, and a reload still offers it.
    expect(saveMeasurements(storage, someMeasurements())).toBeUndefined();
    expect(backup(storage).kept.map((e) => e.text)).toEqual([v3]);
    const reloaded = loadMeasurements(storage);
    expect(reloaded.dropped).toBeUndefined();
    expect(reloaded.store).toEqual(someMeasurements());
    expect(reloaded.unreadable).toMatchObject({ id: loaded.unreadable!.id, file: { text: v3 } });
  });

  it('a later failure is appended, never replaces the first; the same text twice is kept once', () => {
    const storage = memoryStorage();
    storage.setItem(MEASUREMENTS_KEY, 'null');
    const first = loadMeasurements(storage);
    expect(first.dropped).toBe('saved measurements could not be read: the saved JSON is null, not an object with a version and series');
    expect(loadMeasurements(storage).unreadable!.id).toBe(first.unreadable!.id); // reload: nothing added
    const good = someMeasurements();
    const partial = JSON.stringify({ ...good, series: [...good.series, { ...good.series[0], id: 'x', tokens: 'T' }] });
    storage.setItem(MEASUREMENTS_KEY, partial);
    const second = loadMeasurements(storage);
    expect(second.store).toEqual(good);
    expect(second.dropped).toBe('1 of 2 saved series could not be read (series 2: field tokens is a string); the other 1 is loaded');
    expect(backup(storage).kept.map((e) => e.text)).toEqual([
      'null',
      JSON.stringify({ version: 3, series: [{ ...good.series[0], id: 'x', tokens: 'T' }] }),
    ]);
    expect(second.unreadable!.id).not.toBe(first.unreadable!.id);
    expect(second.unreadable!.reasons).toEqual([first.dropped, second.dropped]);
    // Two texts: the download is the backup itself, each text with its time and reason.
    expect(JSON.parse(second.unreadable!.file.text)).toEqual(backup(storage));
    // A text that is not JSON downloads as text.
    const s2 = memoryStorage();
    s2.setItem(MEASUREMENTS_KEY, '{"version":2,');
    expect(loadMeasurements(s2).unreadable!.file).toMatchObject({ name: 'lm-frontier-unreadable-measurements.txt', text: '{"version":2,' });
  });

  it('a dismissal is remembered for that backup only; delete removes it', () => {
    const storage = memoryStorage();
    storage.setItem(MEASUREMENTS_KEY, '{"version":4,"series":[]}');
    const { unreadable } = loadMeasurements(storage);
    expect(dismissUnreadable(storage, unreadable!.id)).toBeUndefined();
    expect(storage.data.get(UNREADABLE_DISMISSED_KEY)).toBe(unreadable!.id);
    expect(loadMeasurements(storage).unreadable!.dismissed).toBe(true);
    // A new failure changes the backup: its message shows again.
    storage.setItem(MEASUREMENTS_KEY, 'garbage');
    expect(loadMeasurements(storage).unreadable).toMatchObject({ dismissed: false, reasons: [expect.any(String), expect.any(String)] });
    storage.setItem(MEASUREMENTS_KEY, JSON.stringify(someMeasurements()));
    expect(deleteUnreadable(storage)).toBeUndefined();
    expect(storage.data.has(UNREADABLE_KEY)).toBe(false);
    expect(storage.data.has(UNREADABLE_DISMISSED_KEY)).toBe(false);
    expect(loadMeasurements(storage).unreadable).toBeNull();
  });

  it('a backup that cannot be stored says so and is still offered for this visit', () => {
    const storage = memoryStorage();
    storage.setItem(MEASUREMENTS_KEY, '{"version":4,"series":[]}');
    storage.setItem = (k, v) => {
      if (k === UNREADABLE_KEY) throw new Error('QuotaExceededError');
      storage.data.set(k, v);
    };
    const loaded = loadMeasurements(storage);
    expect(loaded.dropped).toMatch(/could not be kept aside in this browser: QuotaExceededError; download it before the next Measure/);
    expect(loaded.unreadable!.file.text).toBe('{"version":4,"series":[]}');
  });
});

describe('the stored calibration', () => {
  const stored = (profile: object) =>
    JSON.stringify({ version: CALIBRATION_VERSION, profile, backend: 'wasm', device: 'wasm · x', at: '2025-01-01T00:00:00Z', use: true });

  it('is ignored when a value is absurd, naming the field and value', () => {
    const storage = memoryStorage();
    storage.setItem(CALIBRATION_KEY, stored({ gflops: 5e-324, gbps: 10, overheadMsPerKernel: 0.01, label: 'x' }));
    expect(loadCalibration(storage)).toEqual({
      calibration: null,
      dropped: 'its matmul throughput (gflops) is 5e-324 GFLOP/s, below the least this app accepts (0.01 GFLOP/s)',
    });
    storage.setItem(CALIBRATION_KEY, stored({ gflops: 30, gbps: 1e9, overheadMsPerKernel: 0.01, label: 'x' }));
    expect(loadCalibration(storage).dropped).toBe(
      'its memory bandwidth (gbps) is 1000000000 GB/s, above the most this app accepts (10000 GB/s)',
    );
  });

  it('is removed once its reason is given, so a reload says nothing; a newer version’s is kept', () => {
    const storage = memoryStorage();
    storage.setItem(CALIBRATION_KEY, stored({ gflops: -1, gbps: 10, overheadMsPerKernel: 0.01, label: 'x' }));
    expect(loadCalibration(storage).dropped).toMatch(/^its matmul throughput \(gflops\) is -1/);
    expect(loadCalibration(storage)).toEqual({ calibration: null });
    storage.setItem(CALIBRATION_KEY, '{not json');
    expect(loadCalibration(storage).dropped).toBe('the saved calibration was not valid JSON');
    expect(loadCalibration(storage)).toEqual({ calibration: null });
    const newer = JSON.stringify({ version: CALIBRATION_VERSION + 1, profile: {} });
    storage.setItem(CALIBRATION_KEY, newer);
    expect(loadCalibration(storage).dropped).toBe(`the saved calibration is from another version (${CALIBRATION_VERSION + 1})`);
    expect(storage.getItem(CALIBRATION_KEY)).toBe(newer);
  });

  it('is used when its values are within bounds', () => {
    const storage = memoryStorage();
    storage.setItem(CALIBRATION_KEY, stored({ gflops: 12, gbps: 3, overheadMsPerKernel: 0.02, label: 'x' }));
    // The calibration's backend names the profile's (a calibration saved before profiles did).
    expect(loadCalibration(storage).calibration?.profile).toEqual({
      gflops: 12,
      gbps: 3,
      overheadMsPerKernel: 0.02,
      label: 'x',
      backend: 'wasm',
    });
  });
});
