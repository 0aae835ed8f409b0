// Candidates in a few bits each, for links a phone camera can read as a QR code. Every distinct
// value the candidates use (depths, widths, heads, key/value heads, FFN widths) goes once into a
// small dictionary, and each candidate is then its dictionary indices, bit-packed: the widest
// index of a 20-candidate frontier of 24 heterogeneous Llama layers takes 6 bits. A candidate
// whose layers are all alike is written once with a flag. All candidates share family,
// vocabulary, context, head tying, OPT's extras and Qwen2's q/k/v biases (one search's frontier
// always does). The family is its index in FAMILIES; the flags byte holds tied (1), OPT post-LN
// (2), OPT embedDim follows (4) and q/k/v biases (8): a bit an older link never set.
import { FAMILIES, kvHeads, type Arch, type Family, type LayerSpec } from './arch';
import { bitsFor, LinkError, type ByteReader, type ByteWriter } from './linkCodec';
import { LIMITS, parseArch } from './validate';

type Base = Omit<Arch, 'layers' | 'dModel'>;

/** The most candidates one written list holds (a measure link's; each group of a results link).
 *  A frontier sent to measure has 20; the cap keeps a crafted link from building thousands of
 *  512-layer models on the page's main thread. */
export const MAX_LINK_CANDIDATES = 256;

const baseOf = ({ family, vocabSize, contextLength, tieEmbeddings, embedDim, normPosition, qkvBias }: Arch): Base => ({
  family,
  vocabSize,
  contextLength,
  tieEmbeddings,
  ...(embedDim === undefined ? {} : { embedDim }),
  ...(normPosition === undefined ? {} : { normPosition }),
  ...(qkvBias ? { qkvBias } : {}),
});

/** A sorted dictionary of positive integers: count, their greatest common divisor, then the
 *  differences in units of it (FFN widths in steps of 64 take a byte each). */
function writeDictionary(w: ByteWriter, values: readonly number[]): void {
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  const g = values.reduce(gcd, 0) || 1;
  w.uint(values.length).uint(g);
  let prev = 0;
  for (const v of values) {
    w.uint((v - prev) / g);
    prev = v;
  }
}

function readDictionary(r: ByteReader, max: number): number[] {
  const n = r.uint();
  const g = r.uint();
  if (n < 1 || n > 4096 || g < 1) throw new LinkError('the link lists its candidates in a form this version cannot read');
  const out: number[] = [];
  let prev = 0;
  for (let i = 0; i < n; i++) {
    prev += r.uint() * g;
    if (prev > max) throw new LinkError('the link lists a candidate larger than any this app builds');
    out.push(prev);
  }
  return out;
}

const sortedValues = (xs: Iterable<number>): number[] => [...new Set(xs)].sort((a, b) => a - b);

/** Writes `archs` (at least one, all with the same base); throws a RangeError otherwise. */
export function writeCandidates(w: ByteWriter, archs: readonly Arch[]): void {
  if (archs.length === 0) throw new RangeError('no candidates to write');
  if (archs.length > MAX_LINK_CANDIDATES) throw new RangeError(`a link carries at most ${MAX_LINK_CANDIDATES} candidates of one kind`);
  const base = baseOf(archs[0]);
  const key = JSON.stringify(base);
  if (archs.some((a) => JSON.stringify(baseOf(a)) !== key)) {
    throw new RangeError('the candidates differ in family, vocabulary, context, head tying or biases; a link carries one kind');
  }
  const llama = base.family === 'llama';
  const layersOf = (a: Arch) => a.layers;
  const dict = {
    nLayer: sortedValues(archs.map((a) => a.layers.length)),
    dModel: sortedValues(archs.map((a) => a.dModel)),
    nHead: sortedValues(archs.flatMap(layersOf).map((l) => l.nHead)),
    nKvHead: llama ? sortedValues(archs.flatMap(layersOf).map(kvHeads)) : [],
    dInner: sortedValues(archs.flatMap(layersOf).map((l) => l.dInner)),
  };
  w.byte(FAMILIES.indexOf(base.family))
    .uint(base.vocabSize)
    .uint(base.contextLength)
    .byte(
      (base.tieEmbeddings ? 1 : 0) |
        (base.normPosition === 'post' ? 2 : 0) |
        (base.embedDim !== undefined ? 4 : 0) |
        (base.qkvBias ? 8 : 0),
    );
  if (base.embedDim !== undefined) w.uint(base.embedDim);
  writeDictionary(w, dict.nLayer);
  writeDictionary(w, dict.dModel);
  writeDictionary(w, dict.nHead);
  if (llama) writeDictionary(w, dict.nKvHead);
  writeDictionary(w, dict.dInner);
  w.uint(archs.length);
  const width = {
    l: bitsFor(dict.nLayer.length),
    d: bitsFor(dict.dModel.length),
    h: bitsFor(dict.nHead.length),
    kv: bitsFor(dict.nKvHead.length),
    f: bitsFor(dict.dInner.length),
  };
  const layer = (l: LayerSpec) => {
    w.bits(dict.nHead.indexOf(l.nHead), width.h);
    if (llama) w.bits(dict.nKvHead.indexOf(kvHeads(l)), width.kv);
    w.bits(dict.dInner.indexOf(l.dInner), width.f);
  };
  for (const a of archs) {
    const alike = a.layers.every(
      (l) => l.nHead === a.layers[0].nHead && kvHeads(l) === kvHeads(a.layers[0]) && l.dInner === a.layers[0].dInner,
    );
    w.bits(dict.nLayer.indexOf(a.layers.length), width.l)
      .bits(dict.dModel.indexOf(a.dModel), width.d)
      .bits(alike ? 1 : 0, 1);
    for (const l of alike ? a.layers.slice(0, 1) : a.layers) layer(l);
  }
}

/** Reads what writeCandidates wrote; every candidate is checked as an arch file would be, and
 *  more than `max` candidates (MAX_LINK_CANDIDATES) are refused. */
export function readCandidates(r: ByteReader, max: number = MAX_LINK_CANDIDATES): Arch[] {
  const family: Family | undefined = FAMILIES[r.byte()];
  if (!family) throw new LinkError('the link names a model family this version does not know');
  const vocabSize = r.uint();
  const contextLength = r.uint();
  const flags = r.byte();
  const embedDim = flags & 4 ? r.uint() : undefined;
  const llama = family === 'llama';
  const nLayer = readDictionary(r, LIMITS.nLayer);
  const dModel = readDictionary(r, LIMITS.dModel);
  const nHead = readDictionary(r, LIMITS.nHead);
  const nKvHead = llama ? readDictionary(r, LIMITS.nHead) : [];
  const dInner = readDictionary(r, LIMITS.dInner);
  const count = r.uint();
  if (count < 1 || count > max) {
    throw new LinkError(`the link holds ${count.toLocaleString('en-US')} candidates; this app reads 1 to ${max.toLocaleString('en-US')}`);
  }
  const pick = (list: number[], width: number): number => {
    const v = list[r.bits(width)];
    if (v === undefined) throw new LinkError('the link points past its own list of values: it is damaged');
    return v;
  };
  const out: Arch[] = [];
  for (let i = 0; i < count; i++) {
    const depth = pick(nLayer, bitsFor(nLayer.length));
    const d = pick(dModel, bitsFor(dModel.length));
    const alike = r.bits(1) === 1;
    const readLayer = (): LayerSpec => {
      const h = pick(nHead, bitsFor(nHead.length));
      const kv = llama ? pick(nKvHead, bitsFor(nKvHead.length)) : undefined;
      const f = pick(dInner, bitsFor(dInner.length));
      return llama ? { nHead: h, nKvHead: kv, dInner: f } : { nHead: h, dInner: f };
    };
    const layers = alike ? Array.from({ length: depth }, ((l) => () => ({ ...l }))(readLayer())) : Array.from({ length: depth }, readLayer);
    const arch: Arch = {
      family,
      vocabSize,
      contextLength,
      dModel: d,
      tieEmbeddings: (flags & 1) === 1,
      layers,
      ...(embedDim === undefined ? {} : { embedDim }),
      ...(flags & 2 ? { normPosition: 'post' as const } : {}),
      ...(flags & 8 ? { qkvBias: true as const } : {}),
    };
    const parsed = parseArch(arch);
    if (!parsed.ok) throw new LinkError(`candidate ${i + 1} of the link is not a valid model: ${parsed.errors[0]?.message ?? 'invalid'}`);
    out.push(parsed.value);
  }
  return out;
}
