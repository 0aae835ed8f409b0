// A decoder built from a core `Arch` with seeded random fp32 weights, in plain tfjs ops.
// Families follow Hugging Face's modelling code (see core/arch.ts):
//   gpt2  pre-LN LayerNorm, GELU (tanh) MLP, learned positions, final LN, tied head.
//   opt   learned positions offset by 2 rows, ReLU MLP, biases, pre- or post-LN (post has no
//         final LN), optional project_in / project_out around the blocks when embedDim != dModel.
//   llama RMSNorm, SwiGLU, rotary positions, grouped-query attention, no biases, tied or untied.
//
// Three entry points:
//   prefill(tokens)         positions 0..T-1, fills the KV cache, logits of the last position [V]
//                           (core's FLOP convention: the head runs for the last position only).
//   decode(token, position) one token against the cache, logits [V].
//   forwardFull(tokens)     recomputes everything without the cache (the correctness reference).
// The KV cache is preallocated at a fixed capacity and every decode step has the same shapes
// (a masked write into the full cache, attention over all `capacity` keys with a mask), so
// WebGL/WebGPU compile each shader once instead of once per position.
import * as tf from '@tensorflow/tfjs';
import { kvHeads, type Arch, type LayerSpec } from '../core/arch';
import { positionTableRows } from '../core/params';
import { formatErrors, validateArch } from '../core/validate';
import {
  MASKED,
  applyRotary,
  attention,
  causalMask,
  geluTanh,
  layerNorm,
  linear,
  mergeHeads,
  rmsNorm,
  rotaryTables,
  splitHeads,
  swiglu,
} from './ops';
import { fillWeight, layerWeight, weightSpecs } from './weights';

export interface BuildOptions {
  /** KV cache length (static). Default arch.contextLength; the timing uses T + 1. */
  capacity?: number;
  /** Seed of the random weights. Default 1. */
  seed?: number;
}

export interface DecoderModel {
  readonly arch: Arch;
  readonly capacity: number;
  /** Runs positions 0..T-1, (re)fills the KV cache, returns the last position's logits [V]. */
  prefill(tokens: Int32Array): tf.Tensor1D;
  /** One token at `position` (<= tokens already cached) against the cache; logits [V]. */
  decode(token: number, position: number): tf.Tensor1D;
  /** No cache: logits at every position [T, V], or at one position [V]. */
  forwardFull(tokens: Int32Array): tf.Tensor2D;
  forwardFull(tokens: Int32Array, position: number): tf.Tensor1D;
  /** Parameters actually allocated: the sum of the weight tensors' sizes. */
  paramCount(): number;
  /** Frees every tensor the model owns (weights, rotary tables, KV cache). Idempotent. */
  dispose(): void;
}

/** Per-call attention strategy: full causal self-attention, or against the KV cache. */
type Attend = (layer: number, q: tf.Tensor3D, k: tf.Tensor3D, v: tf.Tensor3D) => tf.Tensor3D;

interface Rotary {
  cos: tf.Tensor2D;
  sin: tf.Tensor2D;
}

/** Rotary rows for the current call's positions, per head dimension (heterogeneous nHead gives
 *  layers different head dimensions); undefined for families with learned positions. */
type RotaryLookup = ((headDim: number) => Rotary) | undefined;

class Decoder implements DecoderModel {
  readonly capacity: number;
  private readonly weights = new Map<string, tf.Tensor>();
  /** Full rotary tables [capacity, headDim], one per distinct head dimension (llama only). */
  private readonly rotary = new Map<number, Rotary>();
  private keys: tf.Tensor3D[] = [];
  private values: tf.Tensor3D[] = [];
  /** Positions 0..filled-1 hold valid keys/values. */
  private filled = 0;
  private disposed = false;
  private readonly llama: boolean;
  private readonly postNorm: boolean;
  /** First row of the position table used by position 0 (OPT keeps HF's offset of 2). */
  private readonly positionOffset: number;

  constructor(
    readonly arch: Arch,
    options: BuildOptions,
  ) {
    this.capacity = options.capacity ?? arch.contextLength;
    this.llama = arch.family === 'llama';
    this.postNorm = arch.family === 'opt' && arch.normPosition === 'post';
    this.positionOffset = arch.family === 'opt' ? positionTableRows(arch) - arch.contextLength : 0;
    checkBuildable(arch, this.capacity);
    const state = { seed: options.seed ?? 1 };
    try {
      for (const spec of weightSpecs(arch)) {
        this.weights.set(spec.name, tf.tensor(fillWeight(spec, state), spec.shape, 'float32'));
      }
      if (this.llama) {
        for (const layer of arch.layers) {
          const dim = headDimOf(arch, layer);
          if (!this.rotary.has(dim)) this.rotary.set(dim, rotaryTables(this.capacity, dim));
        }
      }
      for (const layer of arch.layers) {
        const shape: [number, number, number] = [this.kvHeadsOf(layer), this.capacity, headDimOf(arch, layer)];
        this.keys.push(tf.zeros(shape));
        this.values.push(tf.zeros(shape));
      }
    } catch (err) {
      this.dispose(); // a failed allocation (out of memory) must not leak the tensors made so far
      throw err;
    }
  }

  paramCount(): number {
    let n = 0;
    for (const t of this.weights.values()) n += t.size;
    return n;
  }

  prefill(tokens: Int32Array): tf.Tensor1D {
    this.checkTokens(tokens);
    const T = tokens.length;
    if (T > this.capacity) throw new RangeError(`prefill of ${T} tokens exceeds the KV cache capacity ${this.capacity}`);
    const { logits, keys, values } = tf.tidy(() => {
      const newKeys: tf.Tensor3D[] = [];
      const newValues: tf.Tensor3D[] = [];
      const mask = causalMask(T);
      const attend: Attend = (layer, q, k, v) => {
        // The cache is empty before a prefill, so attend to the new keys only (T x T, the
        // square core/memory counts) and pad them to the cache's static length afterwards.
        newKeys[layer] = this.padToCapacity(k);
        newValues[layer] = this.padToCapacity(v);
        return attention(q, k, v, mask);
      };
      const x = this.blocks(this.embedPrefix(tokens), attend, this.rotaryPrefix(T));
      const last = tf.slice(x, [T - 1, 0], [1, this.arch.dModel]);
      return { logits: tf.reshape(this.head(last), [this.arch.vocabSize]) as tf.Tensor1D, keys: newKeys, values: newValues };
    });
    this.replaceCache(keys, values);
    this.filled = T;
    return logits;
  }

  decode(token: number, position: number): tf.Tensor1D {
    this.checkTokens(Int32Array.of(token));
    if (!Number.isInteger(position) || position < 0 || position >= this.capacity) {
      throw new RangeError(`decode position ${position} is outside the KV cache 0..${this.capacity - 1}`);
    }
    if (position > this.filled) {
      throw new RangeError(`decode at position ${position} but only ${this.filled} positions are cached`);
    }
    const C = this.capacity;
    const { logits, keys, values } = tf.tidy(() => {
      // Host-built per-step masks: same shapes at every position, so no shader recompiles.
      const keyMask = new Float32Array(C).fill(MASKED, position + 1); // keys 0..position visible
      const write = new Float32Array(C);
      write[position] = 1;
      const mask = tf.tensor2d(keyMask, [1, C]);
      const writeMask = tf.tensor3d(write, [1, C, 1]);
      const keepMask = tf.sub(1, writeMask);
      const newKeys: tf.Tensor3D[] = [];
      const newValues: tf.Tensor3D[] = [];
      const attend: Attend = (layer, q, k, v) => {
        newKeys[layer] = tf.add(tf.mul(this.keys[layer], keepMask), tf.mul(k, writeMask));
        newValues[layer] = tf.add(tf.mul(this.values[layer], keepMask), tf.mul(v, writeMask));
        return attention(q, newKeys[layer], newValues[layer], mask);
      };
      const positionIndex = tf.tensor1d([position], 'int32');
      const rotary = this.rotaryRows((table) => ({
        cos: tf.gather(table.cos, positionIndex),
        sin: tf.gather(table.sin, positionIndex),
      }));
      const x = this.blocks(this.embedAt(token, position), attend, rotary);
      return { logits: tf.reshape(this.head(x), [this.arch.vocabSize]) as tf.Tensor1D, keys: newKeys, values: newValues };
    });
    this.replaceCache(keys, values);
    this.filled = Math.max(this.filled, position + 1);
    return logits;
  }

  forwardFull(tokens: Int32Array): tf.Tensor2D;
  forwardFull(tokens: Int32Array, position: number): tf.Tensor1D;
  forwardFull(tokens: Int32Array, position?: number): tf.Tensor1D | tf.Tensor2D {
    this.checkTokens(tokens);
    const T = tokens.length;
    if (T > this.capacity) throw new RangeError(`${T} tokens exceed the capacity ${this.capacity}`);
    if (position !== undefined && (!Number.isInteger(position) || position < 0 || position >= T)) {
      throw new RangeError(`position ${position} is outside 0..${T - 1}`);
    }
    return tf.tidy(() => {
      const mask = causalMask(T);
      const attend: Attend = (_layer, q, k, v) => attention(q, k, v, mask);
      const x = this.blocks(this.embedPrefix(tokens), attend, this.rotaryPrefix(T));
      if (position === undefined) return this.head(x);
      const row = tf.slice(x, [position, 0], [1, this.arch.dModel]);
      return tf.reshape(this.head(row), [this.arch.vocabSize]) as tf.Tensor1D;
    });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const t of this.weights.values()) t.dispose();
    this.weights.clear();
    tf.dispose([...this.keys, ...this.values]);
    this.keys = [];
    this.values = [];
    for (const { cos, sin } of this.rotary.values()) tf.dispose([cos, sin]);
    this.rotary.clear();
  }

  // --- forward pieces -------------------------------------------------------------------------

  private w(name: string): tf.Tensor {
    const t = this.weights.get(name);
    if (!t) throw new Error(`internal: weight ${name} missing (model disposed?)`);
    return t;
  }

  private hasWeight = (name: string): boolean => this.weights.has(name);

  /** Token (+ position) embeddings for positions 0..T-1: [T, dModel]. */
  private embedPrefix(tokens: Int32Array): tf.Tensor2D {
    const T = tokens.length;
    const x = this.embedTokens(tf.tensor1d(tokens, 'int32'));
    if (!this.hasWeight('embed.positions')) return x;
    return tf.add(x, tf.slice(this.w('embed.positions'), [this.positionOffset, 0], [T, this.arch.dModel]));
  }

  /** Embedding of one token at `position`: [1, dModel]. */
  private embedAt(token: number, position: number): tf.Tensor2D {
    const x = this.embedTokens(tf.tensor1d([token], 'int32'));
    if (!this.hasWeight('embed.positions')) return x;
    return tf.add(x, tf.gather(this.w('embed.positions'), tf.tensor1d([position + this.positionOffset], 'int32')));
  }

  private embedTokens(ids: tf.Tensor1D): tf.Tensor2D {
    const x = tf.gather(this.w('embed.tokens'), ids) as tf.Tensor2D;
    return this.hasWeight('embed.project_in') ? tf.matMul(x, this.w('embed.project_in') as tf.Tensor2D) : x;
  }

  private rotaryPrefix(T: number): RotaryLookup {
    return this.rotaryRows((table, headDim) => ({
      cos: tf.slice(table.cos, [0, 0], [T, headDim]),
      sin: tf.slice(table.sin, [0, 0], [T, headDim]),
    }));
  }

  /** Lookup that picks rows from each head dimension's table once per call (memoised). */
  private rotaryRows(pick: (table: Rotary, headDim: number) => Rotary): RotaryLookup {
    if (!this.llama) return undefined;
    const rows = new Map<number, Rotary>();
    return (headDim) => {
      let r = rows.get(headDim);
      if (!r) {
        const table = this.rotary.get(headDim);
        if (!table) throw new Error(`internal: no rotary table for head dimension ${headDim}`);
        r = pick(table, headDim);
        rows.set(headDim, r);
      }
      return r;
    };
  }

  private blocks(x: tf.Tensor2D, attend: Attend, rotary: RotaryLookup): tf.Tensor2D {
    let h = x;
    this.arch.layers.forEach((layer, i) => {
      h = this.block(i, layer, h, attend, rotary);
    });
    return h;
  }

  private norm(x: tf.Tensor2D, name: string): tf.Tensor2D {
    if (this.llama) return rmsNorm(x, this.w(`${name}.weight`));
    return layerNorm(x, this.w(`${name}.weight`), this.w(`${name}.bias`));
  }

  private optional = (name: string): tf.Tensor | undefined => this.weights.get(name);

  private block(i: number, layer: LayerSpec, x: tf.Tensor2D, attend: Attend, rotary: RotaryLookup): tf.Tensor2D {
    const d = this.arch.dModel;
    const heads = layer.nHead;
    const kvH = this.kvHeadsOf(layer);
    const headDim = headDimOf(this.arch, layer);
    const kv = kvH * headDim;
    const name = (part: string) => layerWeight(i, part);

    // Attention branch (pre-LN: norm first; OPT post-LN: norm after the residual add).
    const attnIn = this.postNorm ? x : this.norm(x, name('norm1'));
    const qkv = linear(attnIn, this.w(name('attn.qkv.weight')), this.optional(name('attn.qkv.bias')));
    const [q, k, v] = tf.split(qkv, [d, kv, kv], 1) as tf.Tensor2D[];
    let qh = splitHeads(q, heads, headDim);
    let kh = splitHeads(k, kvH, headDim);
    if (rotary) {
      const { cos, sin } = rotary(headDim);
      qh = applyRotary(qh, cos, sin);
      kh = applyRotary(kh, cos, sin);
    }
    qh = tf.mul(qh, 1 / Math.sqrt(headDim));
    const context = attend(i, qh, kh, splitHeads(v, kvH, headDim));
    const attnOut = linear(mergeHeads(context), this.w(name('attn.out.weight')), this.optional(name('attn.out.bias')));
    let h: tf.Tensor2D = tf.add(x, attnOut);
    if (this.postNorm) h = this.norm(h, name('norm1'));

    // Feed-forward branch.
    const ffnIn = this.postNorm ? h : this.norm(h, name('norm2'));
    let hidden: tf.Tensor2D;
    if (this.llama) {
      const [gate, up] = tf.split(linear(ffnIn, this.w(name('ffn.gate_up.weight'))), 2, 1) as tf.Tensor2D[];
      hidden = swiglu(gate, up);
    } else if (this.arch.family === 'opt') {
      hidden = linear(ffnIn, this.w(name('ffn.up.weight')), this.w(name('ffn.up.bias')), 'relu');
    } else {
      hidden = geluTanh(linear(ffnIn, this.w(name('ffn.up.weight')), this.w(name('ffn.up.bias'))));
    }
    const ffnOut = linear(hidden, this.w(name('ffn.down.weight')), this.optional(name('ffn.down.bias')));
    let out: tf.Tensor2D = tf.add(h, ffnOut);
    if (this.postNorm) out = this.norm(out, name('norm2'));
    return out;
  }

  /** Final norm, OPT's project_out and the output head for the given rows: [rows, vocab]. */
  private head(x: tf.Tensor2D): tf.Tensor2D {
    let h = this.hasWeight('final_norm.weight') ? this.norm(x, 'final_norm') : x;
    if (this.hasWeight('embed.project_out')) h = tf.matMul(h, this.w('embed.project_out') as tf.Tensor2D);
    const table = this.optional('head') ?? this.w('embed.tokens');
    return tf.matMul(h, table as tf.Tensor2D, false, true);
  }

  // --- cache and checks -------------------------------------------------------------------------

  private kvHeadsOf(layer: LayerSpec): number {
    return this.llama ? kvHeads(layer) : layer.nHead;
  }

  private padToCapacity(x: tf.Tensor3D): tf.Tensor3D {
    const rest = this.capacity - x.shape[1];
    return rest === 0 ? x : tf.pad(x, [[0, 0], [0, rest], [0, 0]]);
  }

  private replaceCache(keys: tf.Tensor3D[], values: tf.Tensor3D[]): void {
    tf.dispose([...this.keys, ...this.values]);
    this.keys = keys;
    this.values = values;
  }

  private checkTokens(tokens: Int32Array): void {
    if (this.disposed) throw new Error('the model has been disposed');
    if (tokens.length === 0) throw new RangeError('at least one token is needed');
    const V = this.arch.vocabSize;
    for (const t of tokens) {
      if (t < 0 || t >= V) throw new RangeError(`token ${t} is outside the vocabulary 0..${V - 1}`);
    }
  }
}

const headDimOf = (arch: Arch, layer: LayerSpec): number => arch.dModel / layer.nHead;

/** Rejects archs the builder cannot run, with the reason (core's validateArch covers the rest). */
function checkBuildable(arch: Arch, capacity: number): void {
  if (!Number.isInteger(capacity) || capacity < 1 || capacity > arch.contextLength) {
    throw new RangeError(`KV cache capacity ${capacity} must be 1..contextLength ${arch.contextLength}`);
  }
  const errors = validateArch(arch);
  if (errors.length) throw new Error(`invalid arch: ${formatErrors(errors)}`);
  if (arch.family === 'llama') {
    arch.layers.forEach((l, i) => {
      const dim = headDimOf(arch, l);
      if (dim % 2 !== 0) throw new Error(`layers[${i}]: rotary needs an even head dimension, got ${dim}`);
    });
  }
}

/** Builds a decoder for `arch` with seeded random fp32 weights on the current tfjs backend. */
export function buildDecoder(arch: Arch, options: BuildOptions = {}): DecoderModel {
  return new Decoder(arch, options);
}
