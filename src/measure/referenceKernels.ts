// Reference kernels for paired timing. On a shared machine the speed of memory moves under a
// benchmark: here (2-core cloud VM, `npm run bench -- drift`) one GPT-2 8 x 512 model, built
// once, had 2-second decode medians from 9.5 to 16.6 ms over two minutes; a GEMV timed right
// after each decode step swung with it (2.0 to 3.8 ms), while a fixed JS loop timed alongside
// stayed at 5.1 ms in all but a few windows: the memory system drifts, not the CPU (bench/README.md,
// Drift, has that run and the latest). Timing a fixed reference kernel right after
// every timed run gives, per run, a figure the drift cancels out of: workload / reference, or
// the workload moved to a common reference time (driftCorrection.ts). `npm run bench -- drift`
// shows both.
//   gemv    reading weights once, [1 x d] x [d x 4d] over several matrices (more than the last
//           level cache holds), the kernel that bounds a decode step;
//   matmul  a prefill-shaped [T x d] x [d x 4d], compute-bound like a prefill.
// Both go through tf.fused.matMul, as the model builder does (see profile.ts for why).
import * as tf from '@tensorflow/tfjs';
import {
  REFERENCE_BYTES_PER_VALUE as BYTES,
  referenceShape,
  type ReferenceInfo,
  type ReferenceKind,
  type ReferenceShape,
} from '../core/referenceShapes';

export interface ReferenceKernel extends ReferenceInfo {
  /** Runs the kernel once, waits for its output, returns ms. */
  time(): Promise<number>;
  dispose(): void;
}

export function createReference(kind: ReferenceKind, shape: ReferenceShape = referenceShape(kind, tf.getBackend())): ReferenceKernel {
  const { rows, d, matrices } = shape;
  const x = tf.randomNormal([rows, d], 0, 1, 'float32', 7) as tf.Tensor2D;
  // Filled on the device: the values do not matter, and a host-side upload of 64 MB would.
  const weights = Array.from({ length: matrices }, (_, i) => tf.fill([d, 4 * d], 0.001 * (i + 1)) as tf.Tensor2D);
  const weightBytes = BYTES * d * 4 * d;
  let disposed = false;
  const name = kind === 'gemv' ? 'GEMV' : 'matmul';
  return {
    kind,
    bytes: matrices * weightBytes,
    flops: matrices * 2 * rows * d * 4 * d,
    description:
      `${name} [${rows} x ${d}] x [${d} x ${4 * d}]${matrices > 1 ? `, ${matrices} matrices` : ''}` +
      ` (${((matrices * weightBytes) / 1e6).toFixed(1)} MB)`,
    async time() {
      if (disposed) throw new Error('reference kernel used after dispose');
      const start = performance.now();
      let last: tf.Tensor | undefined;
      for (const w of weights) {
        last?.dispose(); // safe on GPU backends: disposal waits for queued work that reads it
        last = tf.fused.matMul({ a: x, b: w });
      }
      try {
        await last!.data();
      } finally {
        last!.dispose();
      }
      return performance.now() - start;
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      x.dispose();
      for (const w of weights) w.dispose();
    },
  };
}
