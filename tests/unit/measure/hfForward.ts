// A naive, loop-by-loop forward pass written from Hugging Face's modelling code (GPT2LMHeadModel,
// OPTForCausalLM, LlamaForCausalLM, Qwen2ForCausalLM, GPTNeoXForCausalLM), in float64 plain
// arrays, reading the builder's weights. Independent of src/measure/ops.ts: it checks the
// families' semantics (norm placement, position offset, rotary convention and share, GQA head
// mapping, parallel residual, activations), which the cache-vs-full test cannot.
import type { DecoderModel } from '../../../src/measure/model';

type Vec = number[];
type Mat = number[][];

export function referenceLogits(model: DecoderModel, tokens: Int32Array): Mat {
  const arch = model.arch;
  const W = (name: string): Mat => model.weight(name)!.arraySync() as Mat;
  const B = (name: string): Vec | undefined => model.weight(name)?.arraySync() as Vec | undefined;
  const llama = arch.family === 'llama';
  const neox = arch.family === 'neox';
  const rotaryPositions = llama || neox;
  const post = arch.family === 'opt' && arch.normPosition === 'post';
  // rms_norm_eps and rope_theta as the Hugging Face configs set them: Llama (TinyLlama, SmolLM)
  // 1e-5 and 10000, Qwen2 (Qwen2.5, llama with q/k/v biases here) 1e-6 and 1e6; GPT-NeoX 10000.
  const qwen2 = llama && arch.qkvBias === true;
  const rmsEps = qwen2 ? 1e-6 : 1e-5;
  const theta = qwen2 ? 1e6 : 1e4;

  const matvec = (x: Vec, w: Mat, b?: Vec): Vec => w[0].map((_, j) => x.reduce((acc, xi, i) => acc + xi * w[i][j], b ? b[j] : 0));
  const norm = (x: Vec, prefix: string): Vec => {
    const g = B(`${prefix}.weight`)!;
    if (llama) {
      const rms = Math.sqrt(x.reduce((a, v) => a + v * v, 0) / x.length + rmsEps);
      return x.map((v, i) => (v / rms) * g[i]);
    }
    const b = B(`${prefix}.bias`)!;
    const mean = x.reduce((a, v) => a + v, 0) / x.length;
    const variance = x.reduce((a, v) => a + (v - mean) ** 2, 0) / x.length;
    return x.map((v, i) => ((v - mean) / Math.sqrt(variance + 1e-5)) * g[i] + b[i]);
  };
  const gelu = (v: number) => 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3)));
  /** erf by its Maclaurin series (float64: about 1e-9 for |x| < 4, where it is used), 1 beyond. */
  const erf = (x: number): number => {
    if (Math.abs(x) >= 4) return Math.sign(x);
    let term = x;
    let sum = x;
    for (let n = 1; n < 80; n++) {
      term *= (-x * x) / n;
      sum += term / (2 * n + 1);
    }
    return (2 / Math.sqrt(Math.PI)) * sum;
  };
  /** torch's exact GELU (GPT-NeoX hidden_act "gelu"): x * Phi(x). */
  const geluExact = (v: number) => 0.5 * v * (1 + erf(v / Math.SQRT2));
  const silu = (v: number) => v / (1 + Math.exp(-v));
  /** HF apply_rotary_pos_emb with rotate_half on one head vector at position t. GPT-NeoX rotates
   *  the first rotary_ndims = int(head_size * rotary_pct) dims (query_rot) and concatenates the rest
   *  (query_pass) back unchanged. */
  const rotary = (x: Vec, t: number): Vec => {
    const dims = neox ? Math.trunc(x.length * 0.25) : x.length;
    const half = dims / 2;
    const rot = x.slice(0, dims).map((v, i) => {
      const freq = Math.pow(theta, (-2 * (i % half)) / dims);
      const rotated = i < half ? -x[i + half] : x[i - half];
      return v * Math.cos(t * freq) + rotated * Math.sin(t * freq);
    });
    return [...rot, ...x.slice(dims)];
  };

  const table = W('embed.tokens');
  const T = tokens.length;
  // Embeddings (OPT: project_in, then positions at row t + 2).
  let xs: Mat = Array.from(tokens, (tok, t) => {
    let x = table.map((row) => row[tok]); // the builder stores the table [width, vocab]
    const projectIn = model.weight('embed.project_in') && W('embed.project_in');
    if (projectIn) x = matvec(x, projectIn);
    if (!rotaryPositions) {
      const row = W('embed.positions')[t + (arch.family === 'opt' ? 2 : 0)];
      x = x.map((v, i) => v + row[i]);
    }
    return x;
  });

  arch.layers.forEach((layer, l) => {
    const p = (s: string) => `layers.${l}.${s}`;
    const heads = layer.nHead;
    const kvHeads = llama ? (layer.nKvHead ?? heads) : heads;
    const hd = arch.dModel / heads;
    const attend = (input: Mat): Mat => {
      const q = input.map((x) => matvec(x, W(p('attn.q.weight')), B(p('attn.q.bias'))));
      const k = input.map((x) => matvec(x, W(p('attn.k.weight')), B(p('attn.k.bias'))));
      const v = input.map((x) => matvec(x, W(p('attn.v.weight')), B(p('attn.v.bias'))));
      const out: Mat = input.map(() => new Array(arch.dModel).fill(0));
      for (let h = 0; h < heads; h++) {
        const j = Math.floor(h / (heads / kvHeads)); // HF repeat_kv: query head h reads kv head h // group
        const qh = q.map((row, t) => (rotaryPositions ? rotary(row.slice(h * hd, (h + 1) * hd), t) : row.slice(h * hd, (h + 1) * hd)));
        const kh = k.map((row, t) => (rotaryPositions ? rotary(row.slice(j * hd, (j + 1) * hd), t) : row.slice(j * hd, (j + 1) * hd)));
        for (let t = 0; t < T; t++) {
          const scores = kh.slice(0, t + 1).map((kr) => kr.reduce((a, kv, i) => a + kv * qh[t][i], 0) / Math.sqrt(hd));
          const max = Math.max(...scores);
          const e = scores.map((s) => Math.exp(s - max));
          const z = e.reduce((a, b) => a + b, 0);
          for (let s = 0; s <= t; s++) {
            for (let i = 0; i < hd; i++) out[t][h * hd + i] += (e[s] / z) * v[s][j * hd + i];
          }
        }
      }
      return out.map((x) => matvec(x, W(p('attn.out.weight')), B(p('attn.out.bias'))));
    };
    const ffn = (x: Vec): Vec => {
      let hidden: Vec;
      if (llama) {
        const gate = matvec(x, W(p('ffn.gate.weight')));
        const up = matvec(x, W(p('ffn.up.weight')));
        hidden = gate.map((g, i) => silu(g) * up[i]);
      } else {
        const pre = matvec(x, W(p('ffn.up.weight')), B(p('ffn.up.bias')));
        hidden = pre.map(arch.family === 'opt' ? (v) => Math.max(0, v) : neox ? geluExact : gelu);
      }
      return matvec(hidden, W(p('ffn.down.weight')), B(p('ffn.down.bias')));
    };
    const add = (a: Mat, b: Mat) => a.map((row, t) => row.map((v, i) => v + b[t][i]));
    if (neox) {
      // GPTNeoXLayer with use_parallel_residual: mlp(ln2(x)) + attn(ln1(x)) + x, both from x.
      const a = attend(xs.map((x) => norm(x, p('norm1'))));
      const m = xs.map((x) => ffn(norm(x, p('norm2'))));
      xs = xs.map((x, t) => x.map((v, i) => m[t][i] + a[t][i] + v));
    } else if (post) {
      // OPT do_layer_norm_before=False: residual add, then LayerNorm, for both sub-blocks.
      xs = add(xs, attend(xs)).map((x) => norm(x, p('norm1')));
      xs = add(xs, xs.map(ffn)).map((x) => norm(x, p('norm2')));
    } else {
      xs = add(xs, attend(xs.map((x) => norm(x, p('norm1')))));
      xs = add(
        xs,
        xs.map((x) => ffn(norm(x, p('norm2')))),
      );
    }
  });

  return xs.map((x) => {
    let h = post ? x : norm(x, 'final_norm');
    if (model.weight('embed.project_out')) h = matvec(h, W('embed.project_out'));
    const head = model.weight('head') ? W('head') : table; // [width, vocab] either way
    return matvec(h, head);
  });
}
