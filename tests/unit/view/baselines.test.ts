import { describe, expect, it } from 'vitest';
import { BASELINES } from '../../../src/core/baselines';
import { countParams } from '../../../src/core/params';
import { DEFAULT_EVAL, evaluate } from '../../../src/core/evaluate';
import { baselineRows, describeComparison, nearestBaseline, placeBaselines } from '../../../src/view/baselines';
import type { PointRow } from '../../../src/view/runView';

const rows = baselineRows(DEFAULT_EVAL);
const byId = (id: string) => rows.find((r) => r.baseline.id === id)!;

const candidate = (paramsDecoder: number, latencyDecode: number, id = 1): PointRow =>
  ({ ...byId('gpt2'), id, paramsDecoder, latencyDecode, latencyPrefill: 2 * latencyDecode }) as PointRow;

describe('baselineRows', () => {
  it('evaluates every baseline with the settings given, as a candidate would be', () => {
    expect(rows).toHaveLength(BASELINES.length);
    for (const r of rows) {
      const e = evaluate(r.baseline.arch, DEFAULT_EVAL);
      expect(r.paramsTotal).toBe(countParams(r.baseline.arch).total);
      expect(r.latencyDecode).toBe(e.latency.decodeMs);
      expect(r.entropy).toBe(e.scores.entropy);
      expect(r.id).toBeLessThan(0);
    }
  });

  it('keeps only the ids asked for', () => {
    expect(baselineRows(DEFAULT_EVAL, ['opt-350m', 'opt-125m']).map((r) => r.baseline.id)).toEqual(['opt-125m', 'opt-350m']);
  });
});

describe('placeBaselines', () => {
  const axes = {
    x: 'latency-decode' as const,
    y: 'decoder-params' as const,
    xDomain: [0, 40] as const,
    yDomain: [0, 60e6] as const,
    fit: null,
    searchFamily: 'gpt2' as const,
  };
  it('draws those inside the axes and lists the others with the reason, dropping none', () => {
    const wide = placeBaselines(rows, { ...axes, xDomain: [0, 1e9], yDomain: [0, 1e12] });
    expect(wide.on).toHaveLength(rows.length);
    const p = placeBaselines(rows, axes);
    expect(p.on.length + p.off.length).toBe(rows.length);
    const gpt2 = p.off.find((o) => o.row.baseline.id === 'gpt2');
    expect(gpt2?.reason).toMatch(/decoder params .*outside the axes/);
    expect(p.on.every((b) => b.y <= 60e6 && b.x <= 40)).toBe(true);
  });

  it('warns on the entropy axis across families, not within one', () => {
    const p = placeBaselines(rows, { ...axes, y: 'entropy', xDomain: [0, 1e9], yDomain: [0, 1e9] });
    expect(p.on.find((b) => b.row.baseline.id === 'opt-350m')?.warning).toMatch(/not comparable/);
    expect(p.on.find((b) => b.row.baseline.id === 'gpt2')?.warning).toBeNull();
  });

  it('on a measured axis, a baseline without a measurement is off-chart as not measured', () => {
    const p = placeBaselines(rows, { ...axes, x: 'measured-decode', xDomain: [0, 1e9], yDomain: [0, 1e12], measuredX: () => undefined });
    expect(p.on).toHaveLength(0);
    expect(p.off[0].reason).toBe('not measured on this device yet');
  });
});

describe('nearestBaseline', () => {
  it('picks the baseline nearest in decoder params (log ratio) and gives the LTS-style ratios', () => {
    const opt350 = byId('opt-350m');
    const pair = rows.filter((r) => r.baseline.id === 'opt-350m' || r.baseline.id === 'pythia-70m');
    const c = nearestBaseline(candidate(opt350.paramsDecoder * 1.1, opt350.latencyDecode / 1.9), pair, 'decode')!;
    expect(c.baseline.baseline.id).toBe('opt-350m');
    expect(c.speedup).toBeCloseTo(1.9, 10);
    expect(c.paramsRatio).toBeCloseTo(1.1, 10);
    expect(describeComparison(c, 'decode', 'analytic')).toBe('1.9x faster decode than OPT-350M at 1.1x its decoder params (analytic)');
  });

  it('says slower when the candidate is slower, and uses the workload asked for', () => {
    const p70 = byId('pythia-70m');
    const c = nearestBaseline(candidate(p70.paramsDecoder, p70.latencyDecode * 2), rows, 'prefill')!;
    expect(c.speedup).toBeCloseTo(p70.latencyPrefill / (4 * p70.latencyDecode), 10);
    expect(nearestBaseline(candidate(1e6, 1), [], 'decode')).toBeNull();
  });
});
