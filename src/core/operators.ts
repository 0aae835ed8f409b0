// Variation operators. LTS (archai neurips-lts) mutates each gene with probability 0.3 by
// resampling it and crosses over uniformly (each gene from either parent with probability 0.5).
// We keep both and add ordinal steps: a mutated gene moves a few notches along its sorted choice
// list with probability `stepProb`, else it is resampled as in LTS. Small steps let the search
// walk along the frontier instead of jumping across it (see bench/search for the comparison).
import { repair, type CompiledSpace, type Genome, type LayerGene } from './genome';
import { randInt, type Rng } from './random';

export interface OperatorParams {
  /** Per-gene mutation probability (LTS: 0.3). */
  mutationProb: number;
  /** Per-gene probability of taking the gene from the second parent (LTS: 0.5). */
  crossoverProb: number;
  /** Share of mutations that are ordinal steps rather than uniform resampling. */
  stepProb: number;
}
export const DEFAULT_OPERATORS: OperatorParams = { mutationProb: 0.3, crossoverProb: 0.5, stepProb: 0.8 };

function sampleLayerGene(cs: CompiledSpace, d: number, rng: Rng): LayerGene {
  const heads = cs.heads[d];
  const h = heads[randInt(rng, heads.length)];
  const minF = cs.minF[d];
  const f = minF + randInt(rng, cs.space.dInner.length - minF);
  const kvs = cs.kvs[h];
  return { h, f, kv: kvs[randInt(rng, kvs.length)] };
}

export function sampleGenome(cs: CompiledSpace, rng: Rng): Genome {
  const l = randInt(rng, cs.space.nLayer.length);
  const d = randInt(rng, cs.space.dModel.length);
  const layers = Array.from({ length: cs.layerGenes }, () => sampleLayerGene(cs, d, rng));
  return { l, d, layers };
}

/** Move index i by +-1..maxStep (never 0), clamped to [0, n). */
function step(rng: Rng, i: number, n: number, maxStep: number): number {
  const size = 1 + randInt(rng, maxStep);
  const j = rng() < 0.5 ? i - size : i + size;
  return Math.min(n - 1, Math.max(0, j));
}

function mutateIndex(rng: Rng, i: number, n: number, p: OperatorParams, maxStep: number): number {
  if (n <= 1 || rng() >= p.mutationProb) return i;
  return rng() < p.stepProb ? step(rng, i, n, maxStep) : randInt(rng, n);
}

/** A mutated copy: each gene changes with probability mutationProb; the result obeys the rules. */
export function mutate(cs: CompiledSpace, g: Genome, rng: Rng, p: OperatorParams = DEFAULT_OPERATORS): Genome {
  const s = cs.space;
  const out: Genome = {
    l: mutateIndex(rng, g.l, s.nLayer.length, p, 1),
    d: mutateIndex(rng, g.d, s.dModel.length, p, 1),
    layers: g.layers.map((x) => ({
      h: mutateIndex(rng, x.h, s.nHead.length, p, 1),
      f: mutateIndex(rng, x.f, s.dInner.length, p, 3),
      kv: cs.llama ? mutateIndex(rng, x.kv, s.nKvHead!.length, p, 1) : x.kv,
    })),
  };
  return repair(cs, out);
}

/** Uniform crossover: every gene (depth, width, each layer's heads / kv heads / dInner) from b with probability crossoverProb. */
export function crossover(cs: CompiledSpace, a: Genome, b: Genome, rng: Rng, p: OperatorParams = DEFAULT_OPERATORS): Genome {
  const pick = <T>(x: T, y: T): T => (rng() < p.crossoverProb ? y : x);
  const out: Genome = {
    l: pick(a.l, b.l),
    d: pick(a.d, b.d),
    layers: a.layers.map((x, i) => {
      const y = b.layers[i];
      return { h: pick(x.h, y.h), f: pick(x.f, y.f), kv: pick(x.kv, y.kv) };
    }),
  };
  return repair(cs, out);
}
