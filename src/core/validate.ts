// Arch validation: parse unknown JSON into an Arch and report every problem with the field it is
// about, e.g. "layers[3].nHead 5 does not divide dModel 512". Used by the CLI, URLs and the UI.
import { canUntie, FAMILIES, kvHeads, type Arch, type Family, type LayerSpec } from './arch';

export interface ArchError {
  field: string;
  message: string;
}

export type Result<T> = { ok: true; value: T } | { ok: false; errors: ArchError[] };

/** Sanity limits: far above any model a phone runs, low enough to keep arithmetic exact. */
export const LIMITS = {
  vocabSize: 1_000_000,
  contextLength: 1_048_576,
  dModel: 65_536,
  nLayer: 512,
  nHead: 1024,
  dInner: 262_144,
} as const;

function checkInt(errors: ArchError[], field: string, v: unknown, max: number): v is number {
  if (typeof v !== 'number' || !Number.isInteger(v)) {
    errors.push({ field, message: `${field} must be an integer, got ${JSON.stringify(v)}` });
    return false;
  }
  if (v < 1 || v > max) {
    errors.push({ field, message: `${field} ${v} is outside 1..${max}` });
    return false;
  }
  return true;
}

/** Structural rules an arch must obey to be buildable (search-space rules are separate). */
export function validateArch(arch: Arch): ArchError[] {
  const errors: ArchError[] = [];
  if (!FAMILIES.includes(arch.family)) {
    errors.push({ field: 'family', message: `family must be one of ${FAMILIES.join(', ')}` });
  }
  checkInt(errors, 'vocabSize', arch.vocabSize, LIMITS.vocabSize);
  checkInt(errors, 'contextLength', arch.contextLength, LIMITS.contextLength);
  const dOk = checkInt(errors, 'dModel', arch.dModel, LIMITS.dModel);
  if (typeof arch.tieEmbeddings !== 'boolean') {
    errors.push({ field: 'tieEmbeddings', message: 'tieEmbeddings must be true or false' });
  }
  if (!canUntie(arch.family) && arch.tieEmbeddings === false) {
    errors.push({ field: 'tieEmbeddings', message: `${arch.family} always ties its output head to the token table` });
  }
  if (!Array.isArray(arch.layers) || arch.layers.length < 1 || arch.layers.length > LIMITS.nLayer) {
    errors.push({ field: 'layers', message: `layers must be an array of 1..${LIMITS.nLayer} layers` });
    return errors;
  }
  arch.layers.forEach((l: LayerSpec, i) => {
    const f = `layers[${i}]`;
    if (typeof l !== 'object' || l === null) {
      errors.push({ field: f, message: `${f} must be an object {nHead, dInner}` });
      return;
    }
    const hOk = checkInt(errors, `${f}.nHead`, l.nHead, LIMITS.nHead);
    checkInt(errors, `${f}.dInner`, l.dInner, LIMITS.dInner);
    if (hOk && dOk && arch.dModel % l.nHead !== 0) {
      errors.push({ field: `${f}.nHead`, message: `${f}.nHead ${l.nHead} does not divide dModel ${arch.dModel}` });
    }
    if (l.nKvHead !== undefined) {
      if (arch.family !== 'llama' && l.nKvHead !== l.nHead) {
        errors.push({ field: `${f}.nKvHead`, message: `${f}.nKvHead: only llama has grouped-query attention` });
      } else if (checkInt(errors, `${f}.nKvHead`, l.nKvHead, LIMITS.nHead) && hOk && l.nHead % kvHeads(l) !== 0) {
        errors.push({ field: `${f}.nKvHead`, message: `${f}.nKvHead ${l.nKvHead} does not divide nHead ${l.nHead}` });
      }
    }
  });
  if (arch.embedDim !== undefined) {
    if (arch.family !== 'opt') errors.push({ field: 'embedDim', message: 'embedDim is an opt option' });
    else checkInt(errors, 'embedDim', arch.embedDim, LIMITS.dModel);
  }
  if (arch.normPosition !== undefined) {
    if (arch.family !== 'opt') errors.push({ field: 'normPosition', message: 'normPosition is an opt option' });
    else if (arch.normPosition !== 'pre' && arch.normPosition !== 'post') {
      errors.push({ field: 'normPosition', message: "normPosition must be 'pre' or 'post'" });
    }
  }
  if (arch.qkvBias !== undefined) {
    if (arch.family !== 'llama') errors.push({ field: 'qkvBias', message: 'qkvBias is a llama option (Qwen2)' });
    else if (arch.qkvBias !== true) errors.push({ field: 'qkvBias', message: 'qkvBias must be true or absent' });
  }
  return errors;
}

/** Parse untrusted JSON (a file, a URL) into an Arch, keeping only known fields. */
export function parseArch(json: unknown): Result<Arch> {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return { ok: false, errors: [{ field: '', message: 'an arch must be a JSON object' }] };
  }
  const o = json as Record<string, unknown>;
  const layers = Array.isArray(o.layers)
    ? o.layers.map((l) => {
        const r = (l ?? {}) as Record<string, unknown>;
        const out: Record<string, unknown> = { nHead: r.nHead, dInner: r.dInner };
        if (r.nKvHead !== undefined) out.nKvHead = r.nKvHead;
        return out as unknown as LayerSpec;
      })
    : (o.layers as LayerSpec[]);
  const family = o.family as Family;
  const arch: Arch = {
    family,
    vocabSize: o.vocabSize as number,
    contextLength: o.contextLength as number,
    dModel: o.dModel as number,
    // Families that can untie their head must say which; gpt2 and opt always tie.
    tieEmbeddings: (o.tieEmbeddings ?? (canUntie(family) ? undefined : true)) as boolean,
    layers,
  };
  if (o.embedDim !== undefined) arch.embedDim = o.embedDim as number;
  if (o.normPosition !== undefined) arch.normPosition = o.normPosition as 'pre' | 'post';
  // false is the same model as absent, and absent keeps the arch (and its key) canonical.
  if (o.qkvBias !== undefined && o.qkvBias !== false) arch.qkvBias = o.qkvBias as true;
  const errors = validateArch(arch);
  return errors.length ? { ok: false, errors } : { ok: true, value: arch };
}

export const formatErrors = (errors: ArchError[]): string => errors.map((e) => e.message).join('; ');
