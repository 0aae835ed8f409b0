import * as tf from '@tensorflow/tfjs';
import { buildDecoder } from '/work/main/src/bench/model';
import { countParams } from '/work/main/src/core/params';
import type { Arch } from '/work/main/src/core/arch';
await tf.setBackend('cpu');
const archs: Arch[] = [
  { family: 'gpt2', vocabSize: 300, contextLength: 32, dModel: 48, tieEmbeddings: true, layers: [{ nHead: 4, dInner: 96 }, { nHead: 2, dInner: 128 }] },
  { family: 'opt', vocabSize: 300, contextLength: 32, dModel: 48, tieEmbeddings: true, embedDim: 32, normPosition: 'post', layers: [{ nHead: 4, dInner: 96 }, { nHead: 6, dInner: 64 }] },
  { family: 'llama', vocabSize: 300, contextLength: 32, dModel: 64, tieEmbeddings: false, layers: [{ nHead: 4, nKvHead: 2, dInner: 96 }, { nHead: 8, nKvHead: 2, dInner: 128 }] },
];
for (const arch of archs) {
  const base = tf.memory().numTensors;
  const m = buildDecoder(arch, { capacity: 16 });
  console.log(arch.family, m.paramCount(), countParams(arch).total);
  const toks = Int32Array.from({ length: 12 }, (_, i) => (i * 37 + 5) % 300);
  const full = m.forwardFull(toks);
  const fullArr = await full.array();
  let p = m.prefill(toks.slice(0, 5));
  let maxd = 0;
  const cmp = (a: Float32Array, row: number[]) => { for (let j = 0; j < row.length; j++) maxd = Math.max(maxd, Math.abs(a[j] - row[j])); };
  cmp(await p.data() as Float32Array, fullArr[4]); p.dispose();
  for (let t = 5; t < 12; t++) { const o = m.decode(toks[t], t); cmp(await o.data() as Float32Array, fullArr[t]); o.dispose(); }
  const n1 = tf.memory().numTensors;
  console.log('maxdiff', maxd, 'logit std sample', fullArr[11].slice(0,4));
  full.dispose(); m.dispose();
  console.log('tensors', base, n1, tf.memory().numTensors);
}
