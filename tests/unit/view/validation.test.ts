// What the "Validate proxies" lab draws and saves from a report: honest labels (trained here,
// steps, byte-level), the est. ppl fit on the trained models, scatter points, the table beside
// LTS's figures, progress lines, loss curves, and the CSV / JSON exports.
import { describe, expect, it } from 'vitest';
import { decoderParams } from '../../../src/core/params';
import { PROXY_IDS } from '../../../src/core/proxies';
import type { ProxyCorrelation } from '../../../src/core/referenceModels';
import { DEFAULT_TRAIN } from '../../../src/core/validation';
import { MOBY_DICK_SOURCE_NAME } from '../../../src/core/corpus';
import { estPplBasis, estPplLabel, estPplSource } from '../../../src/view/axes';
import {
  CSV_HEADER,
  formatCi,
  lossPolyline,
  lossRange,
  modelRows,
  perplexityUnit,
  progressText,
  proxyRows,
  reportSummary,
  scatterPoints,
  shortCorpusName,
  trainedDataset,
  trainedFit,
  trainedLabel,
  validationCsv,
  validationFilename,
  validationJson,
} from '../../../src/view/validation';
import { parseCsv } from '../csv';
import { ARCHS, fakeReport, LAW, tinyArch, trainedModel } from '../state/validationFixture';

const report = fakeReport();

describe('labels', () => {
  it('say trained here, the steps, and byte-level perplexity; another tokenizer is named as such', () => {
    expect(trainedLabel(report)).toBe('trained here, 20 steps, byte-level perplexity');
    expect(perplexityUnit({ tokenizer: 'GPT-2 BPE', vocabSize: 50257 })).toBe('perplexity per token (GPT-2 BPE)');
    expect(shortCorpusName(report.corpus.name)).toBe('Moby-Dick');
    expect(shortCorpusName(MOBY_DICK_SOURCE_NAME)).toBe('Moby-Dick'); // as the app and the CLI name it
    expect(shortCorpusName('my notes (draft).txt')).toBe('my notes (draft).txt'); // a file name stays whole
    expect(shortCorpusName('notes.txt')).toBe('notes.txt');
  });

  it('the summary states corpus, steps, optimiser settings, backend, split and unit; a stopped run says so', () => {
    const s = reportSummary(report);
    expect(s).toMatch(/^5 models trained here on Moby-Dick \(Herman Melville; @stdlib\/datasets-moby-dick\), 20 Adam steps each/);
    expect(s).toContain(`learning rate 0.003, batch 8 × ${DEFAULT_TRAIN.seqLen} tokens, seed 1) on cpu`);
    expect(s).toContain('Split: the last 10 % of documents held out');
    expect(s).toContain('byte-level perplexity');
    const stopped = reportSummary({ ...report, settings: { ...report.settings, k: 12 } }, true);
    expect(stopped).toMatch(/^5 of 12 models \(stopped\) trained here/);
  });

  it('progress: model i of K, step s of S and the loss; building and scoring are named', () => {
    expect(progressText({ model: 1, k: 12, step: 40, steps: 300, loss: 2.3141, phase: 'train' })).toBe(
      'model 2 of 12 · step 40 of 300 · loss 2.314',
    );
    expect(progressText({ model: 0, k: 3, step: 0, steps: 20, loss: NaN, phase: 'build' })).toBe('model 1 of 3 · building');
    expect(progressText({ model: 2, k: 3, step: 20, steps: 20, loss: 1.2, phase: 'score' })).toBe(
      'model 3 of 3 · scoring the held-out text',
    );
    expect(progressText({ model: 0, k: 3, step: 1, steps: 1000, loss: NaN, phase: 'train' })).toBe(
      'model 1 of 3 · step 1 of 1,000 · loss –',
    );
  });
});

describe('the est. ppl fit on the models trained here', () => {
  it('recovers the power law of ppl on decoder params, and its data set names corpus, count and unit', () => {
    const r = trainedFit(report);
    if (!('fit' in r)) throw new Error(r.error);
    expect(r.fit.a).toBeCloseTo(LAW.a, 9);
    expect(r.fit.b).toBeCloseTo(LAW.b, 9);
    expect(r.fit.n).toBe(5);
    expect(r.fit.spearman).toBeCloseTo(1, 12);
    expect(r.fit.dataset).toBe('Moby-Dick, 5 models trained here, per-byte ppl');
    expect(trainedDataset(report)).toBe(r.fit.dataset);
    // The chart's axis and the table's source words name it.
    expect(estPplLabel(r.fit)).toBe('est. ppl (Moby-Dick, 5 models trained here, per-byte ppl fit)');
    expect(estPplSource(r.fit)).toBe('Moby-Dick, 5 models trained here, per-byte ppl fit');
    expect(estPplSource(null)).toBe('LTS WT-103 fit');
    expect(estPplSource({ dataset: 'LTS GPT-2, WikiText-103' })).toBe('LTS WT-103 fit');
    expect(estPplBasis(r.fit)).toBe('“Moby-Dick, 5 models trained here, per-byte ppl”');
    expect(estPplBasis(null)).toBe('the LTS GPT-2 / WikiText-103 models');
  });

  it('fits the trained (scaled-down) archs, not the sampled ones', () => {
    const r = trainedFit(report);
    if (!('fit' in r)) throw new Error(r.error);
    const n = decoderParams(ARCHS[2]);
    expect(Math.exp(r.fit.a + r.fit.b * Math.log(n))).toBeCloseTo(report.models[2].ppl, 9);
  });

  it('refuses with a reason: fewer than 3 models with a perplexity, or one size only', () => {
    const two = fakeReport(report.models.slice(0, 2));
    expect(trainedFit(two)).toEqual({ error: 'a fit needs at least 3 trained models with a perplexity; this report has 2' });
    const noPpl = fakeReport([...report.models.slice(0, 2), { ...report.models[2], ppl: NaN }]);
    expect('error' in trainedFit(noPpl)).toBe(true);
    const same = fakeReport([0, 1, 2].map((i) => trainedModel(i, tinyArch(32, 1))));
    expect(trainedFit(same)).toEqual({ error: 'every trained model has the same decoder parameter count: no slope to fit' });
  });
});

describe('scatter and tables', () => {
  it('one point per model with a finite proxy and perplexity', () => {
    const pts = scatterPoints(report.models, 'decoder-params');
    expect(pts).toHaveLength(5);
    expect(pts[3]).toEqual({ x: decoderParams(ARCHS[3]), ppl: report.models[3].ppl, model: 3 });
    const broken = [...report.models.slice(0, 4), { ...report.models[4], ppl: NaN }];
    expect(scatterPoints(broken, 'entropy').map((p) => p.model)).toEqual([0, 1, 2, 3]);
  });

  it('the Proxy validation rows: figures and intervals here beside LTS, "…" while LTS loads, "–" when undefined', () => {
    const lts: ProxyCorrelation[] = PROXY_IDS.map((id, i) => ({
      proxy: id,
      label: id,
      spearman: 0.9 - i / 10,
      kendall: 0.7 - i / 10,
      n: 200,
    }));
    const rows = proxyRows(report.proxies, lts);
    expect(rows.map((r) => r.proxy)).toEqual([...PROXY_IDS]);
    const dp = rows[0];
    expect(dp).toMatchObject({
      label: 'Decoder params',
      spearman: '1.000',
      kendall: '1.000',
      n: '5',
      ltsSpearman: '0.900',
      ltsKendall: '0.700',
      ltsN: '200',
    });
    expect(dp.spearmanCi).toMatch(/^-?\d\.\d\d to 1\.00$/);
    expect(proxyRows(report.proxies, null)[1]).toMatchObject({ ltsSpearman: '…', ltsKendall: '…', ltsN: '…' });
    const undefinedHere = proxyRows([{ ...report.proxies[0], spearman: NaN, spearmanCi: [NaN, NaN] }], lts)[0];
    expect(undefinedHere.spearman).toBe('–');
    expect(undefinedHere.spearmanCi).toBe('–');
    expect(formatCi([0.412, 0.93])).toBe('0.41 to 0.93');
  });

  it('models rows: sampled and trained summaries, sizes, losses, per-byte ppl, time', () => {
    const rows = modelRows(report.models);
    expect(rows[1]).toMatchObject({ n: 2, trained: '1L d32 h2 ffn128', sampled: '1L d128 h2 ffn128', finalLoss: '1.7', time: '1.5 s' });
    expect(rows[1].ppl).toBe(String(parseFloat(report.models[1].ppl.toPrecision(3))));
  });
});

describe('loss curves', () => {
  it('one scale over every curve, ignoring steps not reported', () => {
    expect(
      lossRange([
        [3, NaN, 2],
        [5, 4],
      ]),
    ).toEqual([2, 5]);
    expect(lossRange([])).toEqual([0, 1]);
    expect(lossRange([[2, 2]])).toEqual([1.5, 2.5]);
  });

  it('maps step 1 to the left edge, the last step to the right, higher loss nearer the top', () => {
    expect(lossPolyline([5, 3, 1], 3, [1, 5], 100, 40)).toBe('0.0,0.0 50.0,20.0 100.0,40.0');
    // A curve still growing spans only its share of the width; unreported steps leave no point.
    expect(lossPolyline([5, NaN, 1], 5, [1, 5], 100, 40)).toBe('0.0,0.0 50.0,40.0');
  });
});

describe('exports', () => {
  it('CSV: a row per model that names its arch, proxies, loss, ppl with its unit, steps, seed, backend and corpus', () => {
    const rows = parseCsv(validationCsv(report));
    expect(rows[0]).toEqual([...CSV_HEADER]);
    expect(rows).toHaveLength(6);
    const col = (name: (typeof CSV_HEADER)[number]) => rows[0].indexOf(name);
    const r = rows[3];
    expect(r[col('model')]).toBe('3');
    expect(r[col('trained_arch')]).toBe('2L d32 h2 ffn128');
    expect(Number(r[col('decoder_params')])).toBe(decoderParams(ARCHS[2]));
    expect(Number(r[col('proxy_decoder_params')])).toBe(report.models[2].proxies['decoder-params']);
    expect(Number(r[col('ppl')])).toBe(report.models[2].ppl);
    expect(r[col('ppl_unit')]).toBe('byte-level perplexity');
    expect(r[col('corpus')]).toBe(report.corpus.name); // its comma-free name; quoting is csvCell's
    expect(r[col('steps')]).toBe('20');
    expect(r[col('backend')]).toBe('cpu');
    const comma = parseCsv(validationCsv({ ...report, corpus: { ...report.corpus, name: 'a, "b".txt' } }));
    expect(comma[1][col('corpus')]).toBe('a, "b".txt');
  });

  it('JSON: the whole report, framed, with its unit; a stopped one says how far it got', () => {
    const j = validationJson(report);
    expect(j.format).toBe('lm-frontier/proxy-validation');
    expect(j.version).toBe(1);
    expect(j.models).toHaveLength(5);
    expect(j.models[0].losses).toHaveLength(20);
    expect(j.scaleRule).toMatch(/dModel/);
    expect(j.corpus.split).toContain('held out');
    expect(j.pplUnit).toBe('byte-level perplexity');
    expect('stopped' in j).toBe(false);
    expect(validationJson({ ...report, settings: { ...report.settings, k: 12 } }, true)).toMatchObject({
      stopped: 'stopped after 5 of 12 models',
    });
  });

  it('file names say corpus, K, steps and seed', () => {
    expect(validationFilename(report, 'csv')).toBe('proxy-validation-moby-dick-k5-s20-seed1.csv');
    expect(validationFilename({ ...report, corpus: { ...report.corpus, name: 'My Notes.txt' } }, 'json')).toBe(
      'proxy-validation-my-notes-k5-s20-seed1.json',
    );
  });
});
