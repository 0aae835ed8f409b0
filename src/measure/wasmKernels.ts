// A replacement for tfjs-backend-wasm's Slice kernel (4.22). Its kernel reads the input through
// backend.readSync, which copies the *whole* input out of the wasm heap (HEAPU8.slice) before
// taking the part asked for: slicing 128 rows off GPT-2's [1024, 768] position table took
// 10 ms, one head off a [12, 128, 64] tensor 1.9 ms (Chromium, measured), against microseconds
// for the bytes actually needed. This kernel copies only the slice, from a view on the heap.
// Same results as the original for every dtype it handles (tests/unit/bench/wasmKernels.test.ts);
// strings and scalars still go to the original. Other wasm kernels that slice internally (split,
// unstack, stridedSlice) call the original function directly and are not affected.
import * as tf from '@tensorflow/tfjs';

/** The part of tfjs-backend-wasm's BackendWasm this kernel uses. */
interface WasmBackendLike {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): tf.TypedArray;
}

let installed = false;

/** Copies the block `begin`/`size` of a row-major `shape` array into `out`, innermost runs at a time. */
export function copySlice(
  src: tf.TypedArray,
  shape: readonly number[],
  begin: readonly number[],
  size: readonly number[],
  out: tf.TypedArray,
): void {
  const rank = shape.length;
  const strides = tf.util.computeStrides([...shape]); // rank - 1 entries
  const run = size[rank - 1];
  let rows = 1;
  for (let d = 0; d < rank - 1; d++) rows *= size[d];
  const index = new Array<number>(rank - 1).fill(0);
  let at = 0;
  for (let r = 0; r < rows; r++) {
    let offset = begin[rank - 1];
    for (let d = 0; d < rank - 1; d++) offset += (begin[d] + index[d]) * strides[d];
    out.set(src.subarray(offset, offset + run), at);
    at += run;
    for (let d = rank - 2; d >= 0; d--) {
      if (++index[d] < size[d]) break;
      index[d] = 0;
    }
  }
}

/** Installs the Slice kernel above for the wasm backend. Idempotent; call once tfjs-backend-wasm
 *  is imported (it registers the original kernel on import). */
export function installWasmSliceKernel(): void {
  if (installed) return;
  const original = tf.getKernel('Slice', 'wasm');
  if (!original) return; // the wasm backend module is not loaded: nothing to replace
  installed = true;
  tf.unregisterKernel('Slice', 'wasm');
  tf.registerKernel({
    kernelName: 'Slice',
    backendName: 'wasm',
    kernelFunc: (args) => {
      const x = args.inputs.x as tf.TensorInfo;
      if (x.dtype === 'string' || x.shape.length === 0) return original.kernelFunc(args);
      const { begin, size } = args.attrs as unknown as { begin: number | number[]; size?: number | number[] };
      const [b, s] = tf.slice_util.parseSliceParams(x as tf.Tensor, begin, size);
      const backend = args.backend as unknown as WasmBackendLike;
      const out = backend.makeOutput(s, x.dtype);
      if (tf.util.sizeFromShape(s) === 0) return out;
      // Views taken after makeOutput: an allocation may grow (and so replace) the heap's buffer.
      copySlice(backend.typedArrayFromHeap(x), x.shape, b, s, backend.typedArrayFromHeap(out));
      return out;
    },
  });
}
