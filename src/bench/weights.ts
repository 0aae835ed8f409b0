// The weight list of a decoder built from a core `Arch`: one spec per tensor, in build order.
// The builder (model.ts) allocates exactly these specs, so summing their sizes counts the built
// model's parameters without allocating anything (the tests do this for the big presets).
//
// Layout choices (same parameter counts as Hugging Face, different tensor boundaries):
//   * Matrices are stored [in, out] so a forward is x @ W (GPT-2's Conv1D layout).
//   * Q, K and V are one fused [d, d + 2 kv] matrix (GPT-2's c_attn; OPT and Llama keep three
//     nn.Linear, same count): one matmul per block instead of three, which matters for decode
//     where every kernel launch costs.
//   * Llama's gate and up projections are one fused [d, 2 dInner] matrix for the same reason.
//   * Token tables and an untied Llama head are [vocab, width] (HF layout); logits use transposeB.
import { kvDim, type Arch } from '../core/arch';
import { positionTableRows, tokenEmbedDim } from '../core/params';

export type WeightInit =
  | { kind: 'normal'; std: number }
  | { kind: 'const'; value: number };

export interface WeightSpec {
  name: string;
  shape: number[];
  init: WeightInit;
}

/** HF's initializer_range for token/position tables (GPT-2, OPT, Llama all use 0.02). */
const TABLE_STD = 0.02;
/** Biases get small random values (not zeros) so a bias applied on one path only shows up. */
const BIAS_STD = 0.02;

const normal = (std: number): WeightInit => ({ kind: 'normal', std });
const ONES: WeightInit = { kind: 'const', value: 1 };
const ZEROS: WeightInit = { kind: 'const', value: 0 };

/** Names of the per-layer tensors, shared by weightSpecs and the forward pass. */
export const layerWeight = (i: number, part: string): string => `layers.${i}.${part}`;

export function weightSpecs(arch: Arch): WeightSpec[] {
  const d = arch.dModel;
  const e = tokenEmbedDim(arch);
  const llama = arch.family === 'llama';
  const biases = !llama;
  // Output projections of each residual branch are scaled down by sqrt(2 nLayer) (GPT-2's
  // init) so the residual stream stays O(1) however deep the model is.
  const residualScale = 1 / Math.sqrt(2 * arch.layers.length);
  const specs: WeightSpec[] = [];
  const add = (name: string, shape: number[], init: WeightInit) => specs.push({ name, shape, init });
  const norm = (name: string) => {
    add(`${name}.weight`, [d], ONES);
    if (!llama) add(`${name}.bias`, [d], ZEROS);
  };

  add('embed.tokens', [arch.vocabSize, e], normal(TABLE_STD));
  const posRows = positionTableRows(arch);
  if (posRows > 0) add('embed.positions', [posRows, d], normal(TABLE_STD));
  if (e !== d) {
    add('embed.project_in', [e, d], normal(1 / Math.sqrt(e)));
    add('embed.project_out', [d, e], normal(1 / Math.sqrt(d)));
  }

  arch.layers.forEach((layer, i) => {
    const kv = kvDim(arch, layer);
    const f = layer.dInner;
    norm(layerWeight(i, 'norm1'));
    add(layerWeight(i, 'attn.qkv.weight'), [d, d + 2 * kv], normal(1 / Math.sqrt(d)));
    if (biases) add(layerWeight(i, 'attn.qkv.bias'), [d + 2 * kv], normal(BIAS_STD));
    add(layerWeight(i, 'attn.out.weight'), [d, d], normal(residualScale / Math.sqrt(d)));
    if (biases) add(layerWeight(i, 'attn.out.bias'), [d], normal(BIAS_STD));
    norm(layerWeight(i, 'norm2'));
    if (llama) {
      add(layerWeight(i, 'ffn.gate_up.weight'), [d, 2 * f], normal(1 / Math.sqrt(d)));
    } else {
      add(layerWeight(i, 'ffn.up.weight'), [d, f], normal(1 / Math.sqrt(d)));
      add(layerWeight(i, 'ffn.up.bias'), [f], normal(BIAS_STD));
    }
    add(layerWeight(i, 'ffn.down.weight'), [f, d], normal(residualScale / Math.sqrt(f)));
    if (biases) add(layerWeight(i, 'ffn.down.bias'), [d], normal(BIAS_STD));
  });

  // OPT's post-LayerNorm variant (do_layer_norm_before=false) has no final LayerNorm.
  if (!(arch.family === 'opt' && arch.normPosition === 'post')) norm('final_norm');
  if (llama && !arch.tieEmbeddings) add('head', [arch.vocabSize, d], normal(1 / Math.sqrt(d)));
  return specs;
}

export const specSize = (spec: WeightSpec): number => spec.shape.reduce((a, b) => a * b, 1);

/** Parameters the builder will allocate for these specs. */
export const specParamCount = (specs: readonly WeightSpec[]): number =>
  specs.reduce((n, s) => n + specSize(s), 0);

/**
 * Fills a Float32Array for one spec from a seeded stream. tf.randomNormal is avoided on purpose:
 * it draws through seedrandom one value at a time and is several times slower for the 100M+
 * values of a real preset; this mulberry32 + Box-Muller loop is plain arithmetic.
 */
export function fillWeight(spec: WeightSpec, state: { seed: number }): Float32Array {
  const n = specSize(spec);
  const out = new Float32Array(n);
  if (spec.init.kind === 'const') {
    if (spec.init.value !== 0) out.fill(spec.init.value);
    return out;
  }
  const std = spec.init.std;
  let a = state.seed >>> 0;
  const uniform = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  for (let i = 0; i < n; i += 2) {
    const u1 = 1 - uniform(); // (0, 1]: log stays finite
    const r = std * Math.sqrt(-2 * Math.log(u1));
    const theta = 2 * Math.PI * uniform();
    out[i] = r * Math.cos(theta);
    if (i + 1 < n) out[i + 1] = r * Math.sin(theta);
  }
  state.seed = a;
  return out;
}
