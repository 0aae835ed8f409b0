// Shared test helpers for the core suite: fast-check arbitraries and independent (hand-written,
// deliberately naive) reference implementations that the tests compare src/core against.
// Nothing here imports the code under test's formulas: only types and plain data.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import type { Arch, Family, LayerSpec } from '../../../src/core/arch';
import type { ReferenceFile } from '../../../src/core/referenceModels';

export const divisors = (n: number): number[] => {
  const out: number[] = [];
  for (let k = 1; k <= n; k++) if (n % k === 0) out.push(k);
  return out;
};

/** Drop keys whose value is undefined (so toEqual / JSON round trips compare like for like). */
export function clean(arch: Arch): Arch {
  const layers = arch.layers.map((l) => {
    const out: LayerSpec = { nHead: l.nHead, dInner: l.dInner };
    if (l.nKvHead !== undefined) out.nKvHead = l.nKvHead;
    return out;
  });
  const out: Arch = {
    family: arch.family,
    vocabSize: arch.vocabSize,
    contextLength: arch.contextLength,
    dModel: arch.dModel,
    tieEmbeddings: arch.tieEmbeddings,
    layers,
  };
  if (arch.embedDim !== undefined) out.embedDim = arch.embedDim;
  if (arch.normPosition !== undefined) out.normPosition = arch.normPosition;
  if (arch.qkvBias !== undefined) out.qkvBias = arch.qkvBias;
  return out;
}

export interface ArchArbOptions {
  families?: Family[];
  dModels?: number[];
  maxLayers?: number;
  maxInner?: number;
  maxVocab?: number;
  maxContext?: number;
}

/** Small valid archs of the given families (heterogeneous layers, GQA, OPT options, Qwen2 biases). */
export function archArb(o: ArchArbOptions = {}): fc.Arbitrary<Arch> {
  const families = o.families ?? ['gpt2', 'opt', 'llama', 'neox'];
  const dModels = o.dModels ?? [8, 12, 16, 24, 32, 48, 64];
  return fc
    .record({
      family: fc.constantFrom(...families),
      dModel: fc.constantFrom(...dModels),
      nLayer: fc.integer({ min: 1, max: o.maxLayers ?? 4 }),
    })
    .chain(({ family, dModel, nLayer }) => {
      const layer: fc.Arbitrary<LayerSpec> = fc.constantFrom(...divisors(dModel)).chain((nHead) =>
        fc.record({
          nHead: fc.constant(nHead),
          nKvHead: family === 'llama' ? fc.option(fc.constantFrom(...divisors(nHead)), { nil: undefined }) : fc.constant(undefined),
          dInner: fc.integer({ min: 1, max: o.maxInner ?? 128 }),
        }),
      );
      return fc
        .record({
          family: fc.constant(family),
          vocabSize: fc.integer({ min: 1, max: o.maxVocab ?? 300 }),
          contextLength: fc.integer({ min: 1, max: o.maxContext ?? 64 }),
          dModel: fc.constant(dModel),
          tieEmbeddings: family === 'llama' || family === 'neox' ? fc.boolean() : fc.constant(true),
          layers: fc.array(layer, { minLength: nLayer, maxLength: nLayer }),
          embedDim: family === 'opt' ? fc.option(fc.integer({ min: 1, max: 80 }), { nil: undefined }) : fc.constant(undefined),
          normPosition:
            family === 'opt' ? fc.option(fc.constantFrom('pre' as const, 'post' as const), { nil: undefined }) : fc.constant(undefined),
          qkvBias: family === 'llama' ? fc.option(fc.constant(true as const), { nil: undefined }) : fc.constant(undefined),
        })
        .map((a) => clean(a as Arch));
    });
}

/**
 * Parameter count written from the Hugging Face module layout, module by module (independent of
 * src/core/params.ts): GPT2LMHeadModel, OPTForCausalLM, LlamaForCausalLM, Qwen2ForCausalLM,
 * GPTNeoXForCausalLM.
 */
export function handParams(a: Arch): { total: number; embedding: number; decoder: number; attention: number; ffn: number; norms: number } {
  const d = a.dModel;
  const V = a.vocabSize;
  const e = a.family === 'opt' && a.embedDim !== undefined ? a.embedDim : d;
  let attention = 0;
  let ffn = 0;
  let norms = 0;
  for (const l of a.layers) {
    if (a.family === 'llama') {
      const headDim = d / l.nHead;
      const kvWidth = (l.nKvHead ?? l.nHead) * headDim;
      attention += d * d + d * kvWidth + d * kvWidth + d * d; // q_proj, k_proj, v_proj, o_proj
      if (a.qkvBias) attention += d + kvWidth + kvWidth; // Qwen2: q_proj, k_proj, v_proj biases
      ffn += d * l.dInner + d * l.dInner + l.dInner * d; // gate_proj, up_proj, down_proj
      norms += d + d; // input_layernorm, post_attention_layernorm (RMSNorm weight)
    } else if (a.family === 'neox') {
      attention += d * 3 * d + 3 * d + d * d + d; // query_key_value (fused, bias), dense
      ffn += d * l.dInner + l.dInner + l.dInner * d + d; // dense_h_to_4h, dense_4h_to_h
      norms += 2 * d + 2 * d; // input_layernorm, post_attention_layernorm
    } else if (a.family === 'gpt2') {
      attention += d * 3 * d + 3 * d + d * d + d; // c_attn (Conv1D d -> 3d), c_proj
      ffn += d * l.dInner + l.dInner + l.dInner * d + d; // c_fc, c_proj
      norms += 2 * d + 2 * d; // ln_1, ln_2
    } else {
      attention += 4 * (d * d + d); // q_proj, k_proj, v_proj, out_proj
      ffn += d * l.dInner + l.dInner + l.dInner * d + d; // fc1, fc2
      norms += 2 * d + 2 * d; // self_attn_layer_norm, final_layer_norm (per layer)
    }
  }
  if (a.family === 'llama') norms += d;
  else if (!(a.family === 'opt' && a.normPosition === 'post')) norms += 2 * d; // ln_f, final_layer_norm
  const positions = a.family === 'gpt2' ? a.contextLength * d : a.family === 'opt' ? (a.contextLength + 2) * d : 0;
  // An untied head is lm_head (llama) or embed_out (neox), vocab x d without bias; rotary has no table.
  const embedding = V * e + positions + (a.tieEmbeddings ? 0 : V * d) + (e !== d ? e * d + d * e : 0);
  const decoder = attention + ffn + norms;
  return { total: embedding + decoder, embedding, decoder, attention, ffn, norms };
}

/** a dominates b in minimisation form, written with every/some. */
export const bruteDominates = (a: readonly number[], b: readonly number[]): boolean =>
  a.every((x, i) => x <= b[i]) && a.some((x, i) => x < b[i]);

export const bruteNonDominated = (pts: readonly (readonly number[])[]): number[] =>
  pts.flatMap((p, i) => (pts.some((q, j) => j !== i && bruteDominates(q, p)) ? [] : [i]));

/** Average ranks (1-based), quadratic and obvious. */
export function naiveRanks(xs: readonly number[]): number[] {
  return xs.map((x) => {
    const less = xs.filter((y) => y < x).length;
    const equal = xs.filter((y) => y === x).length;
    return less + (equal + 1) / 2;
  });
}

export function naivePearson(xs: readonly number[], ys: readonly number[]): number {
  const n = xs.length;
  const mx = xs.reduce((s, v) => s + v, 0) / n;
  const my = ys.reduce((s, v) => s + v, 0) / n;
  let num = 0;
  let vx = 0;
  let vy = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i] - mx) * (ys[i] - my);
    vx += (xs[i] - mx) ** 2;
    vy += (ys[i] - my) ** 2;
  }
  return num / Math.sqrt(vx * vy);
}

export const naiveSpearman = (xs: readonly number[], ys: readonly number[]): number => naivePearson(naiveRanks(xs), naiveRanks(ys));

/** Absolute path of a file in the repository (tests may run from any cwd). */
export const repoPath = (rel: string): string => fileURLToPath(new URL(`../../../${rel}`, import.meta.url));

export function loadLtsGpt2(): ReferenceFile {
  return JSON.parse(readFileSync(repoPath('src/data/lts/random_GPT2_wt103.json'), 'utf8')) as ReferenceFile;
}

/** Kendall's tau-b from its definition, n0 / n1 / n2 pair counts. */
export function naiveKendallB(xs: readonly number[], ys: readonly number[]): number {
  let c = 0;
  let d = 0;
  let n0 = 0;
  let n1 = 0;
  let n2 = 0;
  for (let i = 0; i < xs.length; i++) {
    for (let j = 0; j < i; j++) {
      n0++;
      if (xs[i] === xs[j]) n1++;
      if (ys[i] === ys[j]) n2++;
      const s = (xs[i] - xs[j]) * (ys[i] - ys[j]);
      if (s > 0) c++;
      if (s < 0) d++;
    }
  }
  return (c - d) / Math.sqrt((n0 - n1) * (n0 - n2));
}
