// Genomes: an arch as indices into a space's choice lists, so that mutation can take ordinal
// steps (one notch of dModel, a few of dInner) and every operator ends in `repair`, which makes
// any genome obey the space's rules. A heterogeneous genome always carries max(nLayer) layer
// genes; only the first nLayer are expressed, so depth changes keep the deeper genes.
import { canUntie, FAMILIES, type Arch, type LayerSpec } from './arch';
import { LIMITS } from './validate';
import type { SearchSpace } from './space';

export interface LayerGene {
  h: number;
  f: number;
  kv: number;
}
export interface Genome {
  l: number;
  d: number;
  layers: LayerGene[];
}

/** Space with derived lookups, built once per search. Plain data. */
export interface CompiledSpace {
  space: SearchSpace;
  /** Valid nHead indices per dModel index. */
  heads: number[][];
  /** Smallest valid dInner index per dModel index. */
  minF: number[];
  /** Valid nKvHead indices per nHead index (llama); [0] placeholder otherwise. */
  kvs: number[][];
  layerGenes: number;
  llama: boolean;
}

export interface SpaceError {
  field: string;
  message: string;
}

const isSortedPositiveInts = (xs: unknown): xs is number[] =>
  Array.isArray(xs) && xs.length > 0 && xs.every((x, i) => Number.isInteger(x) && x > 0 && (i === 0 || x > xs[i - 1]));

/** "64, 65, 66 and 1,200 more": the first few of a list of numbers. */
const someOf = (xs: readonly number[], shown = 3): string =>
  xs.length <= shown ? xs.join(', ') : `${xs.slice(0, shown).join(', ')} and ${(xs.length - shown).toLocaleString('en-US')} more`;

export function validateSpace(space: SearchSpace): SpaceError[] {
  const errors: SpaceError[] = [];
  if (!FAMILIES.includes(space.family)) {
    errors.push({ field: 'family', message: `family must be one of ${FAMILIES.join(', ')}` });
  }
  for (const field of ['vocabSize', 'contextLength'] as const) {
    const v = space[field];
    if (!Number.isInteger(v) || v < 1 || v > LIMITS[field]) {
      errors.push({ field, message: `${field} must be an integer in 1..${LIMITS[field]}, got ${JSON.stringify(v)}` });
    }
  }
  if (typeof space.tieEmbeddings !== 'boolean' || (!canUntie(space.family) && !space.tieEmbeddings)) {
    errors.push({ field: 'tieEmbeddings', message: `${space.family} always ties its output head to the token table` });
  }
  const max = { nLayer: LIMITS.nLayer, dModel: LIMITS.dModel, nHead: LIMITS.nHead, dInner: LIMITS.dInner };
  for (const field of ['nLayer', 'dModel', 'nHead', 'dInner'] as const) {
    if (!isSortedPositiveInts(space[field])) {
      errors.push({ field, message: `${field} must be a non-empty increasing list of positive integers` });
    } else if (space[field][space[field].length - 1] > max[field]) {
      errors.push({ field, message: `${field} choices must be at most ${max[field]}` });
    }
  }
  if (space.family === 'llama' && space.nKvHead !== undefined && !isSortedPositiveInts(space.nKvHead)) {
    errors.push({ field: 'nKvHead', message: 'nKvHead must be a non-empty increasing list of positive integers' });
  }
  if (!(space.rules.minFfnRatio >= 0)) errors.push({ field: 'rules.minFfnRatio', message: 'minFfnRatio must be >= 0' });
  if (errors.length) return errors;
  // One error per rule, naming the dModel choices it fails (a step of 1 would otherwise give thousands).
  const r = space.rules.minFfnRatio;
  const noHead = space.dModel.filter((d) => !space.nHead.some((h) => d % h === 0));
  if (noHead.length) {
    errors.push({ field: 'dModel', message: `dModel ${someOf(noHead)}: no nHead choice divides ${noHead.length === 1 ? 'it' : 'them'}` });
  }
  const noFfn = space.dModel.filter((d) => !space.dInner.some((f) => f >= r * d));
  if (noFfn.length) {
    const of = noFfn.length === 1 ? String(noFfn[0]) : 'dModel';
    errors.push({ field: 'dInner', message: `dModel ${someOf(noFfn)}: no dInner choice is >= ${r} x ${of}` });
  }
  return errors;
}

export function compileSpace(space: SearchSpace): CompiledSpace {
  const errors = validateSpace(space);
  if (errors.length) throw new Error(errors.map((e) => e.message).join('; '));
  const llama = space.family === 'llama';
  const kvChoices = llama ? (space.nKvHead ?? space.nHead) : [];
  const heads = space.dModel.map((d) => space.nHead.flatMap((h, i) => (d % h === 0 ? [i] : [])));
  const minF = space.dModel.map((d) => space.dInner.findIndex((f) => f >= space.rules.minFfnRatio * d));
  const kvs = space.nHead.map((h) => {
    if (!llama) return [0];
    const ok = kvChoices.flatMap((k, i) => (h % k === 0 ? [i] : []));
    return ok.length ? ok : [-1]; // -1: no valid choice, fall back to nKvHead = nHead (plain MHA)
  });
  const layerGenes = space.heterogeneous ? space.nLayer[space.nLayer.length - 1] : 1;
  return { space: { ...space, nKvHead: llama ? kvChoices : undefined }, heads, minF, kvs, layerGenes, llama };
}

const nearest = (valid: number[], i: number): number => {
  let best = valid[0];
  for (const v of valid) if (Math.abs(v - i) < Math.abs(best - i)) best = v;
  return best;
};

/** Make a genome obey the rules in place: heads divide dModel, dInner >= ratio x dModel, kv divides heads. */
export function repair(cs: CompiledSpace, g: Genome): Genome {
  const heads = cs.heads[g.d];
  const minF = cs.minF[g.d];
  for (const gene of g.layers) {
    if (!heads.includes(gene.h)) gene.h = nearest(heads, gene.h);
    if (gene.f < minF) gene.f = minF;
    const kvs = cs.kvs[gene.h];
    if (!kvs.includes(gene.kv)) gene.kv = nearest(kvs, gene.kv);
  }
  return g;
}

export function toArch(cs: CompiledSpace, g: Genome): Arch {
  const s = cs.space;
  const nLayer = s.nLayer[g.l];
  const layers: LayerSpec[] = new Array(nLayer);
  for (let i = 0; i < nLayer; i++) {
    const gene = g.layers[s.heterogeneous ? i : 0];
    const nHead = s.nHead[gene.h];
    layers[i] = cs.llama
      ? { nHead, nKvHead: gene.kv < 0 ? nHead : s.nKvHead![gene.kv], dInner: s.dInner[gene.f] }
      : { nHead, dInner: s.dInner[gene.f] };
  }
  return {
    family: s.family,
    vocabSize: s.vocabSize,
    contextLength: s.contextLength,
    dModel: s.dModel[g.d],
    tieEmbeddings: s.tieEmbeddings,
    layers,
  };
}

export const cloneGenome = (g: Genome): Genome => ({ l: g.l, d: g.d, layers: g.layers.map((x) => ({ ...x })) });

/** Number of distinct archs in a homogeneous space (the unit of exhaustive enumeration). */
export function homogeneousSize(cs: CompiledSpace): number {
  let perLayer = 0;
  cs.space.dModel.forEach((_, d) => {
    const nf = cs.space.dInner.length - cs.minF[d];
    for (const h of cs.heads[d]) perLayer += nf * cs.kvs[h].length;
  });
  return perLayer * cs.space.nLayer.length;
}

/** Layer shapes (nHead, nKvHead, dInner) allowed with dModel index d. */
function layerChoices(cs: CompiledSpace, d: number): LayerGene[] {
  const out: LayerGene[] = [];
  for (const h of cs.heads[d]) {
    for (let f = cs.minF[d]; f < cs.space.dInner.length; f++) for (const kv of cs.kvs[h]) out.push({ h, f, kv });
  }
  return out;
}

/** Number of distinct archs in the space: heterogeneous spaces grow as choices^nLayer. */
export function spaceSize(cs: CompiledSpace): number {
  if (!cs.space.heterogeneous) return homogeneousSize(cs);
  let n = 0;
  cs.space.dModel.forEach((_, d) => {
    const k = layerChoices(cs, d).length;
    for (const nLayer of cs.space.nLayer) n += k ** nLayer;
  });
  return n;
}

/** Every genome of the space (heterogeneous: every per-layer combination), in a fixed order. */
export function* enumerateSpace(cs: CompiledSpace): Generator<Genome> {
  if (!cs.space.heterogeneous) {
    yield* enumerateHomogeneous(cs);
    return;
  }
  const s = cs.space;
  for (let l = 0; l < s.nLayer.length; l++) {
    const nLayer = s.nLayer[l];
    for (let d = 0; d < s.dModel.length; d++) {
      const choices = layerChoices(cs, d);
      const idx = new Array<number>(nLayer).fill(0);
      for (;;) {
        const layers = Array.from({ length: cs.layerGenes }, (_, i) => ({ ...choices[idx[Math.min(i, nLayer - 1)]] }));
        yield { l, d, layers };
        let i = nLayer - 1;
        while (i >= 0 && ++idx[i] === choices.length) idx[i--] = 0;
        if (i < 0) break;
      }
    }
  }
}

/** Every genome of a homogeneous space, in a fixed order. */
export function* enumerateHomogeneous(cs: CompiledSpace): Generator<Genome> {
  const s = cs.space;
  for (let l = 0; l < s.nLayer.length; l++) {
    for (let d = 0; d < s.dModel.length; d++) {
      for (const h of cs.heads[d]) {
        for (let f = cs.minF[d]; f < s.dInner.length; f++) {
          for (const kv of cs.kvs[h]) {
            yield { l, d, layers: Array.from({ length: cs.layerGenes }, () => ({ h, f, kv })) };
          }
        }
      }
    }
  }
}
