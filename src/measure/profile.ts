// Device-profile micro-benchmarks for core's analytic latency (a roofline per kernel):
//   gflops    best sustained matmul throughput over a few square sizes;
//   gbps      bandwidth of a [1 x d] x [d x 4d] GEMV, i.e. reading a weight matrix once, which is
//             what bounds a decode step (an elementwise add is measured too and reported). The
//             GEMV cycles through several matrices so the working set exceeds the last-level
//             cache: with one 16 MB matrix, wasm in Node showed 49 GB/s (cache), while a GPT-2
//             decode step, which streams 500 MB of weights, runs at about 4 GB/s;
//   overhead  per-kernel cost from a dependent chain of tiny ops, after a long warm-up: the
//             first few thousand tiny ops in a fresh backend run 10-15x slower while V8 tiers
//             up tfjs's dispatch code (wasm in Node: a chain of 200 adds timed 56-71 us per op
//             right after start, 4-5.5 us after 4,000 ops; per op the median is ~5 us, the p99
//             ~65 us), and the app calibrates in a fresh worker. With 1 warm-up chain and 3
//             timed ones, the app's Calibrate and the latency bench's start profile had read
//             44-84 us/kernel on wasm here, while the controls timed later in the same run read
//             5-6 us, the figure that fits measured decode steps (bench/README.md, Latency).
// Matmuls go through tf.fused.matMul, the kernel the model builder uses: on wasm, plain
// tf.matMul repacks its weight matrix for XNNPACK whenever the operand changes (measured: a
// GEMV cycling through 8 matrices took 26 ms with tf.matMul and 1.6 ms with tf.fused.matMul).
// Each measurement runs the op `reps` times back to back and reads the last result once, so the
// GPU readback (milliseconds on WebGL) is paid once per batch, not once per op. Sizes are
// parameters: the pure-JS cpu backend does about 1 GFLOP/s, so its defaults are small.
import * as tf from '@tensorflow/tfjs';
import { MEASURED_LABEL_PREFIX, type DeviceProfile } from '../core/latency';
import { median } from '../core/stats';
import { deviceInfo } from './device';
import { describeDevice } from '../core/deviceInfo';

export interface ProfileOptions {
  /** Square matmul sizes n (n x n times n x n). */
  matmulSizes?: number[];
  /** d of the [1 x d] x [d x 4d] GEMV. */
  gemvDim?: number;
  /** Distinct GEMV weight matrices cycled through (working set = count x 16 d^2 bytes). */
  gemvMatrices?: number;
  /** Elements of each operand of the elementwise add. */
  elementwiseSize?: number;
  /** Length of the dependent chain of tiny ops. */
  tinyOps?: number;
  /** Untimed chains before the overhead is timed (V8 tiers up tfjs's dispatch meanwhile). */
  overheadWarmupChains?: number;
  /** Timed pairs of a long and a one-op chain for the overhead (the median is kept). */
  overheadChains?: number;
  /** Each batch repeats its op until it lasts about this long. */
  minBatchMs?: number;
  /** Batches per measurement (the median is kept). */
  batches?: number;
  signal?: AbortSignal;
}

export interface ProfileDetails {
  backend: string;
  matmul: { n: number; ms: number; gflops: number }[];
  gemv: { d: number; matrices: number; ms: number; gbps: number; gflops: number };
  elementwise: { elements: number; ms: number; gbps: number };
  overhead: { ops: number; msPerKernel: number };
  totalMs: number;
}

export type MeasuredProfile = DeviceProfile & { details: ProfileDetails };

const BYTES = 4;

function defaults(backend: string): Required<Omit<ProfileOptions, 'signal'>> {
  const cpu = backend === 'cpu';
  return {
    matmulSizes: cpu ? [64, 128, 256] : [256, 512, 1024],
    gemvDim: cpu ? 256 : 1024,
    gemvMatrices: cpu ? 2 : 8, // 2 MB for the compute-bound cpu backend, else 128 MB
    elementwiseSize: cpu ? 1 << 18 : 1 << 22,
    tinyOps: cpu ? 100 : 200,
    overheadWarmupChains: 20,
    overheadChains: 30,
    minBatchMs: cpu ? 30 : 50,
    batches: 3,
  };
}

/** Milliseconds per call of `op`, median over batches. `op` returns a tensor this disposes. */
async function msPerOp(op: () => tf.Tensor, minBatchMs: number, batches: number, signal?: AbortSignal): Promise<number> {
  const batch = async (reps: number): Promise<number> => {
    signal?.throwIfAborted();
    const start = performance.now();
    let last: tf.Tensor | undefined;
    for (let i = 0; i < reps; i++) {
      last?.dispose(); // safe on GPU backends: disposal waits for queued work that reads it
      last = op();
    }
    await last?.data();
    last?.dispose();
    return (performance.now() - start) / reps;
  };
  await batch(1); // compile / warm-up
  const single = await batch(1);
  const reps = Math.max(1, Math.min(1000, Math.ceil(minBatchMs / Math.max(single, 1e-3))));
  const times: number[] = [];
  for (let i = 0; i < batches; i++) times.push(await batch(reps));
  return median(times);
}

/** Per-kernel overhead: a chain of `ops` dependent tiny adds versus a chain of one, timed
 *  `pairs` times after `warmup` untimed chains; the median of the per-pair estimates. */
async function kernelOverheadMs(ops: number, warmup: number, pairs: number, signal?: AbortSignal): Promise<number> {
  const seed = tf.ones([4]);
  try {
    const chain = async (length: number): Promise<number> => {
      signal?.throwIfAborted();
      const start = performance.now();
      let x: tf.Tensor = tf.add(seed, 1);
      for (let i = 1; i < length; i++) {
        const y = tf.add(x, 1);
        x.dispose();
        x = y;
      }
      await x.data();
      x.dispose();
      return performance.now() - start;
    };
    for (let i = 0; i < Math.max(1, warmup); i++) await chain(ops); // compile, JIT tier-up
    const perOp: number[] = [];
    for (let i = 0; i < pairs; i++) {
      const long = await chain(ops);
      perOp.push((long - (await chain(1))) / (ops - 1));
    }
    return Math.max(0, median(perOp));
  } finally {
    seed.dispose();
  }
}

/** Runs the micro-benchmarks on the current backend and returns a labelled DeviceProfile. */
export async function measureDeviceProfile(options: ProfileOptions = {}): Promise<MeasuredProfile> {
  const backend = tf.getBackend();
  const o = { ...defaults(backend), ...options };
  const started = performance.now();
  const { minBatchMs, batches, signal } = o;
  const owned: tf.Tensor[] = [];
  const keep = <T extends tf.Tensor>(t: T): T => {
    owned.push(t);
    return t;
  };
  try {
    const overheadMs = await kernelOverheadMs(o.tinyOps, o.overheadWarmupChains, Math.max(1, o.overheadChains), signal);

    const matmul: ProfileDetails['matmul'] = [];
    for (const n of o.matmulSizes) {
      const a = keep(tf.randomNormal([n, n], 0, 1, 'float32', 1));
      const b = keep(tf.randomNormal([n, n], 0, 1, 'float32', 2));
      const ms = await msPerOp(() => tf.fused.matMul({ a, b }), minBatchMs, batches, signal);
      matmul.push({ n, ms, gflops: (2 * n ** 3) / (ms * 1e6) });
    }

    const d = o.gemvDim;
    const x = keep(tf.randomNormal([1, d], 0, 1, 'float32', 3));
    // Filled on the device (values do not matter for bandwidth): no host-side 128 MB upload.
    const mats = Array.from({ length: o.gemvMatrices }, (_, i) => keep(tf.fill([d, 4 * d], 0.001 * (i + 1))));
    // First use of a weight packs it for XNNPACK on wasm (tens of ms): touch every matrix once
    // so the timed calls measure streaming the weights, as a model's decode steps do.
    for (const m of mats) {
      const out = tf.fused.matMul({ a: x, b: m as tf.Tensor2D });
      await out.data();
      out.dispose();
    }
    let next = 0;
    const gemvMs = await msPerOp(
      () => tf.fused.matMul({ a: x, b: mats[next++ % mats.length] as tf.Tensor2D }),
      minBatchMs,
      batches,
      signal,
    );
    // The launch overhead is not bandwidth: take it out, but never claim more than 10x speed-up.
    const gemvBusy = Math.max(gemvMs - overheadMs, gemvMs / 10);
    const gemvBytes = BYTES * (d * 4 * d + d + 4 * d);
    const gemv = { d, matrices: mats.length, ms: gemvMs, gbps: gemvBytes / (gemvBusy * 1e6), gflops: (2 * d * 4 * d) / (gemvMs * 1e6) };

    const n = o.elementwiseSize;
    const u = keep(tf.randomUniform([n], 0, 1, 'float32', 5));
    const v = keep(tf.randomUniform([n], 0, 1, 'float32', 6));
    const addMs = await msPerOp(() => tf.add(u, v), minBatchMs, batches, signal);
    const addBusy = Math.max(addMs - overheadMs, addMs / 10);
    const elementwise = { elements: n, ms: addMs, gbps: (3 * BYTES * n) / (addBusy * 1e6) };

    const gflops = Math.max(...matmul.map((m) => m.gflops));
    const info = await deviceInfo();
    const label =
      `${MEASURED_LABEL_PREFIX}${describeDevice(info)}: ${gflops.toPrecision(3)} GFLOP/s (matmul), ` +
      `${gemv.gbps.toPrecision(3)} GB/s (GEMV), ${(overheadMs * 1000).toPrecision(3)} µs/kernel`;
    return {
      gflops,
      gbps: gemv.gbps,
      overheadMsPerKernel: overheadMs,
      label,
      details: {
        backend,
        matmul,
        gemv,
        elementwise,
        overhead: { ops: o.tinyOps, msPerKernel: overheadMs },
        totalMs: performance.now() - started,
      },
    };
  } finally {
    tf.dispose(owned);
  }
}
