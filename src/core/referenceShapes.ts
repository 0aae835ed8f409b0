// What the paired-timing reference kernels (src/measure/referenceKernels.ts, which explains them)
// are: their kinds, sizes per backend and the bytes they keep alive. Pure, so the memory guard and
// the CLI can count them before tfjs loads.

export type ReferenceKind = 'gemv' | 'matmul';

export interface ReferenceInfo {
  readonly kind: ReferenceKind;
  /** What one call reads and computes: weight bytes streamed, and FLOPs. */
  readonly bytes: number;
  readonly flops: number;
  /** One line, e.g. "GEMV [1 x 1024] x [1024 x 4096], 4 matrices (67.1 MB)". */
  readonly description: string;
}

export interface ReferenceShape {
  /** Rows of the input: 1 for a GEMV, T for a prefill-shaped matmul. */
  rows: number;
  /** d of [rows x d] x [d x 4d]. */
  d: number;
  /** Weight matrices cycled through, one call each per time(). */
  matrices: number;
}

/** Sizes per backend: about 2-10 ms a call on wasm here; the pure-JS cpu backend does about
 *  1 GFLOP/s, so its references are small (and then measure its compute, not memory). */
export function referenceShape(kind: ReferenceKind, backend: string): ReferenceShape {
  const cpu = backend === 'cpu';
  if (kind === 'gemv') return cpu ? { rows: 1, d: 256, matrices: 2 } : { rows: 1, d: 1024, matrices: 4 };
  return cpu ? { rows: 32, d: 128, matrices: 1 } : { rows: 128, d: 512, matrices: 1 };
}

export const REFERENCE_BYTES_PER_VALUE = 4;

/** Bytes a reference keeps alive: its weights and input (fp32), before any packed copy. */
export const referenceResidentBytes = ({ rows, d, matrices }: ReferenceShape): number =>
  REFERENCE_BYTES_PER_VALUE * (matrices * d * 4 * d + rows * d);

/** Bytes the references of a paired measurement keep alive on `backend`: the matmul during prefill,
 *  then the GEMV during decode (measureArch frees one before making the other). */
export const pairedReferenceBytes = (backend: string): number =>
  Math.max(referenceResidentBytes(referenceShape('matmul', backend)), referenceResidentBytes(referenceShape('gemv', backend)));
