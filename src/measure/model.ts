// A decoder built from a core `Arch` with seeded random fp32 weights, in plain tfjs ops
// (families as Hugging Face implements them: see forward.ts). Three entry points:
//   prefill(tokens)         positions 0..T-1, fills the KV cache, logits of the last position [V]
//                           (core's FLOP convention: the head runs for the last position only).
//   decode(token, position) one token against the cache, logits [V].
//   forwardFull(tokens)     recomputes everything without the cache (the correctness reference).
// The KV cache is preallocated at a fixed capacity and every decode step has the same shapes
// (a masked write into the full cache, attention over all `capacity` keys with a mask), so
// WebGL/WebGPU compile each shader once instead of once per position.
import * as tf from '@tensorflow/tfjs';
import { ropeTheta, rotaryDims, type Arch } from '../core/arch';
import { formatErrors, validateArch } from '../core/validate';
import { embedTokens, headDimOf, kvHeadsOf, outputHead, runBlocks, type Attend, type Rotary, type RotaryLookup } from './forward';
import { cacheWriter, padToCapacity, type CacheWriteMode } from './kvcache';
import { MASKED, attention, causalMask, rotaryTables, type AttentionMode } from './ops';
import { fillWeight, positionRowOffset, weightSpecs } from '../core/weights';

export interface BuildOptions {
  /** KV cache length (static). Default arch.contextLength; the timing uses T + 1. */
  capacity?: number;
  /** Seed of the random weights. Default 1. */
  seed?: number;
  /** How decode writes the KV cache (see kvcache.ts). Default 'scatter'. */
  cacheWrite?: CacheWriteMode;
  /** How prefill and the full recompute run attention (see ops.ts). Default 'per-head' on the
   *  wasm backend, 'batched' elsewhere. A decode step (one query row) always runs 'batched'. */
  attention?: AttentionMode;
  /** Called after each weight tensor is made, with how many of how many: a big model's build
   *  takes seconds (filling the random values), and its progress can be shown. */
  onWeight?: (built: number, of: number) => void;
}

/** The attention mode for multi-token passes on the backend running now. */
export const defaultAttentionMode = (): AttentionMode => (tf.getBackend() === 'wasm' ? 'per-head' : 'batched');

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
  /** Name and shape of every allocated weight tensor, in allocation order. */
  describeWeights(): { name: string; shape: number[] }[];
  /** A weight by name (see weights.ts), for inspection; owned by the model, do not dispose. */
  weight(name: string): tf.Tensor | undefined;
  /** Frees every tensor the model owns (weights, rotary tables, KV cache). Idempotent. */
  dispose(): void;
}

class Decoder implements DecoderModel {
  readonly capacity: number;
  private readonly weights = new Map<string, tf.Tensor>();
  /** Full rotary tables [capacity, headDim], one per distinct head dimension (llama, neox). */
  private readonly rotary = new Map<number, Rotary>();
  private keys: tf.Tensor3D[] = [];
  private values: tf.Tensor3D[] = [];
  /** Positions 0..filled-1 hold valid keys/values. */
  private filled = 0;
  private disposed = false;
  /** Rotary positions (llama, neox) instead of a learned table. */
  private readonly rotaryPositions: boolean;
  /** First row of the position table used by position 0 (OPT keeps HF's offset of 2). */
  private readonly positionOffset: number;
  private readonly cacheWrite: CacheWriteMode;
  private readonly attentionMode: AttentionMode;

  constructor(
    readonly arch: Arch,
    options: BuildOptions,
  ) {
    this.capacity = options.capacity ?? arch.contextLength;
    this.rotaryPositions = arch.family === 'llama' || arch.family === 'neox';
    this.positionOffset = positionRowOffset(arch);
    this.cacheWrite = options.cacheWrite ?? 'scatter';
    this.attentionMode = options.attention ?? defaultAttentionMode();
    checkBuildable(arch, this.capacity);
    const state = { seed: options.seed ?? 1 };
    try {
      const specs = weightSpecs(arch);
      for (const spec of specs) {
        this.weights.set(spec.name, tf.tensor(fillWeight(spec, state), spec.shape, 'float32'));
        options.onWeight?.(this.weights.size, specs.length);
      }
      if (this.rotaryPositions) {
        for (const layer of arch.layers) {
          const dim = headDimOf(arch, layer);
          if (!this.rotary.has(dim)) this.rotary.set(dim, rotaryTables(this.capacity, dim, rotaryDims(arch, dim), ropeTheta(arch)));
        }
      }
      for (const layer of arch.layers) {
        const shape: [number, number, number] = [kvHeadsOf(arch, layer), this.capacity, headDimOf(arch, layer)];
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

  weight(name: string): tf.Tensor | undefined {
    return this.weights.get(name);
  }

  describeWeights(): { name: string; shape: number[] }[] {
    return [...this.weights].map(([name, t]) => ({ name, shape: [...t.shape] }));
  }

  prefill(tokens: Int32Array): tf.Tensor1D {
    this.checkTokens(tokens);
    const T = tokens.length;
    if (T > this.capacity) throw new RangeError(`prefill of ${T} tokens exceeds the KV cache capacity ${this.capacity}`);
    const logits = this.writeCache((keys, values) => {
      const mask = causalMask(T);
      const attend: Attend = (layer, q, k, v) => {
        // The cache is empty before a prefill, so attend to the new keys only (T x T, the
        // square core/memory counts) and pad them to the cache's static length for decode.
        keys[layer] = tf.keep(padToCapacity(k, this.capacity));
        values[layer] = tf.keep(padToCapacity(v, this.capacity));
        return attention(q, k, v, mask, this.attentionMode);
      };
      const x = runBlocks(this.arch, this.weights, this.embedPrefix(tokens), attend, this.rotaryPrefix(T));
      const last = tf.slice(x, [T - 1, 0], [1, this.arch.dModel]);
      return tf.reshape(outputHead(this.arch, this.weights, last), [this.arch.vocabSize]) as tf.Tensor1D;
    });
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
    const logits = this.writeCache((keys, values) => {
      // Host-built per-step inputs: same shapes at every position, so no shader recompiles.
      const keyMask = new Float32Array(C).fill(MASKED, position + 1); // keys 0..position visible
      const mask = tf.tensor2d(keyMask, [1, C]);
      const write = cacheWriter(
        this.cacheWrite,
        C,
        position,
        this.arch.layers.map((l) => kvHeadsOf(this.arch, l)),
      );
      const attend: Attend = (layer, q, k, v) => {
        keys[layer] = tf.keep(write(this.keys[layer], k));
        values[layer] = tf.keep(write(this.values[layer], v));
        return attention(q, keys[layer], values[layer], mask);
      };
      const positionIndex = tf.tensor1d([position], 'int32');
      const rotary = this.rotaryRows((table) => ({
        cos: tf.gather(table.cos, positionIndex),
        sin: tf.gather(table.sin, positionIndex),
      }));
      const x = runBlocks(this.arch, this.weights, this.embedAt(token, position), attend, rotary);
      return tf.reshape(outputHead(this.arch, this.weights, x), [this.arch.vocabSize]) as tf.Tensor1D;
    });
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
      const attend: Attend = (_layer, q, k, v) => attention(q, k, v, mask, this.attentionMode);
      const x = runBlocks(this.arch, this.weights, this.embedPrefix(tokens), attend, this.rotaryPrefix(T));
      if (position === undefined) return outputHead(this.arch, this.weights, x);
      const row = tf.slice(x, [position, 0], [1, this.arch.dModel]);
      return tf.reshape(outputHead(this.arch, this.weights, row), [this.arch.vocabSize]) as tf.Tensor1D;
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

  // --- inputs --------------------------------------------------------------------------------

  /** Token (+ position) embeddings for positions 0..T-1: [T, dModel]. */
  private embedPrefix(tokens: Int32Array): tf.Tensor2D {
    const x = embedTokens(this.weights, tf.tensor1d(tokens, 'int32'));
    const table = this.weights.get('embed.positions');
    return table ? tf.add(x, tf.slice(table, [this.positionOffset, 0], [tokens.length, this.arch.dModel])) : x;
  }

  /** Embedding of one token at `position`: [1, dModel]. */
  private embedAt(token: number, position: number): tf.Tensor2D {
    const x = embedTokens(this.weights, tf.tensor1d([token], 'int32'));
    const table = this.weights.get('embed.positions');
    return table ? tf.add(x, tf.gather(table, tf.tensor1d([position + this.positionOffset], 'int32'))) : x;
  }

  private rotaryPrefix(T: number): RotaryLookup {
    return this.rotaryRows((table, headDim) => ({
      cos: tf.slice(table.cos, [0, 0], [T, headDim]),
      sin: tf.slice(table.sin, [0, 0], [T, headDim]),
    }));
  }

  /** Rotary rows for this call, picked from each head dimension's table up front (not lazily:
   *  a row made inside one block's tidy would be freed before the next block reads it). */
  private rotaryRows(pick: (table: Rotary, headDim: number) => Rotary): RotaryLookup {
    if (!this.rotaryPositions) return undefined;
    const rows = new Map<number, Rotary>();
    for (const [headDim, table] of this.rotary) rows.set(headDim, pick(table, headDim));
    return (headDim) => {
      const r = rows.get(headDim);
      if (!r) throw new Error(`internal: no rotary table for head dimension ${headDim}`);
      return r;
    };
  }

  // --- cache and checks -------------------------------------------------------------------------

  /**
   * Runs a forward that writes the KV cache. Its attend callback tf.keep()s the new cache tensors
   * so they outlive the tidies; they replace the old cache on success and are freed on failure.
   */
  private writeCache(forward: (keys: tf.Tensor3D[], values: tf.Tensor3D[]) => tf.Tensor1D): tf.Tensor1D {
    const keys: tf.Tensor3D[] = [];
    const values: tf.Tensor3D[] = [];
    let logits: tf.Tensor1D;
    try {
      logits = tf.tidy(() => forward(keys, values));
    } catch (err) {
      tf.dispose([...keys, ...values]);
      throw err;
    }
    this.replaceCache(keys, values);
    return logits;
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
  if (arch.family === 'neox') {
    // An odd int(headDim / 4) gives HF's cos/sin one column more than the dims they rotate (its
    // forward fails); 0 would leave attention without positions, which this builder does not run.
    arch.layers.forEach((l, i) => {
      const dim = headDimOf(arch, l);
      const rot = rotaryDims(arch, dim);
      if (rot === 0 || rot % 2 !== 0) {
        throw new Error(`layers[${i}]: rotary needs an even int(headDim / 4) of at least 2, got ${rot} (head dimension ${dim})`);
      }
    });
  }
}

/** Builds a decoder for `arch` with seeded random fp32 weights on the current tfjs backend. */
export function buildDecoder(arch: Arch, options: BuildOptions = {}): DecoderModel {
  return new Decoder(arch, options);
}
