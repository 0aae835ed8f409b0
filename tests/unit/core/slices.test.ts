// Round-robin slices without tfjs: the order they are taken in, what a failed candidate keeps,
// and the statistics of pooled slices.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mergeTimings, roundRobin, sliceOptions, type SliceOutcome } from '../../../src/core/slices';
import { summarize } from '../../../src/core/stats';
import type { MeasureResult, WorkloadTiming } from '../../../src/core/timingStats';

const fakeResult = (arch: string, round: number): MeasureResult => {
  const t = { medianMs: round + 1, p10Ms: 1, p90Ms: 1, cv: 0, firstRunMs: 1, runs: 1, timesMs: [round + 1] };
  return {
    backend: 'cpu',
    arch,
    params: 1,
    tokens: 8,
    buildMs: 1,
    prefill: t,
    decode: t,
    peakBytes: 1,
    estimatedBytes: 1,
    leakedTensors: 0,
  };
};

describe('roundRobin', () => {
  it('takes every candidate once per round, in order, and returns each one slices', async () => {
    const order: string[] = [];
    const seen: string[] = [];
    const slices = await roundRobin(
      3,
      2,
      async (i, r) => {
        order.push(`${i}.${r}`);
        return fakeResult(`a${i}`, r);
      },
      { onSlice: (i, r, done) => seen.push(`${i}.${r}:${done.length}`) },
    );
    expect(order).toEqual(['0.0', '1.0', '2.0', '0.1', '1.1', '2.1']);
    expect(seen).toEqual(['0.0:1', '1.0:1', '2.0:1', '0.1:2', '1.1:2', '2.1:2']);
    expect(slices.map((s) => s.map((x) => `${x.arch}/${x.prefill.medianMs}`))).toEqual([
      ['a0/1', 'a0/2'],
      ['a1/1', 'a1/2'],
      ['a2/1', 'a2/2'],
    ]);
  });

  it('skips a failed candidate in later rounds and drops its earlier slices; the others go on', async () => {
    const order: string[] = [];
    const failures: string[] = [];
    const into: MeasureResult[][] = [];
    const slices = await roundRobin(
      2,
      3,
      async (i, r): Promise<SliceOutcome> => {
        order.push(`${i}.${r}`);
        return i === 1 && r === 1 ? { error: 'too large' } : fakeResult(`a${i}`, r);
      },
      { into, onFailure: (i, e) => failures.push(`${i}: ${e}`) },
    );
    expect(order).toEqual(['0.0', '1.0', '0.1', '1.1', '0.2']);
    expect(failures).toEqual(['1: too large']);
    expect(slices[0]).toHaveLength(3);
    expect(slices[1]).toEqual([]);
    expect(into).toBe(slices); // a caller that stops early reads what was timed from its own array
  });

  it('a rejection ends the loop at once', async () => {
    const order: string[] = [];
    const run = roundRobin(2, 2, async (i, r) => {
      order.push(`${i}.${r}`);
      if (i === 1) throw new Error('stopped');
      return fakeResult('a', r);
    });
    await expect(run).rejects.toThrow('stopped');
    expect(order).toEqual(['0.0', '1.0']);
  });

  it('rejects a round count that is not a positive integer', async () => {
    for (const rounds of [0, 1.5, -1, NaN]) {
      await expect(roundRobin(1, rounds, async () => fakeResult('a', 0))).rejects.toThrow(/rounds must be/);
    }
  });
});

describe('sliceOptions', () => {
  it('gives each slice its share of the runs (rounded up) and of the time', () => {
    expect(sliceOptions({ runs: 10, minTimeMs: 1000, tokens: 8 }, 4)).toEqual({ runs: 3, minTimeMs: 250, tokens: 8 });
    expect(sliceOptions({}, 2)).toEqual({ runs: 5, minTimeMs: 0 });
  });
});

describe('mergeTimings', () => {
  const timing = (timesMs: number[], referenceTimesMs?: number[]): WorkloadTiming => {
    const s = summarize(timesMs);
    return {
      medianMs: s.median,
      p10Ms: s.p10,
      p90Ms: s.p90,
      cv: s.cv,
      firstRunMs: timesMs[0] * 3,
      runs: timesMs.length,
      timesMs,
      ...(referenceTimesMs && {
        paired: {
          reference: 'gemv',
          description: 'fake',
          referenceBytes: 8,
          referenceFlops: 4,
          ratioMedian: NaN,
          ratioP10: NaN,
          ratioP90: NaN,
          ratioCv: NaN,
          referenceMedianMs: NaN,
          referenceTimesMs,
        },
      }),
    };
  };
  const times = fc.array(fc.double({ min: 0.1, max: 1e3, noNaN: true }), { minLength: 1, maxLength: 20 });

  it('gives the statistics of every run pooled, and the first slice first run', () => {
    fc.assert(
      fc.property(fc.array(times, { minLength: 1, maxLength: 5 }), (slices) => {
        const merged = mergeTimings(slices.map((t) => timing(t)));
        const all = slices.flat();
        const s = summarize(all);
        expect(merged).toMatchObject({ medianMs: s.median, p10Ms: s.p10, p90Ms: s.p90, cv: s.cv, runs: all.length, timesMs: all });
        expect(merged.firstRunMs).toBe(slices[0][0] * 3);
        expect(merged.paired).toBeUndefined();
      }),
    );
  });

  it('pairs each pooled run with its own reference time', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(times, fc.double({ min: 0.5, max: 2, noNaN: true })), { minLength: 1, maxLength: 5 }), (slices) => {
        // Each slice's references run at its own speed: the ratio must pair run i with reference i.
        const merged = mergeTimings(
          slices.map(([t, k]) =>
            timing(
              t,
              t.map((x) => x * k),
            ),
          ),
        );
        const ratios = slices.flatMap(([t, k]) => t.map(() => 1 / k));
        expect(merged.paired!.ratioMedian).toBeCloseTo(summarize(ratios).median, 9);
        expect(merged.paired!.referenceTimesMs).toHaveLength(merged.runs);
        expect(merged.paired).toMatchObject({ reference: 'gemv', description: 'fake', referenceBytes: 8, referenceFlops: 4 });
      }),
    );
  });
});
