// The decoder of a core `Arch` as an ONNX graph, in the two forms a Hugging Face Optimum export
// of a text-generation-with-past model has (optimum/exporters/onnx/config.py,
// TextDecoderWithPositionIdsOnnxConfig, which Optimum's gpt2, opt, llama, qwen2 and gpt_neox
// configs use; base.py add_past_key_values):
//   decoder_model.onnx           input_ids, attention_mask, position_ids [batch_size, sequence_length]
//                                -> logits [batch_size, sequence_length, vocab],
//                                   present.{i}.key / .value [batch_size, kv heads, sequence_length, head dim]
//   decoder_with_past_model.onnx the same plus past_key_values.{i}.key / .value
//                                [batch_size, kv heads, past_sequence_length, head dim]; attention_mask
//                                then covers past_sequence_length + sequence_length, as do the presents.
// Inputs are fed by name, so their order does not matter to Optimum or ONNX Runtime; ours is Llama's.
//
// The function is the builder's (src/measure/forward.ts, ops.ts), family by family, on the same
// weights in the same layouts (core/weights.ts: matrices [in, out], the token table [width, vocab]).
// Standard opset-17 ops only: attention is MatMul / Softmax, RMSNorm and both GELUs are spelled
// out (RMSNormalization and Gelu arrived in opsets 23 and 20), rotary is computed from
// position_ids with Cos / Sin as Hugging Face does. The causal mask is built in the graph:
// query i sits at position past + i, key j at j, and keys in its future or where attention_mask
// is 0 get MASKED added to their scores.
//
// fp16 (GraphOptions.dtype): weights, activations, the cache and the logits are FLOAT16, as an
// Optimum export with --dtype fp16 has them. Where Hugging Face's modelling code computes in fp32
// under fp16 (LlamaRMSNorm's variance, the rotary angles), so does the graph, casting around it;
// LayerNormalization computes in fp32 by its default stash_type. Masked keys get -65504, the
// largest fp16 magnitude (PyTorch's finfo(float16).min), since -1e9 is not an fp16 number.
import { headDim as headDimOf, kvHeads, rmsNormEps, ropeTheta, rotaryDims, type Arch, type LayerSpec } from '../arch';
import { layerWeight, positionRowOffset } from '../weights';
import { FLOAT16_MAX } from './float16';
import type { OnnxDtype } from '../onnxDtypes';
import { GraphBuilder, ONNX_FLOAT } from './graph';
import { DataType, type GraphSpec, type TensorData, type ValueInfo } from './onnxProto';

/** Constants shared with src/measure/ops.ts (core cannot import it): LayerNorm eps (GPT-2, OPT,
 *  GPT-NeoX) and the additive mask for forbidden keys. RMSNorm's eps and the rotary base are the
 *  arch's (core/arch.ts rmsNormEps, ropeTheta). */
const LAYER_NORM_EPS = 1e-5;
const MASKED = -1e9;

/** Optimum's names for the dynamic axes. */
export const DIMS = {
  batch: 'batch_size',
  sequence: 'sequence_length',
  past: 'past_sequence_length',
  total: 'past_sequence_length + sequence_length',
} as const;

/** What a graph computes beyond Optimum's form. `lastLogits`: the logits of the last position only,
 *  [batch, 1, vocab], as generation reads them and the tfjs builder's prefill computes them (the
 *  head is sliced to one row before the final norm). Optimum's export has every position's; on a
 *  prefill of T tokens that is T times the head's FLOPs (a 50k vocabulary's head can be most of a
 *  small model's prefill), so on-device timing (src/ort) asks for the last row. */
export interface GraphOptions {
  lastLogits?: boolean;
  /** Weights, activations, cache and logits: fp32 (the default) or fp16. */
  dtype?: OnnxDtype;
}

/** Graph inputs and outputs as Optimum names them. */
export function graphIO(arch: Arch, withPast: boolean, options: GraphOptions = {}): { inputs: ValueInfo[]; outputs: ValueInfo[] } {
  const { batch, sequence, past, total } = DIMS;
  const float = ONNX_FLOAT[options.dtype ?? 'fp32'];
  const tokens = (name: string, length: string): ValueInfo => ({ name, elemType: DataType.INT64, dims: [batch, length] });
  const cache = (name: string, layer: LayerSpec, length: string): ValueInfo => ({
    name,
    elemType: float,
    dims: [batch, kvHeads(layer), length, headDimOf(arch, layer)],
  });
  const inputs = [tokens('input_ids', sequence), tokens('attention_mask', withPast ? total : sequence), tokens('position_ids', sequence)];
  const outputs: ValueInfo[] = [{ name: 'logits', elemType: float, dims: [batch, options.lastLogits ? 1 : sequence, arch.vocabSize] }];
  arch.layers.forEach((layer, i) => {
    for (const part of ['key', 'value']) {
      if (withPast) inputs.push(cache(`past_key_values.${i}.${part}`, layer, past));
      outputs.push(cache(`present.${i}.${part}`, layer, withPast ? total : sequence));
    }
  });
  return { inputs, outputs };
}

/** Why this arch has no ONNX graph (beyond core's validateArch), or an empty list. Rotary needs
 *  an even number of rotated dims, as the tfjs builder and Hugging Face's rotate_half do. */
export function graphErrors(arch: Arch): string[] {
  const errors: string[] = [];
  if (arch.family !== 'llama' && arch.family !== 'neox') return errors;
  arch.layers.forEach((layer, i) => {
    const dim = headDimOf(arch, layer);
    const rot = rotaryDims(arch, dim);
    if (rot === 0 || rot % 2 !== 0) {
      errors.push(`layers[${i}]: rotary needs an even number of rotated dims, got ${rot} (head dimension ${dim})`);
    }
  });
  return errors;
}

/** The graph of `arch` over its weights, encoded as initializers in `options.dtype` (weightSpecs
 *  order and names). */
export function decoderGraph(arch: Arch, weights: readonly TensorData[], withPast: boolean, options: GraphOptions = {}): GraphSpec {
  const g = new GraphBuilder(options.dtype);
  const names = new Set<string>();
  for (const w of weights) names.add(g.initializer(w));
  const has = (name: string) => names.has(name);
  const need = (name: string) => {
    if (!has(name)) throw new Error(`internal: weight ${name} missing`);
    return name;
  };
  const llama = arch.family === 'llama';
  const post = arch.family === 'opt' && arch.normPosition === 'post';
  const int = (value: number) => ({ int: value });
  const ints = (values: number[]) => ({ ints: values });

  const linear = (x: string, weight: string, bias?: string): string => {
    const y = g.op('MatMul', [x, need(weight)]);
    return bias && has(bias) ? g.op('Add', [y, bias]) : y;
  };

  const norm = (x: string, name: string): string => {
    if (!llama) {
      return g.op('LayerNormalization', [x, need(`${name}.weight`), need(`${name}.bias`)], {
        axis: int(-1),
        epsilon: { float: LAYER_NORM_EPS },
      });
    }
    // RMSNorm: x / sqrt(mean(x^2) + eps) * weight (Llama's LlamaRMSNorm), the normalising in fp32.
    const x32 = g.cast(x, 'fp32');
    const meanSquare = g.op('ReduceMean', [g.op('Mul', [x32, x32])], { axes: ints([-1]), keepdims: int(1) });
    const inverse = g.op('Reciprocal', [g.op('Sqrt', [g.op('Add', [meanSquare, g.floats(rmsNormEps(arch), 'fp32')])])]);
    return g.op('Mul', [g.cast(g.op('Mul', [x32, inverse]), g.dtype), need(`${name}.weight`)]);
  };

  // --- the additive attention bias, [batch, 1, 1, T, S] (broadcast over kv heads and groups) ---
  const first = (input: string) => g.op('Shape', [input], { start: int(1), end: int(2) }); // [1]
  const scalar = (x: string) => g.op('Squeeze', [x, g.ints([0])]);
  const T = first('input_ids');
  const S = first('attention_mask'); // past + T, as Hugging Face sizes its mask
  const P = g.op('Sub', [S, T]);
  const one = g.ints([1], true);
  const keyPositions = g.op('Range', [g.ints([0], true), scalar(S), one]); // [S]
  const queryPositions = g.op('Unsqueeze', [g.op('Range', [scalar(P), scalar(S), one]), g.ints([1])]); // [T, 1]
  const future = g.op('Greater', [keyPositions, queryPositions]); // [T, S]
  const padding = g.op('Unsqueeze', [g.op('Equal', ['attention_mask', g.ints([0], true)]), g.ints([1, 2, 3])]); // [B, 1, 1, 1, S]
  const masked = g.dtype === 'fp16' ? -FLOAT16_MAX : MASKED;
  const attentionBias = g.op('Where', [g.op('Or', [future, padding]), g.floats(masked), g.floats(0)]);

  // --- rotary rows [batch, 1, T, rotDim] per head dimension, from position_ids ---
  let positionsF: string | undefined;
  const rotaryRows = new Map<number, { cos: string; sin: string }>();
  const rotary = (headDim: number) => {
    const known = rotaryRows.get(headDim);
    if (known) return known;
    positionsF ??= g.op('Unsqueeze', [g.op('Cast', ['position_ids'], { to: int(DataType.FLOAT) }), g.ints([2])]); // [B, T, 1]
    const rot = rotaryDims(arch, headDim);
    // Hugging Face's inv_freq over the rotated dims: theta^(-2j / rot), j < rot / 2.
    const invFreq = Array.from({ length: rot / 2 }, (_, j) => Math.pow(ropeTheta(arch), (-2 * j) / rot));
    const freqs = g.op('Mul', [positionsF, g.floats(invFreq, 'fp32')]); // angles in fp32, as Hugging Face computes them
    const angles = g.op('Concat', [freqs, freqs], { axis: int(-1) });
    const rows = {
      cos: g.op('Unsqueeze', [g.cast(g.op('Cos', [angles]), g.dtype), g.ints([1])]),
      sin: g.op('Unsqueeze', [g.cast(g.op('Sin', [angles]), g.dtype), g.ints([1])]),
    };
    rotaryRows.set(headDim, rows);
    return rows;
  };
  /** x * cos + rotate_half(x) * sin on the first rotDim dims of each head (x: [B, heads, T, hd]). */
  const applyRotary = (x: string, headDim: number): string => {
    const rot = rotaryDims(arch, headDim);
    const { cos, sin } = rotary(headDim);
    const dims = (from: number, to: number) => g.op('Slice', [x, g.ints([from]), g.ints([to]), g.ints([3])]);
    const rotatedPart = rot < headDim ? dims(0, rot) : x;
    const halfTurn = g.op('Concat', [g.op('Neg', [dims(rot / 2, rot)]), dims(0, rot / 2)], { axis: int(-1) });
    const out = g.op('Add', [g.op('Mul', [rotatedPart, cos]), g.op('Mul', [halfTurn, sin])]);
    return rot < headDim ? g.op('Concat', [out, dims(rot, headDim)], { axis: int(-1) }) : out; // GPT-NeoX: the rest passes
  };

  // --- embeddings: the table is [width, vocab], so gather columns: [width, B, T] -> [B, T, width] ---
  g.scope = 'embed';
  let x = g.op('Transpose', [g.op('Gather', [need('embed.tokens'), 'input_ids'], { axis: int(1) })], { perm: ints([1, 2, 0]) });
  if (has('embed.project_in')) x = g.op('MatMul', [x, 'embed.project_in']);
  if (has('embed.positions')) {
    const offset = positionRowOffset(arch); // OPT's learned positions start at row 2
    const rows = offset ? g.op('Add', ['position_ids', g.ints([offset], true)]) : 'position_ids';
    x = g.op('Add', [x, g.op('Gather', ['embed.positions', rows], { axis: int(0) })]);
  }

  arch.layers.forEach((layer, i) => {
    g.scope = `layers.${i}`;
    const heads = layer.nHead;
    const kvH = kvHeads(layer);
    const headDim = headDimOf(arch, layer);
    const w = (part: string) => layerWeight(i, part);

    // Attention: [B, T, heads * hd] -> [B, heads, T, hd], rotary, then the cache.
    const attnIn = post ? x : norm(x, w('norm1'));
    const split = (y: string, n: number) =>
      g.op('Transpose', [g.op('Reshape', [y, g.ints([0, 0, n, headDim])])], { perm: ints([0, 2, 1, 3]) });
    const project = (p: string) => linear(attnIn, w(`attn.${p}.weight`), w(`attn.${p}.bias`));
    let q = split(project('q'), heads);
    let k = split(project('k'), kvH);
    const v = split(project('v'), kvH);
    if (llama || arch.family === 'neox') {
      q = applyRotary(q, headDim);
      k = applyRotary(k, headDim);
    }
    q = g.op('Mul', [q, g.floats(1 / Math.sqrt(headDim))]);
    const cache = (y: string, part: 'key' | 'value') =>
      withPast
        ? g.op('Concat', [`past_key_values.${i}.${part}`, y], { axis: int(2) }, `present.${i}.${part}`)
        : g.op('Identity', [y], undefined, `present.${i}.${part}`);
    const keys = cache(k, 'key'); // [B, kvH, S, hd]
    const values = cache(v, 'value');
    // Grouped-query attention without copying K/V: query heads [B, kvH, group, T, hd] against keys
    // [B, kvH, 1, S, hd], broadcast over the group (query head h reads kv head floor(h / group),
    // Hugging Face's repeat_kv order).
    const group = heads / kvH;
    const q5 = g.op('Reshape', [q, g.ints([0, kvH, group, -1, headDim])]);
    const keysT = g.op('Unsqueeze', [g.op('Transpose', [keys], { perm: ints([0, 1, 3, 2]) }), g.ints([2])]);
    const scores = g.op('Add', [g.op('MatMul', [q5, keysT]), attentionBias]);
    const probs = g.op('Softmax', [scores], { axis: int(-1) });
    const context5 = g.op('MatMul', [probs, g.op('Unsqueeze', [values, g.ints([2])])]); // [B, kvH, group, T, hd]
    const context4 = g.op('Transpose', [g.op('Reshape', [context5, g.ints([0, heads, -1, headDim])])], { perm: ints([0, 2, 1, 3]) });
    const context = g.op('Reshape', [context4, g.ints([0, 0, arch.dModel])]);
    let h = g.op('Add', [x, linear(context, w('attn.out.weight'), w('attn.out.bias'))]);
    if (post) h = norm(h, w('norm1'));

    // Feed-forward. GPT-NeoX's parallel residual norms the block's input x, not h.
    const ffnIn = post ? h : norm(arch.family === 'neox' ? x : h, w('norm2'));
    let hidden: string;
    if (llama) {
      const gate = linear(ffnIn, w('ffn.gate.weight'));
      hidden = g.op('Mul', [g.op('Mul', [gate, g.op('Sigmoid', [gate])]), linear(ffnIn, w('ffn.up.weight'))]); // silu(gate) * up
    } else {
      const up = linear(ffnIn, w('ffn.up.weight'), w('ffn.up.bias'));
      if (arch.family === 'opt') hidden = g.op('Relu', [up]);
      else if (arch.family === 'neox') hidden = geluErf(g, up);
      else hidden = geluTanh(g, up);
    }
    let out = g.op('Add', [h, linear(hidden, w('ffn.down.weight'), w('ffn.down.bias'))]);
    if (post) out = norm(out, w('norm2'));
    x = out;
  });

  g.scope = 'head';
  // The last position's row, [B, 1, width] (Slice clamps the end to the sequence's length).
  if (options.lastLogits) x = g.op('Slice', [x, g.ints([-1]), g.ints([Number.MAX_SAFE_INTEGER]), g.ints([1])]);
  if (has('final_norm.weight')) x = norm(x, 'final_norm');
  if (has('embed.project_out')) x = g.op('MatMul', [x, 'embed.project_out']);
  g.op('MatMul', [x, has('head') ? 'head' : 'embed.tokens'], undefined, 'logits');

  const { inputs, outputs } = graphIO(arch, withPast, options);
  return g.build(withPast ? 'decoder_with_past' : 'decoder', inputs, outputs);
}

/** Exact GELU, x (1 + erf(x / sqrt 2)) / 2 (GPT-NeoX's "gelu"). */
function geluErf(g: GraphBuilder, x: string): string {
  const erf = g.op('Erf', [g.op('Mul', [x, g.floats(Math.SQRT1_2)])]);
  return g.op('Mul', [g.op('Mul', [x, g.floats(0.5)]), g.op('Add', [erf, g.floats(1)])]);
}

/** GPT-2's gelu_new: x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))) / 2. */
function geluTanh(g: GraphBuilder, x: string): string {
  const cube = g.op('Mul', [g.op('Mul', [x, x]), x]);
  const inner = g.op('Mul', [g.op('Add', [x, g.op('Mul', [cube, g.floats(0.044715)])]), g.floats(Math.sqrt(2 / Math.PI))]);
  return g.op('Mul', [g.op('Mul', [x, g.floats(0.5)]), g.op('Add', [g.op('Tanh', [inner]), g.floats(1)])]);
}
