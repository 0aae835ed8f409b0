// One matmul, y = x W + b, timed in both runtimes on the backends selected (the runtimes bench:
// wasm, one thread each): tfjs through the builder's own `linear` (src/measure/ops.ts, the
// _FusedMatMul kernel, XNNPACK on wasm) and ONNX Runtime Web through a one-node-pair graph
// (MatMul, Add: what core/onnx writes for a linear layer). It separates the GEMM kernels from the
// rest of a forward pass: a prefill at T = 128 spends most of its time in these shapes, so a
// runtime whose GEMM is slower cannot match the other's prefill, however few its other kernels.
// Interleaved per shape (tfjs, ORT, ORT, tfjs); each run ends with the result on the host.
import * as tf from '@tensorflow/tfjs';
import { median } from '../../src/core/stats';
import { concatBytes } from '../../src/core/onnx/protobuf';
import { GraphBuilder } from '../../src/core/onnx/graph';
import { DataType, floatTensor, modelProto } from '../../src/core/onnx/onnxProto';
import { linear } from '../../src/measure/ops';
import { selectedOrt } from '../../src/ort/runtime';

export interface GemmOptions {
  /** [M, K, N] each: x [M, K] times W [K, N]. */
  shapes: [number, number, number][];
  runs: number;
  warmup: number;
}

export interface GemmRow {
  shape: [number, number, number];
  tfjsMs: number;
  ortMs: number;
  tfjsGflops: number;
  ortGflops: number;
  /** tfjs's speed as a fraction of ORT's on this one matmul. */
  tfjsSpeedVsOrt: number;
}

const filled = (n: number, seed: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(seed + i * 0.37) * 0.05);

function linearModel(k: number, n: number): Uint8Array {
  const g = new GraphBuilder();
  const w = g.initializer(floatTensor(filled(k * n, 2), [k, n], 'w'));
  const b = g.initializer(floatTensor(filled(n, 3), [n], 'b'));
  g.op('Add', [g.op('MatMul', ['x', w]), b], undefined, 'y');
  const graph = g.build(
    'linear',
    [{ name: 'x', elemType: DataType.FLOAT, dims: ['M', k] }],
    [{ name: 'y', elemType: DataType.FLOAT, dims: ['M', n] }],
  );
  return concatBytes(modelProto({ graph, producerName: 'lm-frontier bench' }).parts());
}

async function times(run: () => Promise<void>, { runs, warmup }: GemmOptions): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await run();
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await run();
    out.push(performance.now() - start);
  }
  return out;
}

export async function gemmTimes(options: GemmOptions): Promise<GemmRow[]> {
  const { ort, backend } = selectedOrt();
  const rows: GemmRow[] = [];
  for (const shape of options.shapes) {
    const [m, k, n] = shape;
    const x = filled(m * k, 1);
    const tx = tf.tensor2d(x, [m, k]);
    const tw = tf.tensor2d(filled(k * n, 2), [k, n]);
    const tb = tf.tensor1d(filled(n, 3));
    const session = await ort.InferenceSession.create(linearModel(k, n), { executionProviders: [backend], logSeverityLevel: 3 });
    const feed = { x: new ort.Tensor('float32', x, [m, k]) };
    try {
      const tfjsRun = async () => {
        const y = tf.tidy(() => linear(tx, tw, tb));
        await y.data();
        y.dispose();
      };
      const ortRun = async () => {
        const out = await session.run(feed);
        await out.y.getData();
        out.y.dispose();
      };
      const tfjs = [...(await times(tfjsRun, options))];
      const ortMs = [...(await times(ortRun, options)), ...(await times(ortRun, options))];
      tfjs.push(...(await times(tfjsRun, options)));
      const flops = 2 * m * k * n;
      const t = median(tfjs);
      const o = median(ortMs);
      rows.push({ shape, tfjsMs: t, ortMs: o, tfjsGflops: flops / (t * 1e6), ortGflops: flops / (o * 1e6), tfjsSpeedVsOrt: o / t });
    } finally {
      tf.dispose([tx, tw, tb]);
      await session.release();
    }
  }
  return rows;
}
