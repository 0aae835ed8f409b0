// The "What is this" texts: every proxy and budget of core has one, every entry names its formula
// and source, every chart axis has an entry, and the measured-latency text carries the Measure
// panel's figures.
import { describe, expect, it } from 'vitest';
import { BUDGET_KEYS } from '../../../src/core/budgets';
import { PROXIES, PROXY_IDS } from '../../../src/core/proxies';
import { X_METRICS, Y_METRICS } from '../../../src/view/axes';
import { GLOSSARY, glossaryIdForAxis, measuredLatencyEntry, type GlossaryId } from '../../../src/view/glossary';

const entries = Object.entries(GLOSSARY) as [GlossaryId, (typeof GLOSSARY)[GlossaryId]][];

describe('glossary', () => {
  it('has an entry for every proxy id and every budget key of core', () => {
    for (const id of PROXY_IDS) expect(GLOSSARY[id], id).toBeDefined();
    for (const key of BUDGET_KEYS) expect(GLOSSARY[key], key).toBeDefined();
  });

  it('has the latency sources and the estimate', () => {
    for (const id of ['latency-analytic', 'latency-predicted', 'latency-measured', 'est-ppl'] as const) expect(GLOSSARY[id]).toBeDefined();
  });

  it('every entry has a title, a paragraph, a non-empty formula and a source', () => {
    for (const [id, e] of entries) {
      expect(e.title.trim(), id).not.toBe('');
      expect(e.body.trim().length, id).toBeGreaterThan(40);
      expect(e.formula.trim(), id).not.toBe('');
      expect(e.source.trim(), id).not.toBe('');
    }
  });

  it('titles are unique (the buttons are named "What is <title>?")', () => {
    const titles = entries.map(([, e]) => e.title);
    expect(new Set(titles).size).toBe(titles.length);
  });

  it("proxies show core's own formula; reconstructions say so", () => {
    for (const id of PROXY_IDS) expect(GLOSSARY[id].formula).toContain(PROXIES[id].formula);
    expect(GLOSSARY.entropy.source).toMatch(/our reconstruction/i);
    expect(GLOSSARY['decoder-params'].source).toMatch(/Javaheripi et al\., NeurIPS 2022/);
    expect(GLOSSARY['latency-analytic'].source).toMatch(/our own model/i);
    expect(GLOSSARY['latency-predicted'].source).toMatch(/our reconstruction/i);
  });

  it('the analytic entry names the default profile', () => {
    expect(GLOSSARY['latency-analytic'].body).toContain('30 GFLOP/s, 10 GB/s, 10 µs per kernel');
  });

  it('maps every chart axis to an entry', () => {
    for (const m of [...X_METRICS, ...Y_METRICS]) expect(GLOSSARY[glossaryIdForAxis(m)], m).toBeDefined();
    expect(glossaryIdForAxis('latency-decode')).toBe('latency-analytic');
    expect(glossaryIdForAxis('latency-prefill', 'predicted')).toBe('latency-predicted');
    expect(glossaryIdForAxis('measured-decode')).toBe('latency-measured');
    expect(glossaryIdForAxis('flops-prefill')).toBe('flops');
    expect(glossaryIdForAxis('est-ppl')).toBe('est-ppl');
  });

  it('the measured-latency entry carries the Measure panel figures', () => {
    const e = measuredLatencyEntry({ maxFrontier: 20, warmup: 2, runs: 10 });
    expect(e.title).toBe(GLOSSARY['latency-measured'].title);
    expect(e.notes?.join(' ')).toMatch(/at most 20 candidates spread evenly.*2 warm-up \+ at least 10 timed runs.*refused, not tried/s);
    expect(measuredLatencyEntry({ maxFrontier: 20, warmup: 2, runs: NaN }).notes?.join(' ')).toContain('at least ? timed runs');
  });
});
