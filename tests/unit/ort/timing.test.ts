// ONNX Runtime Web as a measuring runtime, in Node (its wasm build, one thread): the backend
// starts or says why not, the protocol (src/ort/timing.ts) times both families' tiny archs with
// the runs and time asked for, feeds the prefill's presents back as the decode step's past of T,
// releases both sessions (also when aborted), and the prefill graph it times outputs the last
// position's logits only, equal to the full graph's last row.
import * as ort from 'onnxruntime-web';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { archKey, kvHeads, type Arch } from '../../../src/core/arch';
import { exportOnnx } from '../../../src/core/onnx';
import { countParams } from '../../../src/core/params';
import { ortDeviceInfo, selectedOrt, selectOrtBackend } from '../../../src/ort/runtime';
import { measureArchOrt, measureRoundsOrt, ORT_MEMORY_NOTE } from '../../../src/ort/timing';
import { maxAbsDiff, TINY, tokensFor } from '../measure/fixtures';

const T = 12;
const FAMILIES: [string, Arch][] = [
  ['gpt2', TINY.gpt2],
  ['llama (GQA)', TINY['llama-gqa-tied']],
  ['opt (post-LN, embedDim)', TINY['opt-post-embedDim']],
  ['neox (partial rotary)', TINY['neox-untied']],
];

/** The ORT module the runtime loaded (onnxruntime-web/wasm: its own classes, not this file's import). */
const module = () => selectedOrt().ort;
/** Its sessions' class (the factory is the class, InferenceSessionImpl, in onnxruntime-common). */
const sessionProto = () => (module().InferenceSession as unknown as { prototype: ort.InferenceSession }).prototype;

beforeAll(async () => {
  await selectOrtBackend('wasm');
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('selectOrtBackend and the device', () => {
  it('starts wasm in Node; says why webgpu and tfjs-only backends cannot run, never falling back', async () => {
    expect(await selectOrtBackend('wasm')).toBe('wasm');
    await expect(selectOrtBackend('webgpu')).rejects.toThrow(/webgpu backend needs a browser and is not available in Node\.js; use wasm/);
    await expect(selectOrtBackend('cpu')).rejects.toThrow(/ONNX Runtime Web runs on webgpu or wasm here, not cpu/);
    expect(selectedOrt().backend).toBe('wasm'); // a refusal leaves the running backend as it was
    expect(await ortDeviceInfo()).toMatchObject({
      backend: 'wasm',
      runtime: 'node',
      wasmSimd: true,
      wasmThreads: false,
      wasmThreadCount: 1,
    });
  });
});

describe('the prefill graph ORT times', () => {
  it.each(FAMILIES)('%s: lastLogits gives the last position only, equal to the full graph’s last row', async (_name, arch) => {
    const o = module();
    const full = exportOnnx(arch, { seed: 3 });
    const last = exportOnnx(arch, { seed: 3, lastLogits: true });
    expect(last.initializerParams).toBe(full.initializerParams);
    const ids = [...tokensFor(arch, T)];
    const int64 = (v: number[]) => new o.Tensor('int64', BigInt64Array.from(v, BigInt), [1, v.length]);
    const feeds = { input_ids: int64(ids), attention_mask: int64(ids.map(() => 1)), position_ids: int64(ids.map((_, i) => i)) };
    const run = async (bytes: Uint8Array) => {
      const s = await o.InferenceSession.create(bytes);
      try {
        return await s.run(feeds);
      } finally {
        await s.release();
      }
    };
    const [a, b] = [await run(full.decoder), await run(last.decoder)];
    expect(a.logits.dims).toEqual([1, T, arch.vocabSize]);
    expect(b.logits.dims).toEqual([1, 1, arch.vocabSize]);
    const V = arch.vocabSize;
    const lastRow = (a.logits.data as Float32Array).slice((T - 1) * V);
    expect(maxAbsDiff(b.logits.data as Float32Array, lastRow)).toBeLessThan(1e-5);
    expect(Math.max(...lastRow.map(Math.abs))).toBeGreaterThan(1e-3); // not a trivial match
    for (const k of Object.keys(a).filter((n) => n.startsWith('present.'))) expect(b[k].dims).toEqual(a[k].dims);
  });
});

describe('measureArchOrt', () => {
  it.each(FAMILIES.slice(0, 2))('%s: the result has the protocol’s shape and runs, no made-up memory figure', async (_name, arch) => {
    const phases: string[] = [];
    const r = await measureArchOrt(arch, { tokens: T, runs: 3, warmup: 2, onProgress: (p, n, of) => phases.push(`${p} ${n}/${of}`) });
    expect(r).toMatchObject({
      runtime: 'ort',
      backend: 'wasm',
      arch: archKey(arch),
      params: countParams(arch).total,
      tokens: T,
      peakBytes: null,
      memoryNote: ORT_MEMORY_NOTE,
      leakedTensors: 0,
    });
    for (const w of [r.prefill, r.decode]) {
      expect(w.runs).toBe(3);
      expect(w.timesMs).toHaveLength(3);
      expect(w.firstRunMs).toBeGreaterThan(0);
      expect(w.p10Ms).toBeLessThanOrEqual(w.medianMs);
      expect(w.medianMs).toBeLessThanOrEqual(w.p90Ms);
    }
    expect(r.buildMs).toBeGreaterThan(0);
    expect(r.estimatedBytes).toBeGreaterThan(2 * 4 * countParams(arch).total); // both sessions' weights
    expect(phases).toEqual([
      'build 0/1',
      'build 1/1',
      'prefill 0/3',
      'prefill 1/3',
      'prefill 2/3',
      'prefill 3/3',
      'decode 0/3',
      'decode 1/3',
      'decode 2/3',
      'decode 3/3',
    ]);
  });

  it('feeds the prefill’s presents back as the past of T for every decode step, and releases both sessions', async () => {
    const arch = TINY['llama-gqa-tied'];
    const proto = sessionProto();
    const run = vi.spyOn(proto, 'run');
    const release = vi.spyOn(proto, 'release');
    await measureArchOrt(arch, { tokens: T, runs: 2, warmup: 1 });
    const feeds = run.mock.calls.map((c) => c[0] as Record<string, ort.Tensor>);
    const prefill = feeds.filter((f) => !('past_key_values.0.key' in f));
    const decode = feeds.filter((f) => 'past_key_values.0.key' in f);
    expect([prefill.length, decode.length]).toEqual([3, 3]); // first run + 2 timed each (warmup 1)
    for (const f of prefill) expect(f.input_ids.dims).toEqual([1, T]);
    const headDim = arch.dModel / arch.layers[1].nHead;
    for (const f of decode) {
      expect(f.input_ids.dims).toEqual([1, 1]);
      expect(f.attention_mask.dims).toEqual([1, T + 1]);
      expect(Array.from(f.position_ids.data as BigInt64Array)).toEqual([BigInt(T)]);
      expect(f['past_key_values.1.value'].dims).toEqual([1, kvHeads(arch.layers[1]), T, headDim]);
    }
    // The past is what the last prefill run returned, the same tensors at every step (static shapes).
    const presents = (await run.mock.results[prefill.length - 1].value) as Record<string, ort.Tensor>;
    expect(decode[0]['past_key_values.0.key']).toBe(presents['present.0.key']);
    expect(decode[2]['past_key_values.0.key']).toBe(decode[0]['past_key_values.0.key']);
    expect(release).toHaveBeenCalledTimes(2);
  });

  it('with a time budget keeps timing until the runs add up to it', async () => {
    const r = await measureArchOrt(TINY.gpt2, { tokens: T, runs: 2, minTimeMs: 60 });
    for (const w of [r.prefill, r.decode]) {
      const total = w.timesMs.reduce((a, b) => a + b, 0);
      expect(w.runs).toBe(w.timesMs.length);
      expect(total).toBeGreaterThanOrEqual(60);
      expect(total - w.timesMs[w.runs - 1]).toBeLessThan(60);
    }
  });

  it('releases both sessions when aborted mid-run', async () => {
    const release = vi.spyOn(sessionProto(), 'release');
    const controller = new AbortController();
    const work = measureArchOrt(TINY.gpt2, {
      tokens: T,
      runs: 50,
      signal: controller.signal,
      onProgress: (phase, n) => {
        if (phase === 'prefill' && n === 2) controller.abort();
      },
    });
    await expect(work).rejects.toThrow(/abort/i);
    expect(release).toHaveBeenCalledTimes(2);
  });

  it('refuses before building: no room to decode, over the memory cap, an arch ONNX cannot hold', async () => {
    const create = vi.spyOn(module().InferenceSession, 'create');
    await expect(measureArchOrt(TINY.gpt2, { tokens: 48 })).rejects.toThrow(/no room for a decode step/);
    await expect(measureArchOrt(TINY.gpt2, { tokens: T, maxBytes: 1e5 })).rejects.toThrow(
      /needs .* \(weights .* x2 \(packed copy\) .* \+ the second session’s weights .*\), limit 100 kB on the user cap on wasm/,
    );
    const oddRotary: Arch = { ...TINY['neox-tied'], dModel: 40, layers: [{ nHead: 2, dInner: 64 }] };
    await expect(measureArchOrt(oddRotary, { tokens: T })).rejects.toThrow(/cannot run on ONNX Runtime: .*even number of rotated dims/);
    expect(create).not.toHaveBeenCalled();
  });
});

describe('measureRoundsOrt', () => {
  it('times several archs in round-robin slices, each from all its slices pooled', async () => {
    const order: string[] = [];
    const archs = [TINY.gpt2, TINY['llama-mqa-untied']];
    const results = await measureRoundsOrt(archs, { tokens: T, runs: 4, rounds: 2, onSlice: (a, r) => order.push(`${a}${r}`) });
    expect(order).toEqual(['00', '10', '01', '11']);
    expect(results.map((r) => [r.arch, r.slices, r.prefill.runs, r.decode.runs, r.peakBytes])).toEqual(
      archs.map((a) => [archKey(a), 2, 4, 4, null]),
    );
  });
});
