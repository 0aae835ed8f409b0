// The measure and results links: candidates survive the round trip exactly, a 20-candidate
// measure link stays short enough for a QR code a phone reads off a laptop screen, and results
// come back as the measurements they were.
import fc from 'fast-check';
import { resultOf } from './_linkMutations';
import { describe, expect, it } from 'vitest';
import { archKey, type Arch } from '../../../src/core/arch';
import { capEvenly } from '../../../src/core/stats';
import { readCandidates, writeCandidates } from '../../../src/core/candidateCodec';
import { ByteReader, ByteWriter, decodePayload, encodePayload, LinkError } from '../../../src/core/linkCodec';
import { decodeMeasureLink, encodeMeasureLink, linkHash, readLinkHash, measureLinkArchs, type MeasureLink } from '../../../src/core/links';
import {
  decodeResultsLink,
  encodeResultsLink,
  parseResultsJson,
  readResults,
  resultsToJson,
  seriesToResults,
  writeResults,
} from '../../../src/core/resultsLink';
import { BASELINES, baselineById } from '../../../src/core/baselines';
import { toMeasurement, type MeasuredSeries } from '../../../src/core/measurements';
import { findPreset } from '../../../src/core/presets';
import { compileSpace, repair, toArch } from '../../../src/core/genome';
import { sampleGenome } from '../../../src/core/operators';
import { makeRng } from '../../../src/core/random';
import { DEFAULT_SEARCH, searchToEnd } from '../../../src/core/search';
import { SPACE_PRESETS } from '../../../src/core/space';

/** The longest origin a LAN link has: https, a 15-character IPv4 address and a port. */
const LAN_ORIGIN = 'https://192.168.100.100:4173/';

const roundTrip = (archs: Arch[]): Arch[] => {
  const w = new ByteWriter();
  writeCandidates(w, archs);
  return readCandidates(new ByteReader(w.finish()));
};

/** The default search's frontier, 20 spread along it, as the app picks them (by latency). */
function defaultFrontier(): Arch[] {
  const s = searchToEnd(DEFAULT_SEARCH);
  const sorted = [...s.frontier].sort((a, b) => a.latency.decodeMs - b.latency.decodeMs);
  return capEvenly(sorted, 20).map((c) => c.arch);
}

/** The largest archs of a preset space made heterogeneous: deepest, each layer drawn at random. */
function largestArchs(presetIndex: number, seed: number): Arch[] {
  const space = { ...SPACE_PRESETS[presetIndex].space, heterogeneous: true };
  const cs = compileSpace(space);
  const rng = makeRng(seed);
  return Array.from({ length: 20 }, () => {
    const g = sampleGenome(cs, rng);
    g.l = space.nLayer.length - 1;
    return toArch(cs, repair(cs, g));
  });
}

const measureLink = (candidates: Arch[]): MeasureLink => ({
  candidates,
  tokens: 128,
  runs: 10,
  minTimeMs: 1000,
  rounds: 4,
  backends: ['wasm', 'webgl', 'webgpu'],
});

describe('candidates', () => {
  it('round-trip exactly, heterogeneous, homogeneous and OPT-350M-like alike', () => {
    const frontier = defaultFrontier();
    expect(roundTrip(frontier).map(archKey)).toEqual(frontier.map(archKey));
    for (let p = 0; p < SPACE_PRESETS.length; p++) {
      const archs = largestArchs(p, 7);
      expect(roundTrip(archs).map(archKey)).toEqual(archs.map(archKey));
    }
    const opt350 = findPreset('opt-350m')!.arch; // word-embedding projections, post-LayerNorm
    expect(roundTrip([opt350])).toEqual([opt350]);
  });

  it('round-trip any sample of any preset space', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: SPACE_PRESETS.length - 1 }),
        fc.boolean(),
        fc.integer({ min: 1, max: 40 }),
        fc.nat(),
        (p, het, n, seed) => {
          const cs = compileSpace({ ...SPACE_PRESETS[p].space, heterogeneous: het });
          const rng = makeRng(seed);
          const archs = Array.from({ length: n }, () => toArch(cs, sampleGenome(cs, rng)));
          expect(roundTrip(archs).map(archKey)).toEqual(archs.map(archKey));
        },
      ),
      { numRuns: 50 },
    );
  });

  it('round-trip Qwen2 (q/k/v biases in flag bit 8) and GPT-NeoX, tied and untied', () => {
    const qwen = findPreset('qwen2.5-0.5b')!.arch;
    const small = { ...qwen, dModel: 448, layers: qwen.layers.slice(0, 12).map((l, i) => ({ ...l, nHead: i % 2 ? 8 : 14 })) };
    expect(roundTrip([qwen, small])).toEqual([qwen, small]);
    for (const name of ['pythia-70m', 'pythia-160m']) {
      const pythia = findPreset(name)!.arch;
      expect(roundTrip([pythia])).toEqual([pythia]);
      expect(roundTrip([{ ...pythia, tieEmbeddings: true }])).toEqual([{ ...pythia, tieEmbeddings: true }]);
    }
    // The family byte is the index in FAMILIES (neox appended: 3) and the biases are bit 8 of the
    // flags byte, which an older link never set.
    const w = new ByteWriter();
    writeCandidates(w, [qwen]);
    const bytes = w.finish();
    const plain = { ...qwen };
    delete plain.qkvBias;
    const w2 = new ByteWriter();
    writeCandidates(w2, [plain]);
    const plainBytes = w2.finish();
    expect(plainBytes.length).toBe(bytes.length);
    const differing = [...bytes].flatMap((b, i) => (b === plainBytes[i] ? [] : [[i, b ^ plainBytes[i]]]));
    expect(differing).toEqual([[differing[0][0], 8]]); // one byte, one bit: 8
    expect(readCandidates(new ByteReader(plainBytes))[0].qkvBias).toBeUndefined();
    const wn = new ByteWriter();
    writeCandidates(wn, [findPreset('pythia-70m')!.arch]);
    expect(wn.finish()[0]).toBe(3);
  });

  it('refuse a mix of Qwen2 and plain llama (the biases are shared like the family)', () => {
    const qwen = findPreset('qwen2.5-0.5b')!.arch;
    const plain = { ...qwen };
    delete plain.qkvBias;
    expect(() => roundTrip([qwen, plain])).toThrow(/one kind/);
  });

  it('refuse a mix of families (a link carries one kind of model)', () => {
    const [gpt2] = largestArchs(0, 1);
    const [opt] = largestArchs(1, 1);
    expect(() => roundTrip([gpt2, opt])).toThrow(/one kind/);
  });
});

describe('measure link', () => {
  it('round-trips its workload, backends (first = default) and candidates', async () => {
    const link = { ...measureLink(largestArchs(2, 3)), backends: ['webgl', 'wasm'] as MeasureLink['backends'] };
    const back = await decodeMeasureLink(await encodeMeasureLink(link));
    expect(back.backends).toEqual(['webgl', 'wasm']);
    expect({ ...back, candidates: back.candidates.map(archKey) }).toEqual({ ...link, candidates: link.candidates.map(archKey) });
  });

  it('with 20 candidates of the default frontier stays under 1,000 characters', async () => {
    const url = LAN_ORIGIN + linkHash('m', await encodeMeasureLink(measureLink(defaultFrontier())));
    expect(url.length).toBeLessThan(1000);
  });

  it('with the 20 largest archs of every preset space (24 heterogeneous Llama layers) stays under 1,270', async () => {
    for (let p = 0; p < SPACE_PRESETS.length; p++) {
      for (const seed of [1, 2, 3]) {
        const url = LAN_ORIGIN + linkHash('m', await encodeMeasureLink(measureLink(largestArchs(p, seed))));
        expect(url.length, `${SPACE_PRESETS[p].id}, seed ${seed}`).toBeLessThan(1270);
      }
    }
  });

  it('refuses a workload that leaves no room for a decode step', async () => {
    const archs = largestArchs(0, 1);
    const payload = await encodeMeasureLink({ ...measureLink(archs), tokens: 1024 });
    await expect(decodeMeasureLink(payload)).rejects.toThrow(/no room for a decode step/);
  });
});

describe('results link', () => {
  it('round-trips each series: device, thread, T, and per candidate the figures to the microsecond', async () => {
    const candidates = defaultFrontier();
    const at = new Date('2026-11-30T12:00:00Z');
    const measurements = candidates.map((a, i) => (i === 3 ? null : toMeasurement(resultOf(a, 1 + i * 0.123456), at)));
    const device = {
      backend: 'wasm',
      runtime: 'worker' as const,
      userAgent: 'Mozilla/5.0 (Linux; Android 14) Chrome/131.0.0.0 Mobile',
      hardwareConcurrency: 8,
      wasmThreadCount: 4,
      crossOriginIsolated: true,
    };
    const link = {
      candidates,
      series: [{ label: 'Pixel', backend: 'wasm', device, thread: 'worker', tokens: 128, at: at.toISOString(), measurements }],
    };
    const back = await decodeResultsLink(await encodeResultsLink(link));
    expect(back.series).toHaveLength(1);
    const s = back.series[0];
    expect(s).toMatchObject({ label: 'Pixel', backend: 'wasm', device, thread: 'worker', tokens: 128, at: at.toISOString() });
    s.measurements.forEach((m, i) => {
      const want = measurements[i];
      if (!want) return expect(m).toBeNull();
      expect(m!.archKey).toBe(want.archKey);
      for (const w of ['prefill', 'decode'] as const) {
        expect(m![w].medianMs).toBeCloseTo(want[w].medianMs, 3);
        expect(m![w].p10Ms).toBeCloseTo(want[w].p10Ms, 3);
        expect(m![w].p90Ms).toBeCloseTo(want[w].p90Ms, 3);
        expect(m![w].cv).toBeCloseTo(want[w].cv, 4);
        expect(m![w].runs).toBe(17);
      }
      expect(m).toMatchObject({ tokens: 128, peakBytes: 123456789, leakedTensors: 0, slices: 4, at: at.toISOString() });
    });
  });
});

describe('series to results', () => {
  const at = new Date('2026-11-30T12:00:00Z');
  const device = { backend: 'wasm', runtime: 'worker' as const, userAgent: 'x', hardwareConcurrency: 4 };
  const series = (id: string, archs: Arch[]): MeasuredSeries => ({
    id,
    label: id,
    runtime: 'tfjs',
    backend: 'wasm',
    device,
    thread: 'worker',
    tokens: 128,
    byArch: Object.fromEntries(archs.map((a, i) => [archKey(a), toMeasurement(resultOf(a, 1 + i), at)])),
  });

  it('carries any mix of families (baselines beside candidates): every measurement comes back under its arch', async () => {
    const qwen = findPreset('qwen2.5-0.5b')!.arch;
    const plain = { ...qwen };
    delete plain.qkvBias;
    const frontier = defaultFrontier().slice(0, 3);
    const baselines = BASELINES.map((b) => b.arch);
    const input = [series('phone', [...frontier, ...baselines]), series('laptop', [qwen, plain, frontier[0]])];
    const { results, leftOut } = seriesToResults(input);
    expect(leftOut).toEqual([]);
    const back = await decodeResultsLink(await encodeResultsLink(results));
    expect(new Set(back.candidates.map(archKey))).toEqual(new Set(results.candidates.map(archKey)));
    for (const s of input) {
      const got = back.series.find((x) => x.label === s.label)!;
      const byKey = Object.fromEntries(got.measurements.flatMap((m) => (m ? [[m.archKey, m.decode.medianMs]] : [])));
      expect(byKey).toEqual(Object.fromEntries(Object.values(s.byArch).map((m) => [m.archKey, m.decode.medianMs])));
    }
  });

  it('one family writes exactly what version 1 wrote (no group section), so older apps read it', async () => {
    const frontier = defaultFrontier().slice(0, 4);
    const { results } = seriesToResults([series('phone', frontier)]);
    const w = new ByteWriter();
    writeResults(w, results);
    const bytes = w.finish();
    const r = new ByteReader(bytes);
    expect(readResults(r).candidates.map(archKey)).toEqual(frontier.map(archKey));
    expect(r.done).toBe(true);
  });
});

describe('measure link with baselines', () => {
  it('carries the baselines by id beside the candidates; a link without them reads as none', async () => {
    const frontier = defaultFrontier().slice(0, 5);
    const ids = ['opt-350m', 'pythia-70m', 'lts-gpt2-16l'] as const;
    const back = await decodeMeasureLink(await encodeMeasureLink({ ...measureLink(frontier), baselines: [...ids] }));
    expect(back.baselines).toEqual(['opt-350m', 'pythia-70m', 'lts-gpt2-16l']);
    expect(measureLinkArchs(back).map(archKey)).toEqual([...frontier, ...ids.map((id) => baselineById(id)!.arch)].map(archKey));
    const plain = await decodeMeasureLink(await encodeMeasureLink(measureLink(frontier)));
    expect(plain.baselines).toBeUndefined();
    expect(measureLinkArchs(plain)).toHaveLength(5);
  });
});

describe('measure link on a runtime', () => {
  const frontier = () => defaultFrontier().slice(0, 4);

  it('carries ONNX Runtime with its backends; a link without a runtime reads as tfjs, written as before ORT', async () => {
    const ort: MeasureLink = { ...measureLink(frontier()), backends: ['wasm', 'webgpu'], runtime: 'ort' };
    const back = await decodeMeasureLink(await encodeMeasureLink(ort));
    expect({ ...back, candidates: back.candidates.map(archKey) }).toEqual({ ...ort, candidates: ort.candidates.map(archKey) });
    const withBaselines = await decodeMeasureLink(await encodeMeasureLink({ ...ort, baselines: ['pythia-70m'] }));
    expect([withBaselines.runtime, withBaselines.baselines]).toEqual(['ort', ['pythia-70m']]);
    // tfjs: the same bytes as a link made before the runtime existed (and as an explicit 'tfjs').
    const plain = measureLink(frontier());
    const payload = await encodeMeasureLink(plain);
    expect(await encodeMeasureLink({ ...plain, runtime: 'tfjs' })).toBe(payload);
    const tfjs = await decodeMeasureLink(payload);
    expect(tfjs.runtime).toBeUndefined();
    expect(new Set(tfjs.backends)).toEqual(new Set(plain.backends));
    // The runtime is one byte more than the same link on tfjs (after the baselines' mask, 0 here).
    const bytes = async (l: MeasureLink) => (await decodePayload(await encodeMeasureLink(l))).length;
    expect((await bytes(ort)) - (await bytes({ ...ort, runtime: undefined }))).toBe(2);
  });

  it('offers ORT only its own backends, and refuses a runtime it does not know with a LinkError', async () => {
    const back = await decodeMeasureLink(
      await encodeMeasureLink({ ...measureLink(frontier()), backends: ['webgl', 'webgpu', 'wasm'], runtime: 'ort' }),
    );
    expect(back.backends).toEqual(['webgpu', 'wasm']);
    const bytes = await decodePayload(await encodeMeasureLink({ ...measureLink(frontier()), runtime: 'ort' }));
    bytes[bytes.length - 1] = 9; // no runtime has index 9
    await expect(decodeMeasureLink(await encodePayload(bytes))).rejects.toThrow(LinkError);
    await expect(decodeMeasureLink(await encodePayload(bytes))).rejects.toThrow(/runtime this version does not know/);
  });
});

describe('results on ONNX Runtime', () => {
  it('carry each series’ runtime and a peak ORT did not report as null; tfjs series stay as before', async () => {
    const candidates = defaultFrontier().slice(0, 3);
    const at = new Date('2026-11-30T12:00:00Z');
    const device = { backend: 'wasm', runtime: 'worker' as const, userAgent: 'Chrome/156', hardwareConcurrency: 2 };
    const measured = (peak: number | null) => candidates.map((a, i) => toMeasurement({ ...resultOf(a, 1 + i), peakBytes: peak }, at));
    const series = [
      { label: 'tfjs', backend: 'wasm', device, thread: 'worker', tokens: 128, at: at.toISOString(), measurements: measured(123456789) },
      {
        label: 'ort',
        runtime: 'ort' as const,
        backend: 'wasm',
        device,
        thread: 'worker',
        tokens: 128,
        at: at.toISOString(),
        measurements: measured(null),
      },
    ];
    const back = await decodeResultsLink(await encodeResultsLink({ candidates, series }));
    expect(back.series.map((s) => [s.label, s.runtime])).toEqual([
      ['tfjs', undefined],
      ['ort', 'ort'],
    ]);
    expect(back.series[0].measurements.map((m) => m!.peakBytes)).toEqual([123456789, 123456789, 123456789]);
    expect(back.series[1].measurements.map((m) => m!.peakBytes)).toEqual([null, null, null]);
    // The runtimes follow the (empty) group section: a reader made before ORT stops before them.
    const w = new ByteWriter();
    writeResults(w, { candidates, series });
    const r = new ByteReader(w.finish());
    readResults(r);
    expect(r.done).toBe(true);
    // The JSON file goes through the same reader.
    expect(parseResultsJson(resultsToJson({ candidates, series })).series.map((s) => s.runtime)).toEqual([undefined, 'ort']);
    expect(() => parseResultsJson(resultsToJson({ candidates, series: [{ ...series[1], runtime: 'onnx' as 'ort' }] }))).toThrow(
      /runtime this version does not know/,
    );
  });

  it('a measured series names its runtime in the results it becomes', () => {
    const at = new Date('2026-11-30T12:00:00Z');
    const arch = defaultFrontier()[0];
    const s: MeasuredSeries = {
      id: 'ort|x',
      label: 'ORT-web wasm · x · T = 128',
      runtime: 'ort',
      backend: 'wasm',
      device: { backend: 'wasm', runtime: 'worker' },
      thread: 'worker',
      tokens: 128,
      byArch: { [archKey(arch)]: toMeasurement(resultOf(arch), at) },
    };
    expect(seriesToResults([s, { ...s, id: 'y', runtime: 'tfjs' }]).results.series.map((x) => x.runtime)).toEqual(['ort', undefined]);
  });
});

describe('the link in the URL hash', () => {
  it('reads the kind and payload, and refuses a newer version with a sentence', () => {
    expect(readLinkHash('')).toBeNull();
    expect(readLinkHash('#foo=1')).toBeNull();
    expect(readLinkHash(linkHash('m', 'zAbC-_'))).toEqual({ version: 1, kind: 'm', payload: 'zAbC-_' });
    expect(() => readLinkHash('#v=9&s=zAA')).toThrow(/newer version/);
    expect(() => readLinkHash('#v=x&s=zAA')).toThrow(LinkError);
  });
});
