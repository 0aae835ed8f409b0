// Training one decoder in tfjs for the proxy validation lab. The weights are tf.variables laid out
// and initialised exactly as the measured builder's (core/weights.ts: weightSpecs + fillWeight),
// and the forward runs through the builder's own functions (forward.ts: embedTokens, runBlocks,
// outputHead; ops.ts: attention with causalMask), so the model trained is the model timed. The
// one difference: the token lookup is a one-hot matmul (embedTokens' 'one-hot', same values),
// since tf.gather has no gradient kernel on tfjs-backend-wasm.
// A batch of B sequences of T tokens runs as one [B*T, dModel] activation matrix: every row-wise
// op (projections, norms, FFN, head) is already batch-agnostic, and attention folds the batch
// into its head axis (B*heads heads over T keys each, see batchedAttend), so sequences never
// attend to each other and no attention work is wasted on masked cross-sequence pairs.
// Loss: mean softmax cross-entropy over every predicted position (T per sequence). Optimiser:
// Adam (tf.train.adam, its default betas and epsilon), constant learning rate, no weight decay,
// no dropout, no gradient clipping.
import * as tf from '@tensorflow/tfjs';
import { ropeTheta, rotaryDims, type Arch } from '../core/arch';
import { makeRng } from '../core/random';
import { sampleBatch } from '../core/corpus';
import { formatErrors, validateArch } from '../core/validate';
import { fillWeight, positionRowOffset, weightSpecs } from '../core/weights';
import { embedTokens, headDimOf, outputHead, runBlocks, type Attend, type Rotary, type RotaryLookup } from './forward';
import { defaultAttentionMode } from './model';
import { attention, causalMask, rotaryTables, type AttentionMode } from './ops';

// --- fast transposed matmuls on wasm, while training only ------------------------------------
//
// Backpropagation through x @ W needs dy @ W^T and x^T @ dy: matmuls with transposeB or
// transposeA. tfjs-backend-wasm 4.22 sends only untransposed matmuls to XNNPACK and runs the
// others in a scalar loop: in Node on this project's 2-core VM, a^T b for [512, 128] x [512, 512]
// took 32 ms against 2.5 ms for an explicit Transpose kernel plus the untransposed matmul (the
// same for b W^T), and a training step of a 4-layer, width-128 model went from 1.1 s to about a
// tenth of that. So while a training step or a held-out score runs (synchronously, inside
// `withFastTransposes`), batch-1 transposed matmuls on wasm are rewritten that way. Outside those
// calls the replacement kernel hands every call to the original unchanged: the measured builder
// (whose decode attention does use transposeB) is timed as before.

/** The part of tfjs-backend-wasm's BackendWasm used here. */
interface WasmBackendLike {
  disposeData(dataId: tf.DataId, force?: boolean): boolean;
}

let fastTransposeDepth = 0;
let fastTransposeInstalled = false;

const batchOf = (t: tf.TensorInfo): number => t.shape.slice(0, -2).reduce((a, b) => a * b, 1);

function installFastTransposes(): void {
  if (fastTransposeInstalled) return;
  const original = tf.getKernel('BatchMatMul', 'wasm');
  const transpose = tf.getKernel('Transpose', 'wasm');
  if (!original || !transpose) return; // wasm not loaded: nothing to do
  fastTransposeInstalled = true;
  tf.unregisterKernel('BatchMatMul', 'wasm');
  tf.registerKernel({
    ...original,
    kernelFunc: (args) => {
      const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
      const { transposeA, transposeB } = args.attrs as unknown as { transposeA: boolean; transposeB: boolean };
      if (fastTransposeDepth === 0 || (!transposeA && !transposeB) || batchOf(a) !== 1 || batchOf(b) !== 1) {
        return original.kernelFunc(args);
      }
      const backend = args.backend as unknown as WasmBackendLike;
      const swapLast = (t: tf.TensorInfo): tf.TensorInfo => {
        const perm = t.shape.map((_, i) => i);
        [perm[perm.length - 2], perm[perm.length - 1]] = [perm[perm.length - 1], perm[perm.length - 2]];
        return transpose.kernelFunc({ inputs: { x: t }, backend: args.backend, attrs: { perm } }) as tf.TensorInfo;
      };
      const at = transposeA ? swapLast(a) : a;
      const bt = transposeB ? swapLast(b) : b;
      try {
        return original.kernelFunc({ ...args, inputs: { a: at, b: bt }, attrs: { ...args.attrs, transposeA: false, transposeB: false } });
      } finally {
        if (at !== a) backend.disposeData(at.dataId);
        if (bt !== b) backend.disposeData(bt.dataId);
      }
    },
  });
}

/** Runs `f` (synchronous tfjs work) with the fast transposed matmuls on wasm. */
export function withFastTransposes<T>(f: () => T): T {
  if (tf.getBackend() === 'wasm') installFastTransposes();
  fastTransposeDepth++;
  try {
    return f();
  } finally {
    fastTransposeDepth--;
  }
}

export interface TrainableOptions {
  /** Seed of the initial weights (fillWeight's stream, as buildDecoder's `seed`). */
  seed: number;
  /** Tokens per sequence: the positions the learned table and rotary tables cover. */
  seqLen: number;
  /** Attention kernels for the batch (see ops.ts); default as the builder picks for the backend. */
  attention?: AttentionMode;
}

/** Rejects archs the trainer cannot run, with the reason (as measure/model.ts's builder does). */
function checkTrainable(arch: Arch, seqLen: number): void {
  const errors = validateArch(arch);
  if (errors.length) throw new Error(`invalid arch: ${formatErrors(errors)}`);
  if (!Number.isInteger(seqLen) || seqLen < 1 || seqLen > arch.contextLength) {
    throw new RangeError(`sequence length ${seqLen} must be 1..contextLength ${arch.contextLength}`);
  }
  arch.layers.forEach((l, i) => {
    const dim = headDimOf(arch, l);
    const rot = rotaryDims(arch, dim);
    if ((arch.family === 'llama' || arch.family === 'neox') && (rot === 0 || rot % 2 !== 0)) {
      throw new Error(`layers[${i}]: rotary needs an even number of rotated dims, got ${rot} (head dimension ${dim})`);
    }
  });
}

/** A decoder whose weights are trainable variables. Call its tensor methods inside tf.tidy. */
export class TrainableDecoder {
  readonly weights = new Map<string, tf.Variable>();
  readonly seqLen: number;
  private readonly rotary = new Map<number, Rotary>();
  private mask: tf.Tensor2D | undefined;
  private readonly attentionMode: AttentionMode;
  private disposed = false;

  constructor(
    readonly arch: Arch,
    options: TrainableOptions,
  ) {
    this.seqLen = options.seqLen;
    this.attentionMode = options.attention ?? defaultAttentionMode();
    checkTrainable(arch, this.seqLen);
    const state = { seed: options.seed };
    try {
      for (const spec of weightSpecs(arch)) {
        // tf.variable shares the initial tensor's data and counts a reference: free the tensor.
        const initial = tf.tensor(fillWeight(spec, state), spec.shape, 'float32');
        this.weights.set(spec.name, tf.variable(initial));
        initial.dispose();
      }
      if (arch.family === 'llama' || arch.family === 'neox') {
        for (const layer of arch.layers) {
          const dim = headDimOf(arch, layer);
          if (!this.rotary.has(dim)) this.rotary.set(dim, rotaryTables(this.seqLen, dim, rotaryDims(arch, dim), ropeTheta(arch)));
        }
      }
      this.mask = causalMask(this.seqLen);
    } catch (err) {
      this.dispose();
      throw err;
    }
  }

  /** Parameters allocated (the sum of the variables' sizes). */
  paramCount(): number {
    let n = 0;
    for (const v of this.weights.values()) n += v.size;
    return n;
  }

  /** Variables in allocation order (the optimiser's list). */
  variables(): tf.Variable[] {
    return [...this.weights.values()];
  }

  /**
   * Logits [B*T, vocab] for `inputs`, B sequences of T tokens flattened row by row (T <= seqLen).
   * Intermediates are freed by runBlocks' per-block tidies and the caller's tidy.
   */
  logits(inputs: Int32Array, batch: number): tf.Tensor2D {
    if (this.disposed) throw new Error('the model has been disposed');
    const T = inputs.length / batch;
    if (!Number.isInteger(T) || T < 1 || T > this.seqLen)
      throw new RangeError(`${inputs.length} tokens do not make ${batch} sequences of 1..${this.seqLen}`);
    const d = this.arch.dModel;
    let x = embedTokens(this.weights, tf.tensor1d(inputs, 'int32'), 'one-hot');
    const table = this.weights.get('embed.positions');
    if (table) {
      const rows = tf.slice(table, [positionRowOffset(this.arch), 0], [T, d]);
      x = tf.add(x, batch === 1 ? rows : tf.tile(rows, [batch, 1]));
    }
    const full = this.mask!; // set by the constructor, cleared only by dispose (checked above)
    const mask = T === this.seqLen ? full : tf.slice(full, [0, 0], [T, T]);
    const h = runBlocks(this.arch, this.weights, x, batchedAttend(batch, T, mask, this.attentionMode), this.rotaryRows(batch, T));
    return outputHead(this.arch, this.weights, h);
  }

  /**
   * Mean next-token cross-entropy (nats) of `windows`: B rows of T + 1 tokens, each predicting its
   * tokens 1..T from the ones before. Returns a scalar; call inside tf.tidy or a gradient function.
   */
  loss(windows: Int32Array, batch: number): tf.Scalar {
    const span = windows.length / batch;
    const T = span - 1;
    const inputs = new Int32Array(batch * T);
    const targets = new Int32Array(batch * T);
    for (let b = 0; b < batch; b++) {
      inputs.set(windows.subarray(b * span, b * span + T), b * T);
      targets.set(windows.subarray(b * span + 1, (b + 1) * span), b * T);
    }
    const logits = this.logits(inputs, batch);
    const logProbs = tf.logSoftmax(logits);
    const picked = tf.sum(tf.mul(logProbs, tf.cast(tf.oneHot(tf.tensor1d(targets, 'int32'), this.arch.vocabSize), 'float32')), -1);
    return tf.neg(tf.mean(picked)) as tf.Scalar;
  }

  /** Frees the variables and tables. Idempotent. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const v of this.weights.values()) v.dispose();
    this.weights.clear();
    for (const { cos, sin } of this.rotary.values()) tf.dispose([cos, sin]);
    this.rotary.clear();
    this.mask?.dispose(); // unset when the constructor failed early
    this.mask = undefined;
  }

  /** Rotary rows for B sequences of T positions, [B*T, headDim], made up front (a row made inside
   *  one block's tidy would be freed before the next block reads it; see model.ts rotaryRows). */
  private rotaryRows(batch: number, T: number): RotaryLookup {
    if (this.rotary.size === 0) return undefined;
    const rows = new Map<number, Rotary>();
    const pick = (t: tf.Tensor2D, headDim: number): tf.Tensor2D => {
      const part = T === this.seqLen ? t : tf.slice(t, [0, 0], [T, headDim]);
      return batch === 1 ? part : tf.tile(part, [batch, 1]);
    };
    for (const [headDim, table] of this.rotary) rows.set(headDim, { cos: pick(table.cos, headDim), sin: pick(table.sin, headDim) });
    return (headDim) => {
      const r = rows.get(headDim);
      if (!r) throw new Error(`internal: no rotary table for head dimension ${headDim}`);
      return r;
    };
  }
}

/**
 * Attention for B sequences in one [heads, B*T, headDim] tensor: the batch is folded into the head
 * axis ([B*heads, T, headDim], sequence b's head h at b*heads + h) and ops.ts's attention runs
 * over it with the T x T causal mask. Query head b*heads + h reads kv head
 * floor((b*heads + h) / group) = b*kvHeads + floor(h / group): its own sequence's group, as
 * grouped-query attention wants. The merged [T, B*heads*headDim] context goes back to [B*T, d].
 */
export function batchedAttend(batch: number, T: number, mask: tf.Tensor2D, mode: AttentionMode): Attend {
  const fold = (t: tf.Tensor3D): tf.Tensor3D => {
    if (batch === 1) return t;
    const [heads, , headDim] = t.shape;
    return tf.reshape(tf.transpose(tf.reshape(t, [heads, batch, T, headDim]), [1, 0, 2, 3]), [batch * heads, T, headDim]);
  };
  return (_layer, q, k, v) => {
    const context = attention(fold(q), fold(k), fold(v), mask, mode); // [T, B * heads * headDim]
    if (batch === 1) return context;
    const width = context.shape[1] / batch;
    return tf.reshape(tf.transpose(tf.reshape(context, [T, batch, width]), [1, 0, 2]), [batch * T, width]);
  };
}

export interface TrainSteps {
  steps: number;
  batchSize: number;
  learningRate: number;
  /** Seed of the batch order (sampleBatch's rng). */
  batchSeed: number;
  /** Called after every step with its 0-based index and loss; awaited (a chance to yield). */
  onStep?: (step: number, loss: number) => void | Promise<void>;
  /** Checked before every step: an aborted signal stops training with its reason. */
  signal?: AbortSignal;
}

/** Throws the signal's reason (an AbortError DOMException by default) when it is aborted. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason ?? new DOMException('the run was stopped', 'AbortError');
}

/** Adam on the training bytes for `steps` steps; returns the loss of every step (nats per token).
 *  Frees the optimiser's moments, also when stopped or failing. */
export async function train(model: TrainableDecoder, tokens: Uint8Array, opts: TrainSteps): Promise<number[]> {
  const rng = makeRng(opts.batchSeed);
  const optimizer = tf.train.adam(opts.learningRate);
  const variables = model.variables();
  const losses: number[] = [];
  try {
    for (let step = 0; step < opts.steps; step++) {
      throwIfAborted(opts.signal);
      const batch = sampleBatch(tokens, opts.batchSize, model.seqLen, rng);
      const cost = withFastTransposes(() => optimizer.minimize(() => model.loss(batch, opts.batchSize), true, variables));
      if (!cost) throw new Error('internal: the optimiser returned no loss');
      const loss = (await cost.data())[0];
      cost.dispose();
      if (!Number.isFinite(loss)) throw new Error(`training diverged at step ${step + 1}: the loss is ${loss}`);
      losses.push(loss);
      await opts.onStep?.(step, loss);
    }
  } finally {
    optimizer.dispose();
  }
  return losses;
}

/** Held-out windows scored per call: bounds the [rows, vocab] logits alive at once. */
const EVAL_CHUNK = 16;

/** Mean cross-entropy (nats per token) over every predicted position of the held-out windows
 *  (each seqLen + 1 tokens, see core/corpus.ts evalWindows). */
export async function heldOutLoss(model: TrainableDecoder, windows: readonly Int32Array[], signal?: AbortSignal): Promise<number> {
  let total = 0;
  let count = 0;
  for (let i = 0; i < windows.length; i += EVAL_CHUNK) {
    throwIfAborted(signal);
    const chunk = windows.slice(i, i + EVAL_CHUNK);
    const flat = new Int32Array(chunk.reduce((n, w) => n + w.length, 0));
    chunk.forEach((w, j) => flat.set(w, j * w.length));
    const mean = withFastTransposes(() => tf.tidy(() => model.loss(flat, chunk.length)));
    const value = (await mean.data())[0];
    mean.dispose();
    const predicted = flat.length - chunk.length;
    total += value * predicted;
    count += predicted;
  }
  return total / count;
}
