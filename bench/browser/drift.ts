// Page side of `npm run bench -- drift`: how this machine's speed moves under one model that is
// built once. Window after window, each decode step is followed by the GEMV reference kernel
// (src/measure/referenceKernels.ts), and a fixed JS loop is timed at the end of each window: if decode and
// GEMV move together while the loop holds, the drift is the memory system's, not the code's or
// the CPU's.
import * as tf from '@tensorflow/tfjs';
import type { Arch } from '../../src/core/arch';
import { median } from '../../src/core/stats';
import { buildDecoder } from '../../src/measure/model';
import { createReference } from '../../src/measure/referenceKernels';
import { sampleTokens } from '../../src/measure/timing';

export interface DriftWindow {
  /** Seconds since the first window started. */
  atS: number;
  /** Each decode step, and the reference call right after it. */
  decodeMs: number[];
  referenceMs: number[];
  /** The fixed JS loop, median of 5 calls at the window's end. */
  loopMs: number;
}

export interface DriftOptions {
  seconds: number;
  windowMs: number;
  tokens: number;
}

/** A fixed scalar loop: 3 million dependent multiply-adds, no memory traffic. */
function loopMs(): number {
  const start = performance.now();
  let x = 1.0001;
  for (let i = 0; i < 3e6; i++) x = x * 1.0000001 + 1e-9;
  if (x === 0) throw new Error('unreachable'); // keeps the loop from being optimised away
  return performance.now() - start;
}

export interface DriftRun {
  reference: string;
  referenceBytes: number;
  windows: DriftWindow[];
}

export async function measureDrift(arch: Arch, { seconds, windowMs, tokens }: DriftOptions): Promise<DriftRun> {
  const model = buildDecoder(arch, { capacity: tokens + 1 });
  const reference = createReference('gemv');
  const read = async (t: tf.Tensor) => {
    try {
      await t.data();
    } finally {
      t.dispose();
    }
  };
  try {
    const ids = sampleTokens(tokens, arch.vocabSize, 2);
    await read(model.prefill(ids));
    const step = async () => {
      const start = performance.now();
      await read(model.decode(ids[0], tokens));
      return performance.now() - start;
    };
    for (let i = 0; i < 5; i++) {
      await step();
      await reference.time();
      loopMs();
    }
    const windows: DriftWindow[] = [];
    const t0 = performance.now();
    while (performance.now() - t0 < seconds * 1000) {
      const w0 = performance.now();
      const d: number[] = [];
      const r: number[] = [];
      while (performance.now() - w0 < windowMs) {
        d.push(await step());
        r.push(await reference.time());
      }
      windows.push({ atS: (w0 - t0) / 1000, decodeMs: d, referenceMs: r, loopMs: median(Array.from({ length: 5 }, loopMs)) });
    }
    return { reference: reference.description, referenceBytes: reference.bytes, windows };
  } finally {
    reference.dispose();
    model.dispose();
  }
}
