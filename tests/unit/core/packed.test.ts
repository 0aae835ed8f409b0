// core/packed: a snapshot as typed arrays survives the worker hop (transfer) and every candidate
// is rebuilt exactly from its arch.
import { describe, expect, it } from 'vitest';
import { DEFAULT_SEARCH, searchToEnd, type SearchConfig } from '../../../src/core/search';
import { spacePreset } from '../../../src/core/space';
import {
  archBase,
  layerRanges,
  nLayers,
  packedBuffers,
  packedMetric,
  packSnapshot,
  rebuildCandidate,
  unpackArch,
} from '../../../src/core/packed';

const small = (config: SearchConfig): SearchConfig => ({ ...config, evaluations: 800 });

describe('packed snapshots', () => {
  it.each([
    ['lts-gpt2', DEFAULT_SEARCH],
    ['llama', { ...DEFAULT_SEARCH, space: spacePreset('llama'), budgets: {} }],
  ] as const)('%s: candidates rebuild exactly from the packed arrays', (_, config) => {
    const s = searchToEnd(small(config));
    const p = packSnapshot(s, config.objectives.length);
    expect(p.frontier.count).toBe(s.frontier.length);
    expect(p.sample.count).toBe(s.sample.length);
    s.frontier.forEach((c, i) => {
      expect(rebuildCandidate(p.frontier, i, config)).toEqual(c);
    });
    s.sample.slice(0, 200).forEach((c, i) => {
      expect(unpackArch(p.sample, i, archBase(config))).toEqual(c.arch);
      expect(nLayers(p.sample, i)).toBe(c.arch.layers.length);
      expect(packedMetric(p.sample, i, 'latencyDecode')).toBe(c.latency.decodeMs);
      expect(packedMetric(p.sample, i, 'violation')).toBe(c.violation);
      const heads = c.arch.layers.map((l) => l.nHead);
      expect(layerRanges(p.sample, i)).toMatchObject({ headsMin: Math.min(...heads), headsMax: Math.max(...heads) });
    });
  });

  it('transfers its buffers instead of copying them', () => {
    const s = searchToEnd(small(DEFAULT_SEARCH));
    const p = packSnapshot(s, 2);
    const buffers = packedBuffers(p);
    expect(buffers).toHaveLength(10);
    const moved = structuredClone(p, { transfer: buffers });
    expect(p.frontier.metrics.byteLength).toBe(0); // detached on the sending side
    expect(moved.frontier.count).toBe(s.frontier.length);
    expect(rebuildCandidate(moved.frontier, 0, DEFAULT_SEARCH)).toEqual(s.frontier[0]);
  });
});
