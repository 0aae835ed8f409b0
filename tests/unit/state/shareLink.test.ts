// The share link: every property of the table round-trips within its bounds, a link saved from
// each version still opens, a value out of bounds is named and replaced by its default, and
// measured series travel while they fit and are named when they do not.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { archKey, parseArchKey } from '../../../src/core/arch';
import { checkProperty } from '../../../src/core/linkCodec';
import { readLinkHash } from '../../../src/core/links';
import { addMeasurements, emptyMeasurements, type Measurement } from '../../../src/core/measurements';
import { decodeShareLink, encodeShareLink, MEASURED_LINK_BUDGET } from '../../../src/state/shareLink';
import { defaultSettings } from '../../../src/state/settings';
import { SHARE_TABLE, type ShareState } from '../../../src/state/shareTable';

const defaults = (): ShareState => ({
  settings: defaultSettings(),
  view: { x: 'latency-decode', y: 'decoder-params', logX: false, logY: false, showDominated: true, showInfeasible: false },
  selectedId: null,
  fingerprint: '',
});

/** Any value a row accepts, from its bounds. */
function rowValue(p: (typeof SHARE_TABLE)[number]): fc.Arbitrary<unknown> {
  switch (p.type) {
    case 'int':
      return p.nullable ? fc.option(fc.integer({ min: p.min, max: p.max }), { nil: null }) : fc.integer({ min: p.min, max: p.max });
    case 'number': {
      const n = fc.double({ min: p.min, max: p.max, noNaN: true, noDefaultInfinity: true });
      return p.nullable ? fc.option(n, { nil: null }) : n;
    }
    case 'bool':
      return fc.boolean();
    case 'enum':
      return fc.constantFrom(...p.values);
    case 'string':
      return p.valid ? fc.constant('') : fc.string({ maxLength: p.maxLength }); // rows that parse their text have their own test
  }
}

const payloadOf = (hash: string) => readLinkHash(hash)!.payload;

describe('share link', () => {
  it('round-trips every property of the table within its bounds', async () => {
    await fc.assert(
      fc.asyncProperty(fc.tuple(...SHARE_TABLE.map(rowValue)), async (values) => {
        const state = defaults();
        SHARE_TABLE.forEach((p, i) => p.set(state, values[i] as never));
        const { hash } = await encodeShareLink(state);
        expect(hash).toMatch(/^#v=1&s=[rz][A-Za-z0-9_-]+$/);
        const back = await decodeShareLink(payloadOf(hash));
        expect(back.problems).toEqual([]);
        expect(back.measured).toBeNull();
        SHARE_TABLE.forEach((p, i) => {
          const want = checkProperty(p, values[i]);
          expect(want.ok).toBe(true);
          expect(p.get(back.state), p.name).toEqual((want as { value: unknown }).value);
        });
      }),
      { numRuns: 60 },
    );
  });

  it('the default search as a link: short, and it opens to the defaults', async () => {
    const { hash } = await encodeShareLink(defaults());
    expect(hash.length).toBeLessThan(300);
    expect((await decodeShareLink(payloadOf(hash))).state).toEqual(defaults());
  });

  // A link of each earlier version, saved when that version was current: they must keep opening.
  const SAVED = {
    // v1, 2026-11-30: default search with log x, candidate 1234 selected, fingerprint 0a1b2c3d.
    1: '#v=1&s=zZY5BTsMwEEURJ7FmBdJPOzN20sKSBd0gwR6xcBO3qjBJ5DgLrsMduAAnQw5UQmIzf_Tmf83_uHymmKfqOGYl0I_UrPUGwuogUEgD0S1uGkbjQArjYLYEooU7tloOAlltFkceso-Efo7xz6AutEMXUjX65N8mOgMClyx4xY3WUGYuwDKEC5RiPPg5ZjOm4XCKwVzNfevjaZ98Dt2tsWx29w-PT-sJRtjs7n6Xr89p_RpSH-I1gaLPoW_fq_PXf31kKcIQtQ7EXvba2o5eLr4B',
  };

  it('a link saved from each version still opens', async () => {
    const state = defaults();
    state.view.logX = true;
    state.selectedId = 1234;
    state.fingerprint = '0a1b2c3d';
    const { version, payload } = readLinkHash(SAVED[1])!;
    expect(version).toBe(1);
    const back = await decodeShareLink(payload, version);
    expect(back.problems).toEqual([]);
    expect(back.state).toEqual(state);
  });

  it('the paper rows: min decoder params, shown baselines and the paper round-trip', async () => {
    const state = defaults();
    state.settings.budgets.minDecoderParamsM = 6;
    state.settings.baselines = ['opt-350m', 'lts-gpt2-16l'];
    state.settings.paper = 'lts';
    const { hash } = await encodeShareLink(state);
    const back = await decodeShareLink(payloadOf(hash));
    expect(back.problems).toEqual([]);
    expect(back.state.settings.budgets.minDecoderParamsM).toBe(6);
    expect(back.state.settings.baselines).toEqual(['opt-350m', 'lts-gpt2-16l']);
    expect(back.state.settings.paper).toBe('lts');
    expect(SHARE_TABLE.slice(-4, -1).map((p) => p.name)).toEqual(['minDecoderParamsM', 'baselines', 'paper']);
  });

  it("the profile's backend round-trips (it picks the kernels the analytic latency counts); a link without it has none", async () => {
    const state = defaults();
    state.settings.profile = { ...state.settings.profile, backend: 'webgl' };
    const back = await decodeShareLink(payloadOf((await encodeShareLink(state)).hash));
    expect(back.problems).toEqual([]);
    expect(back.state.settings.profile.backend).toBe('webgl');
    expect(SHARE_TABLE.at(-1)?.name).toBe('profileBackend');
    const none = await decodeShareLink(payloadOf((await encodeShareLink(defaults())).hash));
    expect(none.state.settings.profile).not.toHaveProperty('backend');
  });

  it('a calibrated profile shared before the backend row counts the kernels of the backend its label names', async () => {
    const { profileBackend } = await import('../../../src/core/latency');
    for (const [label, backend] of [
      ['measured on webgl (ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device)), SwiftShader driver): 1.2 GFLOP/s (matmul)', 'webgl'],
      ['measured on wasm (SIMD, 1 thread): 31.1 GFLOP/s (matmul), 13.4 GB/s', 'wasm'],
    ] as const) {
      const state = defaults();
      state.settings.profile = { gflops: 10, gbps: 5, overheadMsPerKernel: 0.01, label }; // no backend: as an old link reads
      const back = await decodeShareLink(payloadOf((await encodeShareLink(state)).hash));
      expect(back.state.settings.profile).not.toHaveProperty('backend');
      expect(profileBackend(back.state.settings.profile), label).toBe(backend);
    }
  });

  it('a link made before the paper rows opens with no minimum, every baseline and no paper', async () => {
    const { version, payload } = readLinkHash(SAVED[1])!;
    const values = JSON.parse(
      new (await import('../../../src/core/linkCodec')).ByteReader(
        await (await import('../../../src/core/linkCodec')).decodePayload(payload),
      ).string(),
    ) as unknown[];
    expect(values.length).toBeLessThan(SHARE_TABLE.findIndex((p) => p.name === 'minDecoderParamsM') + 1);
    const back = await decodeShareLink(payload, version);
    expect(back.problems).toEqual([]);
    expect(back.state.settings.budgets.minDecoderParamsM).toBeNull();
    expect(back.state.settings.baselines).toEqual(defaultSettings().baselines);
    expect(back.state.settings.paper).toBeNull();
  });

  it('every baseline has a bit in the link, and the mask round-trips', async () => {
    const { BASELINE_IDS } = await import('../../../src/core/baselines');
    const { LINK_BASELINES, baselinesFromMask, baselinesToMask } = await import('../../../src/state/shareTable');
    for (const id of BASELINE_IDS) expect(LINK_BASELINES).toContain(id);
    expect(baselinesFromMask(baselinesToMask(BASELINE_IDS))).toEqual(BASELINE_IDS);
    expect(baselinesFromMask(0)).toEqual([]);
  });

  it('a baselines mask out of bounds or an unknown paper is named and replaced by its default', async () => {
    const { decodePayload, encodePayload, ByteReader, ByteWriter } = await import('../../../src/core/linkCodec');
    const { hash } = await encodeShareLink(defaults());
    const values = JSON.parse(new ByteReader(await decodePayload(payloadOf(hash))).string()) as unknown[];
    values[SHARE_TABLE.findIndex((p) => p.name === 'baselines')] = -1;
    values[SHARE_TABLE.findIndex((p) => p.name === 'paper')] = 'attention-is-all';
    const bad = await encodePayload(new ByteWriter().string(JSON.stringify(values)).byte(0).finish());
    const back = await decodeShareLink(bad);
    expect(back.problems).toEqual(['baselines: -1 is outside 0 to 1023', 'paper: not one of none, lts, merino']);
    expect(back.state.settings.baselines).toEqual(defaultSettings().baselines);
    expect(back.state.settings.paper).toBeNull();
  });

  it('a value out of bounds is named and replaced by its default, the rest kept', async () => {
    const state = defaults();
    state.settings.seed = 7;
    const { hash } = await encodeShareLink(state);
    // Rewrite the payload with a seed of -3 and an evaluation count of 2.5.
    const { decodePayload, encodePayload, ByteReader, ByteWriter } = await import('../../../src/core/linkCodec');
    const r = new ByteReader(await decodePayload(payloadOf(hash)));
    const values = JSON.parse(r.string()) as unknown[];
    values[SHARE_TABLE.findIndex((p) => p.name === 'seed')] = -3;
    values[SHARE_TABLE.findIndex((p) => p.name === 'evaluations')] = 2.5;
    const bad = await encodePayload(new ByteWriter().string(JSON.stringify(values)).byte(0).finish());
    const back = await decodeShareLink(bad);
    expect(back.problems).toEqual(['evaluations: 2.5 is not a whole number', 'seed: -3 is outside 0 to 4294967295']);
    expect(back.state.settings.seed).toBe(1);
    expect(back.state.settings.evaluations).toBe(20000);
    expect(back.state.view).toEqual(state.view);
  });

  it('carries measured series while they fit, and names the ones left out', async () => {
    const arch = (d: number, layers = 4) => parseArchKey(`gpt2:v50257:c1024:d${d}:t|8.2048${layers > 1 ? `*${layers}` : ''}`)!;
    let seed = 1;
    const noise = () => (seed = (seed * 48271) % 2147483647) / 2147483647; // figures that do not compress away
    const m = (d: number, tokens = 128, layers = 4): Measurement => {
      const t = { medianMs: (d / 100) * (1 + noise()), p10Ms: d / 110, p90Ms: (d / 90) * (1 + noise()), cv: noise() / 10, runs: 10 };
      const at = '2026-11-30T10:00:00.000Z';
      return { archKey: archKey(arch(d, layers)), tokens, prefill: t, decode: t, firstRunMs: 1, peakBytes: 1e8, leakedTensors: 0, at };
    };
    const device = (ua: string) => ({ backend: 'wasm', runtime: 'worker' as const, userAgent: ua });
    let store = emptyMeasurements();
    store = addMeasurements(store, 'wasm', device('Phone A'), 'worker', [m(512), m(576)], 'Pixel');
    const small = await encodeShareLink(defaults(), store.series);
    expect(small.leftOut).toEqual([]);
    const back = await decodeShareLink(payloadOf(small.hash));
    expect(back.measured!.series.map((s) => s.label)).toEqual(['Pixel']);
    expect(back.measured!.series[0].measurements.map((x) => x?.archKey)).toEqual([m(512).archKey, m(576).archKey]);

    // Many devices, each with many distinct archs: more than MEASURED_LINK_BUDGET characters.
    for (let i = 0; i < 40; i++) {
      const ms = Array.from({ length: 20 }, (_, j) => m(64 * (2 + ((i * 20 + j) % 14)), 100 + i, 1 + ((i + j) % 16)));
      store = addMeasurements(store, 'wasm', device(`Device ${i}`), 'worker', ms, `Device ${i}`);
    }
    const big = await encodeShareLink(defaults(), store.series);
    const bare = (await encodeShareLink(defaults())).hash;
    expect(big.hash.length - bare.length).toBeLessThanOrEqual(MEASURED_LINK_BUDGET);
    expect(big.leftOut.length).toBeGreaterThan(0);
    expect(big.leftOut.every((s) => /^Device \d+ \(too large for a link\)$/.test(s))).toBe(true);
    const kept = (await decodeShareLink(payloadOf(big.hash))).measured!.series.length;
    expect(kept + big.leftOut.length).toBe(store.series.length);
  });
});

describe('share link with a latency predictor', () => {
  it('carries the predictor the search used, and names one it cannot read', async () => {
    const { fitPredictor } = await import('../../../src/core/predictor');
    const { analyticLatencyMs, DEFAULT_PROFILE } = await import('../../../src/core/latency');
    const { compileSpace, toArch } = await import('../../../src/core/genome');
    const { sampleGenome } = await import('../../../src/core/operators');
    const { makeRng } = await import('../../../src/core/random');
    const { DEFAULT_SPACE } = await import('../../../src/core/space');
    const cs = compileSpace(DEFAULT_SPACE);
    const rng = makeRng(9);
    const phone = { gflops: 8, gbps: 3, overheadMsPerKernel: 0.03, label: 'phone' };
    const samples = Array.from({ length: 8 }, () => {
      const arch = toArch(cs, sampleGenome(cs, rng));
      return { arch, prefillMs: analyticLatencyMs(arch, phone, 128, 0), decodeMs: analyticLatencyMs(arch, phone, 1, 128) };
    });
    const state = defaults();
    state.settings.predictor = fitPredictor(samples, 128, DEFAULT_PROFILE, 'Pixel · wasm · T = 128');
    const back = await decodeShareLink(payloadOf((await encodeShareLink(state)).hash));
    expect(back.problems).toEqual([]);
    const p = back.state.settings.predictor!;
    expect(p.device).toBe('Pixel · wasm · T = 128');
    expect(p.decode.coefficients).toEqual(state.settings.predictor.decode.coefficients);
    expect(p.prefill.model).toBe(state.settings.predictor.prefill.model);

    const { ByteWriter, encodePayload } = await import('../../../src/core/linkCodec');
    const values = JSON.parse(JSON.stringify(SHARE_TABLE.map((row) => row.get(defaults()))));
    values[SHARE_TABLE.findIndex((row) => row.name === 'predictor')] = '{"device": 1}';
    const bad = await decodeShareLink(await encodePayload(new ByteWriter().string(JSON.stringify(values)).byte(0).finish()));
    expect(bad.problems).toEqual(['predictor: not readable by this version']);
    expect(bad.state.settings.predictor).toBeNull();
  });
});
