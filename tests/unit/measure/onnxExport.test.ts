// The ONNX export (src/core/onnx) against core's parameter counts and the tfjs builder: for every
// tiny arch (each family, heterogeneous layers, GQA and MQA, Qwen2 biases, OPT's projections and
// post-LN, GPT-NeoX's partial rotary, tied and untied heads), the files are read back with an
// independent protobuf reader, ONNX Runtime (onnxruntime-web's wasm build, in Node) runs both
// graphs, and its logits must equal the builder's on the cpu backend with the same seeded weights;
// decoding with the cache must equal a full recompute at that position. The fp16 export holds the
// same weights rounded to fp16 and must agree with the fp32 one within fp16's rounding.
import * as ort from 'onnxruntime-web';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kvHeads, type Arch } from '../../../src/core/arch';
import { exportOnnx, ONNX_FILES, OPSET, onnxExportErrors } from '../../../src/core/onnx';
import { float16BitsToNumber, float16Bytes } from '../../../src/core/onnx/float16';
import { countParams } from '../../../src/core/params';
import { weightSpecs } from '../../../src/core/weights';
import { buildDecoder } from '../../../src/measure/model';
import { readOnnx } from '../core/_protobufReader';
import { maxAbsDiff, TINY, TINY_CASES, tokensFor, useCpu } from './fixtures';

const SEED = 7;
const T = 9;
/** The issue asks for a max abs diff under 1e-4; the two runtimes agree to about 3e-6 here, so
 *  the tests hold them to 1e-5, tight enough that a near miss fails (GPT-2's tanh GELU computed
 *  as the exact erf one moves these logits by 9e-5). */
const TOLERANCE = 1e-5;

beforeAll(async () => {
  await useCpu();
  ort.env.wasm.numThreads = 1; // the test machines have two cores, shared with other tests
});

type Outputs = ort.InferenceSession.ReturnType;

const int64 = (values: readonly number[], dims: number[]) =>
  new ort.Tensor(
    'int64',
    BigInt64Array.from(values, (v) => BigInt(v)),
    dims,
  );
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

/** Optimum's feeds for one sequence: `tokens` at positions past..past+n-1, nothing padded. */
function feeds(tokens: readonly number[], past: number, cache: Outputs = {}): Record<string, ort.Tensor> {
  const n = tokens.length;
  const pastKv = Object.entries(cache)
    .filter(([name]) => name.startsWith('present.'))
    .map(([name, t]) => [name.replace('present.', 'past_key_values.'), t]);
  return {
    input_ids: int64(tokens, [1, n]),
    attention_mask: int64(new Array<number>(past + n).fill(1), [1, past + n]),
    position_ids: int64(range(past, past + n), [1, n]),
    ...Object.fromEntries(pastKv),
  };
}

/** A tensor's values as numbers (fp16 tensors come back as their bits, a Uint16Array). */
const values = (t: ort.Tensor): Float32Array =>
  t.type === 'float16' ? Float32Array.from(t.data as Uint16Array, float16BitsToNumber) : (t.data as Float32Array);

/** Row r of [batch, rows, V] logits in batch b. */
function row(logits: ort.Tensor, r: number, b = 0): Float32Array {
  const [, rows, V] = logits.dims;
  return values(logits).slice((b * rows + r) * V, (b * rows + r + 1) * V);
}

/** The tfjs builder's logits for `tokens`: every position (forwardFull) and prefill's last one. */
function tfjsLogits(arch: Arch, tokens: Int32Array): { full: Float32Array[]; prefillLast: Float32Array } {
  const model = buildDecoder(arch, { seed: SEED });
  try {
    const full = model.forwardFull(tokens);
    const rows = (full.arraySync() as number[][]).map((r) => Float32Array.from(r));
    full.dispose();
    const last = model.prefill(tokens);
    const prefillLast = last.dataSync() as Float32Array;
    last.dispose();
    return { full: rows, prefillLast };
  } finally {
    model.dispose();
  }
}

const kvShape = (arch: Arch, i: number, length: number) => {
  const layer = arch.layers[i];
  return [1, arch.family === 'llama' ? kvHeads(layer) : layer.nHead, length, arch.dModel / layer.nHead];
};

const sessions: ort.InferenceSession[] = [];
async function session(bytes: Uint8Array): Promise<ort.InferenceSession> {
  const s = await ort.InferenceSession.create(bytes);
  sessions.push(s);
  return s;
}
afterAll(async () => {
  await Promise.all(sessions.map((s) => s.release()));
});

describe.each(TINY_CASES)('ONNX export of %s', (_name, arch) => {
  const exported = exportOnnx(arch, { seed: SEED });

  it('holds exactly core’s parameters as fp32 initializers, in standard opset-17 ops, with Optimum’s names', () => {
    const total = countParams(arch).total;
    expect(exported.initializerParams).toBe(total);
    const specs = weightSpecs(arch);
    const presents = arch.layers.flatMap((_, i) => [`present.${i}.key`, `present.${i}.value`]);
    for (const [bytes, withPast] of [
      [exported.decoder, false],
      [exported.decoderWithPast, true],
    ] as const) {
      const model = readOnnx(bytes);
      const elements = model.initializers.map((t) => t.dims.reduce((a, b) => a * b, 1));
      expect(elements.reduce((a, b) => a + b, 0)).toBe(total);
      model.initializers.forEach((t, i) => {
        expect(t.dataType).toBe(1); // FLOAT
        expect(t.raw.length).toBe(4 * elements[i]);
      });
      expect(model.initializers.map((t) => [t.name, t.dims])).toEqual(specs.map((s) => [s.name, s.shape]));
      expect(model.opsets).toEqual([{ domain: '', version: OPSET }]);
      expect(OPSET).toBeGreaterThanOrEqual(17);
      expect(model.nodes.filter((n) => n.domain !== '')).toEqual([]); // no contrib (com.microsoft) ops
      const past = withPast ? arch.layers.flatMap((_, i) => [`past_key_values.${i}.key`, `past_key_values.${i}.value`]) : [];
      expect(model.inputs.map((v) => v.name)).toEqual(['input_ids', 'attention_mask', 'position_ids', ...past]);
      expect(model.outputs.map((v) => v.name)).toEqual(['logits', ...presents]);
      const dims = Object.fromEntries([...model.inputs, ...model.outputs].map((v) => [v.name, v.dims]));
      const [, kvH, , hd] = kvShape(arch, 0, 0);
      expect(dims.input_ids).toEqual(['batch_size', 'sequence_length']);
      expect(dims.logits).toEqual(['batch_size', 'sequence_length', arch.vocabSize]);
      if (withPast) {
        expect(dims.attention_mask).toEqual(['batch_size', 'past_sequence_length + sequence_length']);
        expect(dims['past_key_values.0.key']).toEqual(['batch_size', kvH, 'past_sequence_length', hd]);
        expect(dims['present.0.value']).toEqual(['batch_size', kvH, 'past_sequence_length + sequence_length', hd]);
      } else {
        expect(dims['present.0.key']).toEqual(['batch_size', kvH, 'sequence_length', hd]);
      }
    }
  });

  it('runs in ONNX Runtime: prefill logits equal tfjs’s, and decoding with past equals a full recompute', async () => {
    const tokens = tokensFor(arch, T);
    const ids = [...tokens];
    const ref = tfjsLogits(arch, tokens);
    const prefill = await session(exported.decoder);
    const withPast = await session(exported.decoderWithPast);

    // Prefill of all T tokens: every position against forwardFull, the last against prefill().
    const full = await prefill.run(feeds(ids, 0));
    expect(full.logits.dims).toEqual([1, T, arch.vocabSize]);
    for (let t = 0; t < T; t++) expect(maxAbsDiff(row(full.logits, t), ref.full[t])).toBeLessThan(TOLERANCE);
    expect(maxAbsDiff(row(full.logits, T - 1), ref.prefillLast)).toBeLessThan(TOLERANCE);
    expect(Math.max(...ref.prefillLast.map(Math.abs))).toBeGreaterThan(100 * TOLERANCE); // not a trivial match
    arch.layers.forEach((_, i) => expect(full[`present.${i}.key`].dims).toEqual(kvShape(arch, i, T)));

    // Prefill T - 3 tokens, then two tokens with the past, then one: each against the recompute.
    const first = await prefill.run(feeds(ids.slice(0, T - 3), 0));
    const two = await withPast.run(feeds(ids.slice(T - 3, T - 1), T - 3, first));
    expect(two.logits.dims).toEqual([1, 2, arch.vocabSize]);
    expect(maxAbsDiff(row(two.logits, 0), ref.full[T - 3])).toBeLessThan(TOLERANCE);
    expect(maxAbsDiff(row(two.logits, 1), ref.full[T - 2])).toBeLessThan(TOLERANCE);
    const one = await withPast.run(feeds(ids.slice(T - 1), T - 1, two));
    expect(one.logits.dims).toEqual([1, 1, arch.vocabSize]);
    expect(maxAbsDiff(row(one.logits, 0), ref.full[T - 1])).toBeLessThan(TOLERANCE);
    arch.layers.forEach((_, i) => {
      for (const part of ['key', 'value']) {
        const name = `present.${i}.${part}`;
        expect(two[name].dims).toEqual(kvShape(arch, i, T - 1));
        expect(one[name].dims).toEqual(kvShape(arch, i, T));
        // The cache built step by step holds what the one-shot prefill computed.
        expect(maxAbsDiff(one[name].data as Float32Array, full[name].data as Float32Array)).toBeLessThan(TOLERANCE);
      }
    });
  });
});

/** fp16 against fp32, as a share of the largest fp32 logit: weights rounded to 11 significant
 *  bits, activations too, over a few layers. Measured here: 0.05-0.18 %. */
const FP16_TOLERANCE = 0.005;

describe.each(TINY_CASES)('fp16 ONNX export of %s', (_name, arch) => {
  const fp32 = exportOnnx(arch, { seed: SEED });
  const fp16 = exportOnnx(arch, { seed: SEED, dtype: 'fp16' });

  it('holds the fp32 export’s weights rounded to FLOAT16, core’s parameter count, and FLOAT16 cache and logits', () => {
    expect(fp16.initializerParams).toBe(countParams(arch).total);
    for (const [half, full] of [
      [fp16.decoder, fp32.decoder],
      [fp16.decoderWithPast, fp32.decoderWithPast],
    ]) {
      const h = readOnnx(half);
      const f = readOnnx(full);
      expect(h.initializers.map((t) => [t.name, t.dims])).toEqual(f.initializers.map((t) => [t.name, t.dims]));
      h.initializers.forEach((t, i) => {
        expect(t.dataType).toBe(10); // FLOAT16
        const raw = f.initializers[i].raw;
        expect(Buffer.compare(t.raw, float16Bytes(new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.length))))).toBe(
          0,
        );
      });
      const types = Object.fromEntries([...h.inputs, ...h.outputs].map((v) => [v.name, v.elemType]));
      expect(types.input_ids).toBe(7); // INT64
      expect(types.logits).toBe(10);
      expect(types['present.0.key']).toBe(10);
      if (types['past_key_values.0.value'] !== undefined) expect(types['past_key_values.0.value']).toBe(10);
      expect(h.nodes.filter((n) => n.domain !== '')).toEqual([]);
    }
  });

  it('runs in ONNX Runtime within fp16 rounding of the fp32 export, and decoding with past equals a full recompute', async () => {
    const ids = [...tokensFor(arch, T)];
    const full32 = await (await session(fp32.decoder)).run(feeds(ids, 0));
    const prefill = await session(fp16.decoder);
    const withPast = await session(fp16.decoderWithPast);
    const full = await prefill.run(feeds(ids, 0));
    expect(full.logits.type).toBe('float16');
    const scale = Math.max(...values(full32.logits).map(Math.abs));
    expect(scale).toBeGreaterThan(0.1); // not a trivial match
    const tolerance = FP16_TOLERANCE * scale;
    for (let t = 0; t < T; t++) expect(maxAbsDiff(row(full.logits, t), row(full32.logits, t))).toBeLessThan(tolerance);

    const first = await prefill.run(feeds(ids.slice(0, T - 3), 0));
    const two = await withPast.run(feeds(ids.slice(T - 3, T - 1), T - 3, first));
    const one = await withPast.run(feeds(ids.slice(T - 1), T - 1, two));
    expect(maxAbsDiff(row(two.logits, 0), row(full.logits, T - 3))).toBeLessThan(tolerance);
    expect(maxAbsDiff(row(two.logits, 1), row(full.logits, T - 2))).toBeLessThan(tolerance);
    expect(maxAbsDiff(row(one.logits, 0), row(full.logits, T - 1))).toBeLessThan(tolerance);
    arch.layers.forEach((_, i) => expect(one[`present.${i}.key`].dims).toEqual(kvShape(arch, i, T)));
  });
});

describe('ONNX export: batches and padding', () => {
  it('reads attention_mask: a left-padded row gives the logits of its unpadded tokens', async () => {
    const arch = TINY['llama-gqa-tied'];
    const s = await session(exportOnnx(arch, { seed: SEED }).decoder);
    const ids = [...tokensFor(arch, T)];
    const pad = 2;
    const short = ids.slice(0, T - pad);
    // Row 1 is left-padded as a tokenizer pads for generation; its position_ids as Hugging Face
    // derives them from the mask (cumsum - 1, padding set to 1).
    const out = await s.run({
      input_ids: int64([...ids, 0, 0, ...short], [2, T]),
      attention_mask: int64([...new Array<number>(T).fill(1), 0, 0, ...new Array<number>(T - pad).fill(1)], [2, T]),
      position_ids: int64([...range(0, T), 1, 1, ...range(0, T - pad)], [2, T]),
    });
    const ref = tfjsLogits(arch, Int32Array.from(ids));
    const refShort = tfjsLogits(arch, Int32Array.from(short));
    expect(maxAbsDiff(row(out.logits, T - 1, 0), ref.full[T - 1])).toBeLessThan(TOLERANCE);
    expect(maxAbsDiff(row(out.logits, T - 1, 1), refShort.full[T - pad - 1])).toBeLessThan(TOLERANCE);
  });
});

describe('onnxExportErrors', () => {
  it('names archs a single .onnx file cannot hold or rotary cannot rotate', () => {
    expect(onnxExportErrors(TINY.gpt2)).toEqual([]);
    const huge: Arch = { ...TINY.gpt2, vocabSize: 600_000, dModel: 1024, layers: [{ nHead: 16, dInner: 4096 }] };
    expect(onnxExportErrors(huge).join()).toMatch(/^fp32 weights of 2\.3\d GiB do not fit a single \.onnx file .*; fp16 would fit$/);
    expect(onnxExportErrors(huge, 'fp16')).toEqual([]);
    expect(onnxExportErrors({ ...huge, dModel: 2048 }, 'fp16').join()).toMatch(/^fp16 weights of 2\.\d\d GiB do not fit/);
    expect(() => exportOnnx(huge)).toThrow(RangeError);
    const odd: Arch = { ...TINY['neox-tied'], dModel: 36, layers: [{ nHead: 2, dInner: 64 }] }; // head dim 18: rotates 4
    expect(onnxExportErrors(odd)).toEqual([]);
    const oddRotary: Arch = { ...TINY['neox-tied'], dModel: 40, layers: [{ nHead: 2, dInner: 64 }] }; // head dim 20: rotates 5
    expect(onnxExportErrors(oddRotary).join()).toMatch(/even number of rotated dims, got 5/);
    expect(ONNX_FILES).toEqual({ decoder: 'decoder_model.onnx', decoderWithPast: 'decoder_with_past_model.onnx' });
  });
});
