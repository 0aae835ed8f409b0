// Static-shape KV cache writes. A cache is [kvHeads, capacity, headDim] per layer and per K/V;
// every write produces a whole new tensor of that shape (tfjs has no in-place update), but with
// the same shapes at every position, so GPU backends compile each program once.
import * as tf from '@tensorflow/tfjs';

/**
 * How a decode step writes its new key/value row into the cache:
 *   'scatter'  tf.tensorScatterUpdate, one kernel (default). Measured in Node on a [12, 129, 64]
 *              cache: 0.14 ms on wasm and 0.1 ms on cpu.
 *   'mask'     cache * (1 - onehot) + row * onehot, three broadcasting elementwise kernels, no
 *              scatter: 1.6 ms on wasm and 35 ms on cpu (slow broadcast paths), kept as a fallback
 *              for a GPU driver whose scatter misbehaves.
 */
export type CacheWriteMode = 'scatter' | 'mask';
export const CACHE_WRITE_MODES: readonly CacheWriteMode[] = ['scatter', 'mask'];

/** Returns `cache` with `row` ([kvHeads, 1, headDim]) written at the step's position. */
export type CacheWrite = (cache: tf.Tensor3D, row: tf.Tensor3D) => tf.Tensor3D;

/**
 * A writer for one decode step at `position`. Its index or mask tensors are made here, so call
 * it outside the per-block tidies (a tensor made inside one block's tidy dies with that block).
 * `kvHeadCounts` lists the distinct kvHeads of the layers (heterogeneous GQA).
 */
export function cacheWriter(mode: CacheWriteMode, capacity: number, position: number, kvHeadCounts: Iterable<number>): CacheWrite {
  if (mode === 'mask') {
    const write = new Float32Array(capacity);
    write[position] = 1;
    const writeMask = tf.tensor3d(write, [1, capacity, 1]);
    const keepMask = tf.sub(1, writeMask);
    return (cache, row) => tf.add(tf.mul(cache, keepMask), tf.mul(row, writeMask));
  }
  // Indices [[0, position], [1, position], ...]: one (head, position) pair per kv head.
  const indices = new Map<number, tf.Tensor2D>();
  for (const heads of kvHeadCounts) {
    if (indices.has(heads)) continue;
    const pairs = Int32Array.from({ length: 2 * heads }, (_, i) => (i % 2 === 0 ? i / 2 : position));
    indices.set(heads, tf.tensor2d(pairs, [heads, 2], 'int32'));
  }
  return (cache, row) => {
    const [heads, , headDim] = cache.shape;
    const index = indices.get(heads);
    if (!index) throw new Error(`internal: no scatter indices for ${heads} kv heads`);
    return tf.tensorScatterUpdate(cache, index, tf.reshape(row, [heads, headDim]));
  };
}

/** Pads the keys/values of a prefill ([kvHeads, T, headDim]) to the cache's static length. */
export function padToCapacity(x: tf.Tensor3D, capacity: number): tf.Tensor3D {
  const rest = capacity - x.shape[1];
  return rest === 0
    ? x
    : tf.pad(x, [
        [0, 0],
        [0, rest],
        [0, 0],
      ]);
}
