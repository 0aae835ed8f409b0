// Two kernels of our own for the CPU-side backends (wasm and cpu), each doing in one dispatch
// what the builder otherwise runs as a chain of tiny tfjs ops:
//   LMFrontierNorm    LayerNorm (GPT-2, OPT, GPT-NeoX) or RMSNorm (Llama) over the last axis:
//                     a decode step's norm is 11 kernels as tfjs ops (LayerNorm: moments, casts,
//                     reshapes, batchNorm; RMSNorm 7), 1 here;
//   LMFrontierRotary  rotary position embedding (rotate_half, partial for GPT-NeoX): 7 or 8
//                     kernels per tensor as ops (two slices, neg, concat, two muls, an add), 1 here.
// Why: a decode step on wasm is mostly dispatch (each tfjs op costs several µs of JS before any
// arithmetic), and these two are cheap arithmetic on a few hundred values per row. Measured in
// Node on wasm, interleaved A/B (6 rounds), on the runtimes bench's archs: decode steps 9 % faster
// at d128 x 3 layers and 2 % at d256 x 15 (GPT-2), 6 % for both as Llama; prefill 0-5 %.
// Kept out: a JavaScript GELU (Math.exp per value is slower than wasm's vectorised sigmoid on a
// prefill's [128, dInner]: prefill 9-34 % slower) and a JavaScript decode attention (4 % slower
// than tfjs's batched matmuls).
// GPU backends (webgl, webgpu) have no such kernels and run the ops (ops.ts asks canRunFused),
// and core/latency.ts counts kernels for both sets. Training records a gradient tape and always
// runs the ops: these kernels have no gradients.
// The arithmetic accumulates in float64 (the ops accumulate in float32): results agree with
// the op chains to float32 rounding (tests/unit/measure/fusedKernels.test.ts).
import * as tf from '@tensorflow/tfjs';

export const NORM_KERNEL = 'LMFrontierNorm';
export const ROTARY_KERNEL = 'LMFrontierRotary';

export interface NormAttrs {
  eps: number;
  /** RMSNorm (no centring, no bias) instead of LayerNorm. */
  rms: boolean;
}

/**
 * Normalises each row of `x` ([rows, n], row-major) into `out`: LayerNorm
 * (x - mean) / sqrt(var + eps) * weight + bias with the biased variance (torch's), or RMSNorm
 * x / sqrt(mean(x^2) + eps) * weight.
 */
export function normRows(
  x: Float32Array,
  n: number,
  weight: Float32Array,
  bias: Float32Array | undefined,
  { eps, rms }: NormAttrs,
  out: Float32Array,
): void {
  const rows = x.length / n;
  for (let r = 0; r < rows; r++) {
    const at = r * n;
    let mean = 0;
    if (!rms) {
      for (let j = 0; j < n; j++) mean += x[at + j];
      mean /= n;
    }
    let squares = 0;
    for (let j = 0; j < n; j++) {
      const c = x[at + j] - mean;
      squares += c * c;
    }
    const scale = 1 / Math.sqrt(squares / n + eps);
    if (bias) for (let j = 0; j < n; j++) out[at + j] = (x[at + j] - mean) * scale * weight[j] + bias[j];
    else for (let j = 0; j < n; j++) out[at + j] = (x[at + j] - mean) * scale * weight[j];
  }
}

/**
 * Rotary embedding of x ([heads, T, headDim]) with per-position rows cos, sin ([T, headDim]) into
 * `out`: x * cos + rotate_half(x) * sin on the first rotDim dims of each head, rotate_half(x) =
 * [-x2, x1] on their two halves (Hugging Face's Llama and GPT-NeoX); dims from rotDim on pass
 * through (the tables hold cos 1 and sin 0 there, see ops.ts rotaryTables).
 */
export function rotate(
  x: Float32Array,
  shape: readonly [number, number, number],
  cos: Float32Array,
  sin: Float32Array,
  rotDim: number,
  out: Float32Array,
): void {
  const [heads, T, headDim] = shape;
  const half = rotDim / 2;
  for (let h = 0; h < heads; h++) {
    for (let t = 0; t < T; t++) {
      const at = (h * T + t) * headDim;
      const row = t * headDim;
      for (let j = 0; j < half; j++) {
        const x1 = x[at + j];
        const x2 = x[at + j + half];
        out[at + j] = x1 * cos[row + j] - x2 * sin[row + j];
        out[at + j + half] = x2 * cos[row + j + half] + x1 * sin[row + j + half];
      }
      for (let j = rotDim; j < headDim; j++) out[at + j] = x[at + j];
    }
  }
}

/** The parts of the wasm and cpu backends a kernel here uses to read inputs and make its output. */
interface Io {
  read(t: tf.TensorInfo): Float32Array;
  /** A new float32 output of `shape` (its values through read). */
  output(shape: number[]): tf.TensorInfo;
}

interface WasmBackendLike {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): tf.TypedArray;
}

interface CpuBackendLike {
  readSync(dataId: tf.DataId): tf.backend_util.BackendValues;
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: tf.backend_util.BackendValues): tf.TensorInfo;
}

const IO: Record<'wasm' | 'cpu', (backend: unknown) => Io> = {
  wasm: (backend) => {
    const b = backend as WasmBackendLike;
    return {
      read: (t) => b.typedArrayFromHeap(t) as Float32Array,
      output: (shape) => b.makeOutput(shape, 'float32'),
    };
  },
  cpu: (backend) => {
    const b = backend as CpuBackendLike;
    return {
      read: (t) => b.readSync(t.dataId) as Float32Array,
      output: (shape) => b.makeTensorInfo(shape, 'float32', new Float32Array(tf.util.sizeFromShape(shape))),
    };
  },
};

function checkFloat(kernel: string, inputs: tf.NamedTensorInfoMap): void {
  for (const [name, t] of Object.entries(inputs)) {
    if (t && t.dtype !== 'float32') throw new Error(`internal: ${kernel} input ${name} is ${t.dtype}, not float32`);
  }
}

type Inputs = Record<string, tf.TensorInfo | undefined>;
/** A kernel's arithmetic: its inputs' values through `read`, its output (x's shape) in `out`. */
type Compute = (read: (t: tf.TensorInfo) => Float32Array, inputs: Inputs, attrs: tf.NamedAttrMap, out: Float32Array) => void;

const need = (inputs: Inputs, name: string): tf.TensorInfo => {
  const t = inputs[name];
  if (!t) throw new Error(`internal: kernel input ${name} missing`);
  return t;
};

const KERNELS: Record<string, Compute> = {
  [NORM_KERNEL]: (read, inputs, attrs, out) => {
    const x = need(inputs, 'x');
    const bias = inputs.bias;
    normRows(read(x), x.shape[x.shape.length - 1], read(need(inputs, 'weight')), bias && read(bias), attrs as unknown as NormAttrs, out);
  },
  [ROTARY_KERNEL]: (read, inputs, attrs, out) => {
    const x = need(inputs, 'x');
    const shape = x.shape as [number, number, number];
    rotate(read(x), shape, read(need(inputs, 'cos')), read(need(inputs, 'sin')), (attrs as { rotDim: number }).rotDim, out);
  },
};

/** Registers both kernels for wasm and cpu, those not registered yet (so idempotent, and a test
 *  that unregisters them to count the ops path can put them back). Registering for a backend
 *  that has not started yet is fine: tfjs keys kernels by backend name. */
export function installFusedKernels(): void {
  for (const backendName of ['wasm', 'cpu'] as const) {
    for (const [kernelName, compute] of Object.entries(KERNELS)) {
      if (tf.getKernel(kernelName, backendName)) continue;
      tf.registerKernel({
        kernelName,
        backendName,
        kernelFunc: ({ inputs, attrs, backend }) => {
          checkFloat(kernelName, inputs);
          const io = IO[backendName](backend);
          // Every view is taken after the output is made: a wasm allocation may grow (and so
          // replace) the heap's buffer, detaching views taken before it.
          const out = io.output([...need(inputs, 'x').shape]);
          compute(io.read, inputs, attrs ?? {}, io.read(out));
          return out;
        },
      });
    }
  }
}

/** Whether ops run outside a gradient tape (every timed pass: prefill, decode, the full
 *  recompute), where kernels without a gradient may run. Training (src/measure/train.ts) records a
 *  tape and gets the plain ops, whose gradients tfjs defines. */
export const untaped = (): boolean => tf.engine().state.gradientDepth === 0;

/** Whether `kernel` runs here: the current backend has it and no gradient tape is recording. */
export const canRunFused = (kernel: string): boolean => untaped() && tf.getKernel(kernel, tf.getBackend()) !== undefined;
