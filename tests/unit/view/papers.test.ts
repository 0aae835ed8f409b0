// "What this run shows" for the papers' claims, on small synthetic frontiers: the fastest
// candidate at the baseline's quality with its latency, memory and size ratios; an honest "none
// reaches it" with the nearest below; and the source of every latency figure (the run's, until
// both ends are measured in the shown series).
import { describe, expect, it } from 'vitest';
import { baselineById } from '../../../src/core/baselines';
import { paperPreset } from '../../../src/core/papers';
import type { BaselineRow } from '../../../src/view/baselines';
import { claimFigure, paperFigures, type PaperRunInput } from '../../../src/view/papers';
import type { PointRow } from '../../../src/view/runView';

const point = (id: number, decoderM: number, totalM: number, decodeMs: number, memoryMB: number): PointRow => ({
  id,
  status: 'frontier',
  set: 'frontier',
  index: id,
  nLayer: 4,
  dModel: 256,
  headsMin: 4,
  headsMax: 4,
  innerMin: 1024,
  innerMax: 1024,
  paramsTotal: totalM * 1e6,
  paramsDecoder: decoderM * 1e6,
  paramsEmbedding: (totalM - decoderM) * 1e6,
  entropy: 1,
  flopsPrefill: 1,
  flopsDecode: 1,
  memory: memoryMB * 1e6,
  latencyPrefill: decodeMs * 10,
  latencyDecode: decodeMs,
  violation: 0,
});

const baseline = (id: 'lts-gpt2-16l' | 'opt-350m', decoderM: number, totalM: number, decodeMs: number, memoryMB: number): BaselineRow => ({
  ...point(-1, decoderM, totalM, decodeMs, memoryMB),
  baseline: baselineById(id)!,
  key: `key-${id}`,
});

const lts = paperPreset('lts');
const merino = paperPreset('merino');
const baselines = [baseline('lts-gpt2-16l', 50, 76, 3, 600), baseline('opt-350m', 300, 330, 12, 1500)];
const input = (frontier: PointRow[], extra: Partial<PaperRunInput> = {}): PaperRunInput => ({
  frontier,
  baselines,
  workload: 'decode',
  sourceWord: 'analytic',
  ...extra,
});

describe('paper figures', () => {
  it('LTS: the fastest candidate with at least the baseline decoder params, its latency and memory ratios', () => {
    const frontier = [point(0, 20, 45, 1, 200), point(1, 55, 80, 2, 500), point(2, 90, 120, 2.5, 700)];
    const f = claimFigure(lts.claims[0], input(frontier));
    expect(f.reached).toBe(true);
    expect(f.candidate!.id).toBe(1);
    expect(f.speedup).toBeCloseTo(1.5, 12);
    expect(f.memoryRatio).toBeCloseTo(1.2, 12);
    expect(f.source).toBe('analytic');
    expect(f.text).toBe(
      "Fastest frontier candidate with at least LTS 16-layer GPT-2's decoder params (55 M vs 50 M): 1.5x faster decode (analytic), " +
        '1.2x lower peak memory (analytic)',
    );
  });

  it('LTS: when none reaches the baseline, says so and gives the nearest below', () => {
    const frontier = [point(0, 20, 45, 1, 200), point(1, 40, 65, 1.5, 400)];
    const [first] = paperFigures(lts, input(frontier, { sourceWord: 'predicted' }));
    expect(first.reached).toBe(false);
    expect(first.candidate!.id).toBe(1);
    expect(first.speedup).toBeCloseTo(2, 12);
    expect(first.text).toBe(
      "No frontier candidate reaches LTS 16-layer GPT-2's decoder params (50 M); the nearest below (40 M, 0.8x): 2x faster decode " +
        '(predicted), 1.5x lower peak memory (analytic)',
    );
  });

  it('MeRino: under the budget no candidate reaches OPT-350M; the highest-quality one with speedup, size and decoder ratios', () => {
    const frontier = [point(0, 10, 35, 0.5, 150), point(1, 30, 60, 2.4, 300), point(2, 30, 62, 3, 320)];
    const [f] = paperFigures(merino, input(frontier));
    expect(f.reached).toBe(false);
    expect(f.candidate!.id).toBe(1); // most decoder params, the faster of the tie
    expect(f.speedup).toBeCloseTo(5, 12);
    expect(f.sizeRatio).toBeCloseTo(5.5, 12);
    expect(f.paramsRatio).toBeCloseTo(0.1, 12);
    expect(f.text).toBe(
      "No frontier candidate reaches OPT-350M's estimated quality (decoder params ≥ 300 M, i.e. est. ppl at most its; the most here " +
        'is 30 M). The highest-quality candidate: 5x faster decode (analytic), 5.5x smaller (total params), at 0.1x its decoder params',
    );
  });

  it('MeRino: a candidate at OPT-350M quality is reported as reached', () => {
    const [f] = paperFigures(merino, input([point(0, 310, 340, 24, 1600)]));
    expect(f.reached).toBe(true);
    expect(f.text).toMatch(/^Fastest frontier candidate at OPT-350M's estimated quality .*: 2x slower decode \(analytic\), 1x larger/);
  });

  it('says "measured (series)" only when both the candidate and the baseline are measured', () => {
    const frontier = [point(7, 55, 80, 2, 500)];
    const measured = (keys: Record<string, number>) => ({
      label: 'wasm · Pixel',
      latencyMs: (k: string) => keys[k],
      keyOf: (r: PointRow) => `cand-${r.id}`,
    });
    const half = claimFigure(lts.claims[0], input(frontier, { measured: measured({ 'cand-7': 10 }) }));
    expect(half.source).toBe('analytic');
    const both = claimFigure(lts.claims[0], input(frontier, { measured: measured({ 'cand-7': 10, 'key-lts-gpt2-16l': 30 }) }));
    expect(both.source).toBe('measured (wasm · Pixel)');
    expect(both.speedup).toBe(3);
    expect(both.text).toContain('3x faster decode (measured (wasm · Pixel))');
  });

  it('an empty frontier asks for the search; a missing baseline is named', () => {
    expect(claimFigure(lts.claims[0], input([])).text).toBe('no frontier yet: run the search');
    expect(claimFigure(lts.claims[0], { ...input([point(0, 1, 2, 3, 4)]), baselines: [] }).text).toBe(
      'baseline lts-gpt2-16l is not available',
    );
  });
});
