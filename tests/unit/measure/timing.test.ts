// The timing protocol: warm-up and timed runs, statistics, peak bytes, leak count.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { ReferenceKernel } from '../../../src/measure/referenceKernels';
import { measureArch, sampleTokens, timeWorkload } from '../../../src/measure/timing';
import { countParams } from '../../../src/core/params';
import { weightSpecs } from '../../../src/core/weights';
import { TINY, useCpu } from './fixtures';
import type { WorkloadTiming } from '../../../src/core/timingStats';

beforeAll(useCpu);

function expectSane(t: WorkloadTiming, runs: number): void {
  expect(t.runs).toBe(runs);
  expect(t.timesMs).toHaveLength(runs);
  for (const x of [t.medianMs, t.p10Ms, t.p90Ms, t.firstRunMs]) {
    expect(Number.isFinite(x)).toBe(true);
    expect(x).toBeGreaterThan(0);
  }
  expect(t.p10Ms).toBeLessThanOrEqual(t.medianMs);
  expect(t.medianMs).toBeLessThanOrEqual(t.p90Ms);
  expect(t.cv).toBeGreaterThanOrEqual(0);
  expect(t.medianMs).toBeGreaterThanOrEqual(Math.min(...t.timesMs));
  expect(t.medianMs).toBeLessThanOrEqual(Math.max(...t.timesMs));
}

describe('timeWorkload', () => {
  it('runs warm-up then timed runs, reads every output and disposes it', async () => {
    const outputs: tf.Tensor[] = [];
    const read: boolean[] = [];
    const run = () => {
      const t = tf.tidy(() => tf.matMul(tf.ones([32, 32]), tf.ones([32, 32])));
      // Record whether the protocol downloads the values (dispatch-only timing is wrong).
      const data = t.data.bind(t);
      t.data = (async () => {
        read.push(true);
        return data();
      }) as typeof t.data;
      outputs.push(t);
      return t;
    };
    const before = tf.memory().numTensors;
    const timing = await timeWorkload(run, { runs: 4, warmup: 3 });
    expect(outputs).toHaveLength(3 + 4); // the first run is one of the warm-up runs
    expect(read).toHaveLength(7);
    expect(outputs.every((t) => t.isDisposed)).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
    expectSane(timing, 4);
  });

  it('times the work: a slower workload has a larger median', async () => {
    const busy = (ms: number) => () => {
      const end = performance.now() + ms;
      while (performance.now() < end);
      return tf.scalar(1);
    };
    const fast = await timeWorkload(busy(0), { runs: 5, warmup: 3 });
    const slow = await timeWorkload(busy(25), { runs: 5, warmup: 3 });
    expect(slow.medianMs).toBeGreaterThanOrEqual(25);
    expect(slow.medianMs).toBeGreaterThan(fast.medianMs + 10);
  });

  it('with a time budget, keeps sampling until the timed runs add up to it (capped by maxRuns)', async () => {
    const busy = (ms: number) => () => {
      const end = performance.now() + ms;
      while (performance.now() < end);
      return tf.scalar(1);
    };
    const progress: [number, number][] = [];
    const t = await timeWorkload(busy(4), { runs: 3, warmup: 1, minTimeMs: 60, onRun: (r, of) => progress.push([r, of]) });
    expect(t.runs).toBeGreaterThan(3);
    expect(t.timesMs.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(60);
    expect(t.timesMs.reduce((a, b) => a + b, 0) - t.timesMs[t.runs - 1]).toBeLessThan(60); // stopped at once
    expect(progress.map(([r]) => r)).toEqual(Array.from({ length: t.runs }, (_, i) => i + 1));
    expect(progress.every(([r, of]) => of >= r)).toBe(true);
    const capped = await timeWorkload(busy(4), { runs: 2, warmup: 1, minTimeMs: 10_000, maxRuns: 5 });
    expect(capped.runs).toBe(5);
    const floor = await timeWorkload(busy(0), { runs: 7, warmup: 1, minTimeMs: 0 });
    expect(floor.runs).toBe(7);
  });

  it('paired: times the reference after every run, and the ratio cancels a change of machine speed', async () => {
    // A fake clock: the workload costs 3 units and the reference 2, both times the machine's
    // speed factor, which halves part-way (a slow phase). The raw median moves, the ratio must not.
    let now = 0;
    let factor = 1;
    const clock = vi.spyOn(performance, 'now').mockImplementation(() => now);
    try {
      let calls = 0;
      const reference: ReferenceKernel = {
        kind: 'gemv',
        bytes: 64,
        flops: 32,
        description: 'fake',
        time: async () => {
          now += 2 * factor;
          calls++;
          return 2 * factor;
        },
        dispose: () => {},
      };
      const run = (slowAfter: number) => {
        let runs = 0;
        return () => {
          if (++runs > slowAfter) factor = 2;
          now += 3 * factor;
          return tf.scalar(1);
        };
      };
      const steady = await timeWorkload(run(Infinity), { runs: 9, warmup: 2, reference });
      expect(calls).toBe(2 + 9); // after each warm-up run too (packs the reference's weights)
      factor = 1;
      const drifting = await timeWorkload(run(2 + 3), { runs: 9, warmup: 2, reference });
      expect(steady.paired!.referenceTimesMs).toHaveLength(9);
      expect(steady.paired!.ratioMedian).toBeCloseTo(1.5, 10);
      expect(steady.paired!.ratioCv).toBeCloseTo(0, 10);
      expect(drifting.medianMs).toBeCloseTo(6, 10); // the raw figure follows the slow phase
      expect(drifting.paired!.ratioMedian).toBeCloseTo(1.5, 10); // the paired one does not
      expect(drifting.paired!.referenceMedianMs).toBeCloseTo(4, 10);
      expect(drifting.paired).toMatchObject({ reference: 'gemv', description: 'fake', referenceBytes: 64, referenceFlops: 32 });
    } finally {
      clock.mockRestore();
    }
  });

  it('stops on abort', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(timeWorkload(() => tf.scalar(1), { runs: 2, warmup: 1, signal: controller.signal })).rejects.toThrow();
  });
});

describe('measureArch', () => {
  it('returns sane numbers for prefill and decode and leaks nothing', async () => {
    const arch = TINY['llama-gqa-tied'];
    const phases = new Set<string>();
    const r = await measureArch(arch, { tokens: 16, runs: 3, onProgress: (p) => phases.add(p) });
    expect(r.backend).toBe('cpu');
    expect(r.tokens).toBe(16);
    expect(r.params).toBe(countParams(arch).total);
    expectSane(r.prefill, 3);
    expectSane(r.decode, 3);
    expect(r.leakedTensors).toBe(0);
    // The peak includes the fp32 weights and cannot be below them.
    expect(r.peakBytes).toBeGreaterThanOrEqual(4 * r.params);
    expect(r.peakBytes).toBeLessThan(50 * r.estimatedBytes);
    expect([...phases]).toEqual(['build', 'prefill', 'decode', 'peak']);
    expect(r.prefill.paired).toBeUndefined();
  });

  it('reports each phase as it starts and goes: weights built, 0 runs before the warm-ups, both peak passes', async () => {
    const arch = TINY.gpt2;
    const events: [string, number, number][] = [];
    await measureArch(arch, { tokens: 8, runs: 2, warmup: 1, onProgress: (p, r, n) => events.push([p, r, n]) });
    const weights = weightSpecs(arch).length;
    const of = (phase: string) => events.filter(([p]) => p === phase);
    expect(events[0]).toEqual(['build', 0, 1]);
    expect(of('build').at(-1)).toEqual(['build', weights, weights]); // a tiny build: the end only
    expect(of('prefill')).toEqual([
      ['prefill', 0, 2],
      ['prefill', 1, 2],
      ['prefill', 2, 2],
    ]);
    expect(of('decode')[0]).toEqual(['decode', 0, 2]);
    expect(of('peak')).toEqual([
      ['peak', 0, 2],
      ['peak', 1, 2],
      ['peak', 2, 2],
    ]);
    expect(events.map(([p]) => p).filter((p, i, all) => p !== all[i - 1])).toEqual(['build', 'prefill', 'decode', 'peak']);
  });

  it('paired: a matmul reference after each prefill, a GEMV after each decode, all disposed', async () => {
    const before = tf.memory().numTensors;
    const r = await measureArch(TINY.gpt2, { tokens: 8, runs: 3, warmup: 1, paired: true });
    expect(r.prefill.paired).toMatchObject({ reference: 'matmul' });
    expect(r.decode.paired).toMatchObject({ reference: 'gemv' });
    for (const t of [r.prefill, r.decode]) {
      const p = t.paired!;
      expect(p.referenceTimesMs).toHaveLength(3);
      expect(p.referenceTimesMs.every((ms) => ms > 0)).toBe(true);
      const ratios = t.timesMs.map((ms, i) => ms / p.referenceTimesMs[i]).sort((a, b) => a - b);
      expect(p.ratioMedian).toBeCloseTo(ratios[1], 12);
    }
    // On cpu the GEMV reference is [1 x 256] x [256 x 1024], 2 matrices.
    expect(r.decode.paired!.referenceBytes).toBe(2 * 4 * 256 * 1024);
    expect(r.leakedTensors).toBe(0);
    expect(tf.memory().numTensors).toBe(before);
    // The guard counted the larger reference's weights: the matmul is freed before the GEMV is made.
    const plain = await measureArch(TINY.gpt2, { tokens: 8, runs: 1, warmup: 1 });
    expect(r.estimatedBytes - plain.estimatedBytes).toBe(Math.max(4 * (2 * 256 * 1024 + 256), 4 * (128 * 512 + 32 * 128)));
  });

  it('counts tensors left alive (the leak check can see a leak)', async () => {
    let leaked: tf.Tensor | undefined;
    const r = await measureArch(TINY.gpt2, {
      tokens: 8,
      runs: 1,
      warmup: 1,
      onProgress: (phase) => {
        if (phase === 'decode' && !leaked) leaked = tf.scalar(0);
      },
    });
    expect(r.leakedTensors).toBe(1);
    leaked?.dispose();
  });

  it('disposes the model when a run is aborted', async () => {
    const before = tf.memory().numTensors;
    const controller = new AbortController();
    const run = measureArch(TINY.gpt2, {
      tokens: 8,
      runs: 50,
      signal: controller.signal,
      onProgress: (phase) => {
        if (phase === 'prefill') controller.abort();
      },
    });
    await expect(run).rejects.toThrow();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects a context with no room for the decode step', async () => {
    await expect(measureArch(TINY.gpt2, { tokens: TINY.gpt2.contextLength })).rejects.toThrow(/no room for a decode step/);
  });

  it('samples deterministic tokens inside the vocabulary', () => {
    const a = sampleTokens(50, 7, 3);
    expect(a).toEqual(sampleTokens(50, 7, 3));
    expect(a.every((t) => t >= 0 && t < 7)).toBe(true);
    expect(new Set(a).size).toBeGreaterThan(3);
  });
});
