// The candidate architecture: a decoder-only language model, as plain structured-clone data.
// Families follow Hugging Face's modelling code so that parameter counts match `num_parameters()`:
//   gpt2  — GPT2LMHeadModel: pre-LayerNorm, GELU MLP, learned positions, biases everywhere, final LN.
//   opt   — OPTForCausalLM: learned positions with an offset of 2 rows, biases everywhere, optional
//           word-embedding projection (OPT-350M: word_embed_proj_dim 512 vs hidden 1024) and
//           post-LayerNorm (do_layer_norm_before=false, which also drops the final LayerNorm).
//   llama — LlamaForCausalLM: RMSNorm, SwiGLU MLP (gate, up, down), rotary positions (no table),
//           grouped-query attention through nKvHead, no biases, tied or untied output head.
//           With qkvBias it is Qwen2ForCausalLM (Qwen2Attention: q/k/v projections with bias, o_proj
//           without).
//   neox  — GPTNeoXForCausalLM (Pythia): LayerNorm before attention and before the MLP, both read
//           the block's input (use_parallel_residual: x + attn(ln1(x)) + mlp(ln2(x))), rotary on the
//           first rotary_pct = 1/4 of each head's dims (no table), biases everywhere, exact-erf GELU
//           MLP, final LayerNorm, output head embed_out untied (Pythia) or tied.

export type Family = 'gpt2' | 'opt' | 'llama' | 'neox';
/** Link codecs store a family as its index here: append only, never reorder. */
export const FAMILIES: readonly Family[] = ['gpt2', 'opt', 'llama', 'neox'];

/** Families whose output head may be untied (GPT-2 and OPT always tie theirs in Hugging Face). */
export const canUntie = (family: Family): boolean => family === 'llama' || family === 'neox';

/** GPT-NeoX's rotary_pct (Pythia's, and GPTNeoXConfig's default): the share of each head's
 *  dimensions that rotary rotates. Other values are refused when a config is read. */
export const NEOX_ROTARY_PCT = 0.25;

export interface LayerSpec {
  nHead: number;
  /** Key/value heads (llama grouped-query attention). Defaults to nHead; must equal it elsewhere. */
  nKvHead?: number;
  /** Hidden width of the feed-forward block (n_inner / ffn_dim / intermediate_size). */
  dInner: number;
}

export interface Arch {
  family: Family;
  vocabSize: number;
  /** Maximum positions: the learned position table's size (gpt2, opt) and the KV cache length. */
  contextLength: number;
  dModel: number;
  /** Output head shares the token table (gpt2 and opt always do in Hugging Face; llama and neox may not). */
  tieEmbeddings: boolean;
  layers: LayerSpec[];
  /** opt only: word_embed_proj_dim when it differs from dModel (adds project_in / project_out). */
  embedDim?: number;
  /** opt only: 'post' is do_layer_norm_before=false (OPT-350M): LayerNorm after each residual
   *  add and no final LayerNorm. Default 'pre'. */
  normPosition?: 'pre' | 'post';
  /** llama only: biases on the q, k and v projections (Qwen2; o_proj stays without). Absent = none. */
  qkvBias?: true;
}

export const kvHeads = (layer: LayerSpec): number => layer.nKvHead ?? layer.nHead;
export const headDim = (arch: Arch, layer: LayerSpec): number => arch.dModel / layer.nHead;
/** Width of the K (and of the V) projection output of a layer (dModel without grouped-query attention). */
export const kvDim = (arch: Arch, layer: LayerSpec): number =>
  arch.family === 'llama' ? (arch.dModel / layer.nHead) * kvHeads(layer) : arch.dModel;

/** Dimensions of each head that rotary rotates: all of them for llama, the first
 *  int(head_size * rotary_pct) for neox (GPTNeoXAttention.rotary_ndims), none with learned positions. */
export function rotaryDims(arch: Arch, headDim: number): number {
  if (arch.family === 'llama') return headDim;
  if (arch.family === 'neox') return Math.floor(headDim * NEOX_ROTARY_PCT);
  return 0;
}

/** Rotary base (rope_theta) and RMSNorm epsilon of a llama-family arch, as the Hugging Face configs
 *  of our presets set them: Llama (TinyLlama-1.1B, SmolLM-135M: rope_theta 10000, rms_norm_eps
 *  1e-5) and Qwen2, llama with q/k/v biases here (Qwen2.5-0.5B: 1e6, 1e-6). GPT-NeoX's rotary
 *  base (rotary_emb_base) is 10000 too. The builder, the ONNX graphs and the exported configs all
 *  read these, so a config.json describes the model its files compute. */
export const ropeTheta = (arch: Arch): number => (arch.family === 'llama' && arch.qkvBias ? 1_000_000 : 10_000);
export const rmsNormEps = (arch: Arch): number => (arch.qkvBias ? 1e-6 : 1e-5);

/** The Hugging Face model_type an arch is: its family's, but gpt_neox for neox and qwen2 for llama
 *  with q/k/v biases (core/hfconfig.ts writes configs of these types). */
export type HfModelType = 'gpt2' | 'opt' | 'llama' | 'qwen2' | 'gpt_neox';
export const hfModelType = (arch: Arch): HfModelType =>
  arch.family === 'neox' ? 'gpt_neox' : arch.family === 'llama' && arch.qkvBias ? 'qwen2' : arch.family;

/** True when every layer has the same nHead, nKvHead and dInner. */
export function isHomogeneous(arch: Arch): boolean {
  const [first] = arch.layers;
  return arch.layers.every((l) => l.nHead === first.nHead && kvHeads(l) === kvHeads(first) && l.dInner === first.dInner);
}

/** Canonical key: identical archs give identical keys (dedup, URLs). Compact for runs of equal layers. */
export function archKey(arch: Arch): string {
  const llama = arch.family === 'llama';
  const parts: string[] = [];
  let prev = '';
  let run = 0;
  const flush = () => {
    if (run > 0) parts.push(run > 1 ? `${prev}*${run}` : prev);
  };
  for (const l of arch.layers) {
    const s = llama ? `${l.nHead}.${kvHeads(l)}.${l.dInner}` : `${l.nHead}.${l.dInner}`;
    if (s === prev) run++;
    else {
      flush();
      prev = s;
      run = 1;
    }
  }
  flush();
  let head = `${arch.family}:v${arch.vocabSize}:c${arch.contextLength}:d${arch.dModel}:${arch.tieEmbeddings ? 't' : 'u'}`;
  if (arch.family === 'opt') {
    if (arch.embedDim !== undefined && arch.embedDim !== arch.dModel) head += `:e${arch.embedDim}`;
    if (arch.normPosition === 'post') head += ':post';
  }
  if (arch.family === 'llama' && arch.qkvBias) head += ':qkvb';
  return `${head}|${parts.join(',')}`;
}

const posInt = (s: string | undefined): number | null => (s !== undefined && /^\d+$/.test(s) && Number(s) > 0 ? Number(s) : null);

/** The inverse of core's archKey; null for anything that does not round-trip exactly. */
export function parseArchKey(key: string): Arch | null {
  const [head, body, ...rest] = key.split('|');
  if (body === undefined || rest.length) return null;
  const h = head.split(':');
  const family = h[0] as Family;
  if (!FAMILIES.includes(family) || h.length < 5) return null;
  const vocabSize = posInt(h[1].slice(1));
  const contextLength = posInt(h[2].slice(1));
  const dModel = posInt(h[3].slice(1));
  if (!vocabSize || !contextLength || !dModel || (h[4] !== 't' && h[4] !== 'u')) return null;
  const arch: Arch = { family, vocabSize, contextLength, dModel, tieEmbeddings: h[4] === 't', layers: [] };
  for (const extra of h.slice(5)) {
    if (family === 'opt' && extra === 'post') arch.normPosition = 'post';
    else if (family === 'opt' && extra.startsWith('e') && posInt(extra.slice(1))) arch.embedDim = Number(extra.slice(1));
    else if (family === 'llama' && extra === 'qkvb') arch.qkvBias = true;
    else return null;
  }
  for (const part of body.split(',')) {
    const [spec, times = '1'] = part.split('*');
    const n = posInt(times);
    const nums = spec.split('.').map((x) => posInt(x));
    if (!n || nums.some((x) => x === null) || nums.length !== (family === 'llama' ? 3 : 2)) return null;
    const v = nums as number[];
    const layer: LayerSpec = family === 'llama' ? { nHead: v[0], nKvHead: v[1], dInner: v[2] } : { nHead: v[0], dInner: v[1] };
    for (let i = 0; i < n; i++) arch.layers.push({ ...layer });
  }
  return archKey(arch) === key ? arch : null;
}

/** A homogeneous arch in one call (tests, presets, enumeration). */
export function homogeneous(base: Omit<Arch, 'layers'>, nLayer: number, layer: LayerSpec): Arch {
  return { ...base, layers: Array.from({ length: nLayer }, () => ({ ...layer })) };
}

/** One-line human summary: "12L d768 h12 ffn3072" or "16L d512 h2-8 ffn1019-1987". */
export function archSummary(arch: Arch): string {
  const range = (xs: number[]) => {
    const lo = Math.min(...xs);
    const hi = Math.max(...xs);
    return lo === hi ? `${lo}` : `${lo}-${hi}`;
  };
  const heads = range(arch.layers.map((l) => l.nHead));
  const kv = arch.family === 'llama' ? `/kv${range(arch.layers.map(kvHeads))}` : '';
  return `${arch.layers.length}L d${arch.dModel} h${heads}${kv} ffn${range(arch.layers.map((l) => l.dInner))}`;
}
