// The proxy check's data: the shipped LTS reference, analysed as the tab shows it.
import { describe, expect, it } from 'vitest';
import { createReferenceStore } from '../../../src/state/referenceStore';

describe('reference store', () => {
  it('loads the shipped LTS data lazily and reports each proxy and the power-law fit', async () => {
    const store = createReferenceStore();
    expect(store.getState().status).toBe('idle');
    await store.getState().load();
    const s = store.getState();
    expect(s.status).toBe('ready');
    const a = s.analysis!;
    expect(a.n).toBe(200);
    const by = Object.fromEntries(a.correlations.map((c) => [c.proxy, c]));
    expect(by['decoder-params'].spearman).toBeGreaterThan(0.9);
    expect(by.entropy.spearman).toBeGreaterThan(0.5);
    expect(a.fit.b).toBeLessThan(0);
    expect(a.fit.dataset).toBe('LTS GPT-2, WikiText-103');
    expect(a.points['decoder-params']).toHaveLength(200);
  });

  it('reports a broken file instead of throwing', async () => {
    const store = createReferenceStore(async () => ({ models: [] }));
    await store.getState().load();
    expect(store.getState().status).toBe('error');
    expect(store.getState().error).toMatch(/could not load the reference data: a reference file must hold/);
  });
});
