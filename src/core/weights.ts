// The weight list of a decoder built from a core `Arch`: one spec per tensor, in build order.
// The builder (model.ts) allocates exactly these specs, so summing their sizes counts the built
// model's parameters without allocating anything (the tests do this for the big presets).
//
// Layout choices (same parameter counts as Hugging Face, different tensor boundaries):
//   * Matrices are stored [in, out] so a forward is x @ W (GPT-2's Conv1D layout).
//   * Q, K and V are three matrices (OPT and Llama's q_proj/k_proj/v_proj; GPT-2's fused c_attn
//     and GPT-NeoX's fused query_key_value have the same count). A fused QKV matmul would need three slices after it: on the cpu
//     backend a column slice costs more than the matmul, and on every backend it is one kernel
//     more than three matmuls, which is what a decode step pays for.
//   * Llama's gate and up projections are separate for the same reason.
//   * The token table and an untied head (Llama's lm_head, GPT-NeoX's embed_out) are stored transposed, [width, vocab] (HF keeps
//     [vocab, width]): the logits are then a plain x @ W. On the wasm backend a transposeB matmul
//     re-packs the matrix on every call (38 ms for GPT-2's 154 MB table in Node, against 6 ms
//     plain), a third of a decode step; the embedding lookup gathers columns instead (T of them).
import { kvDim, type Arch } from './arch';
import { positionTableRows, tokenEmbedDim } from './params';

export type WeightInit =
  /** Zero-mean random values with this standard deviation (see fillWeight for the distribution). */
  { kind: 'random'; std: number } | { kind: 'const'; value: number };

export interface WeightSpec {
  name: string;
  shape: number[];
  init: WeightInit;
}

/** HF's initializer_range for token/position tables (GPT-2, OPT, Llama, Qwen2, GPT-NeoX all use 0.02). */
const TABLE_STD = 0.02;
/** Biases get small random values (not zeros) so a bias applied on one path only shows up. */
const BIAS_STD = 0.02;

const random = (std: number): WeightInit => ({ kind: 'random', std });
const ONES: WeightInit = { kind: 'const', value: 1 };
const ZEROS: WeightInit = { kind: 'const', value: 0 };

/** Names of the per-layer tensors, shared by weightSpecs and the forward pass. */
export const layerWeight = (i: number, part: string): string => `layers.${i}.${part}`;

export function weightSpecs(arch: Arch): WeightSpec[] {
  const d = arch.dModel;
  const e = tokenEmbedDim(arch);
  const llama = arch.family === 'llama';
  const biases = !llama; // gpt2, opt and neox have a bias on every linear layer
  const qkvBiases = biases || arch.qkvBias === true; // Qwen2: q/k/v biases only
  // Output projections of each residual branch are scaled down by sqrt(2 nLayer) (GPT-2's
  // init) so the residual stream stays O(1) however deep the model is.
  const residualScale = 1 / Math.sqrt(2 * arch.layers.length);
  const specs: WeightSpec[] = [];
  const add = (name: string, shape: number[], init: WeightInit) => specs.push({ name, shape, init });
  const norm = (name: string) => {
    add(`${name}.weight`, [d], ONES);
    if (!llama) add(`${name}.bias`, [d], ZEROS);
  };

  add('embed.tokens', [e, arch.vocabSize], random(TABLE_STD));
  const posRows = positionTableRows(arch);
  if (posRows > 0) add('embed.positions', [posRows, d], random(TABLE_STD));
  if (e !== d) {
    add('embed.project_in', [e, d], random(1 / Math.sqrt(e)));
    add('embed.project_out', [d, e], random(1 / Math.sqrt(d)));
  }

  arch.layers.forEach((layer, i) => {
    const kv = kvDim(arch, layer);
    const f = layer.dInner;
    norm(layerWeight(i, 'norm1'));
    for (const [part, width] of [
      ['q', d],
      ['k', kv],
      ['v', kv],
    ] as const) {
      add(layerWeight(i, `attn.${part}.weight`), [d, width], random(1 / Math.sqrt(d)));
      if (qkvBiases) add(layerWeight(i, `attn.${part}.bias`), [width], random(BIAS_STD));
    }
    add(layerWeight(i, 'attn.out.weight'), [d, d], random(residualScale / Math.sqrt(d)));
    if (biases) add(layerWeight(i, 'attn.out.bias'), [d], random(BIAS_STD));
    norm(layerWeight(i, 'norm2'));
    if (llama) {
      add(layerWeight(i, 'ffn.gate.weight'), [d, f], random(1 / Math.sqrt(d)));
      add(layerWeight(i, 'ffn.up.weight'), [d, f], random(1 / Math.sqrt(d)));
    } else {
      add(layerWeight(i, 'ffn.up.weight'), [d, f], random(1 / Math.sqrt(d)));
      add(layerWeight(i, 'ffn.up.bias'), [f], random(BIAS_STD));
    }
    add(layerWeight(i, 'ffn.down.weight'), [f, d], random(residualScale / Math.sqrt(f)));
    if (biases) add(layerWeight(i, 'ffn.down.bias'), [d], random(BIAS_STD));
  });

  // OPT's post-LayerNorm variant (do_layer_norm_before=false) has no final LayerNorm.
  if (!(arch.family === 'opt' && arch.normPosition === 'post')) norm('final_norm');
  if (!arch.tieEmbeddings) add('head', [d, arch.vocabSize], random(1 / Math.sqrt(d)));
  return specs;
}

/** Row of the learned position table that position 0 reads: OPTLearnedPositionalEmbedding adds
 *  2 to every position (rows 0 and 1 are never read); GPT-2 starts at row 0. */
export const positionRowOffset = (arch: Arch): number => (arch.family === 'opt' ? 2 : 0);

export const specSize = (spec: WeightSpec): number => spec.shape.reduce((a, b) => a * b, 1);

/** Parameters the builder will allocate for these specs. */
export const specParamCount = (specs: readonly WeightSpec[]): number => specs.reduce((n, s) => n + specSize(s), 0);

/**
 * Fills a Float32Array for one spec from a seeded stream. 'random' specs get a zero-mean
 * uniform distribution with the requested standard deviation, U(-a, a) with a = std * sqrt(3):
 * timing does not depend on the distribution, activations only on its scale, and one PRNG draw
 * per value keeps the build of a 124M-parameter preset to a few seconds (Box-Muller, with a log,
 * a sqrt and two trig calls per pair, took 11 s in Node; tf.randomNormal is slower still).
 */
export function fillWeight(spec: WeightSpec, state: { seed: number }): Float32Array {
  const n = specSize(spec);
  const out = new Float32Array(n);
  if (spec.init.kind === 'const') {
    if (spec.init.value !== 0) out.fill(spec.init.value);
    return out;
  }
  const scale = (2 * spec.init.std * Math.sqrt(3)) / 4294967296;
  const offset = spec.init.std * Math.sqrt(3);
  let a = state.seed >>> 0;
  for (let i = 0; i < n; i++) {
    // mulberry32 (as core/random.ts), inlined: this loop runs once per parameter.
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = ((t ^ (t >>> 14)) >>> 0) * scale - offset;
  }
  state.seed = a;
  return out;
}
