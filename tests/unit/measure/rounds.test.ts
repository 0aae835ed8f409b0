// Interleaved measurement: the round-robin order of slices, pooled statistics, no leaks.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { measureRounds } from '../../../src/measure/rounds';
import { countParams } from '../../../src/core/params';
import { summarize } from '../../../src/core/stats';
import { TINY, useCpu } from './fixtures';

beforeAll(useCpu);

describe('measureRounds', () => {
  it('takes the slices round-robin and pools each arch runs, leaking nothing', async () => {
    const archs = [TINY.gpt2, TINY['opt-pre']];
    const before = tf.memory().numTensors;
    const order: string[] = [];
    const results = await measureRounds(archs, { tokens: 8, runs: 4, warmup: 1, rounds: 3, onSlice: (a, r) => order.push(`${a}.${r}`) });
    expect(order).toEqual(['0.0', '1.0', '0.1', '1.1', '0.2', '1.2']);
    expect(results).toHaveLength(2);
    for (const [i, r] of results.entries()) {
      expect(r.params).toBe(countParams(archs[i]).total);
      expect(r.slices).toBe(3);
      for (const w of [r.prefill, r.decode]) {
        expect(w.runs).toBe(3 * Math.ceil(4 / 3)); // each slice's share, rounded up
        expect(w.timesMs).toHaveLength(w.runs);
        expect(w.medianMs).toBe(summarize(w.timesMs).median);
      }
      expect(r.leakedTensors).toBe(0);
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('splits the time budget and keeps the pairing across slices', async () => {
    const [r] = await measureRounds([TINY.gpt2], { tokens: 8, runs: 2, warmup: 1, minTimeMs: 60, rounds: 2, paired: true });
    const total = r.decode.timesMs.reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThanOrEqual(60); // 30 ms a slice, at least
    expect(r.decode.paired!.referenceTimesMs).toHaveLength(r.decode.runs);
    expect(r.prefill.paired!.reference).toBe('matmul');
  });

  it('rejects a round count that is not a positive integer', async () => {
    for (const rounds of [0, 1.5, -1, NaN]) {
      await expect(measureRounds([TINY.gpt2], { rounds })).rejects.toThrow(/rounds must be/);
    }
  });
});
