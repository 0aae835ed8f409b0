// Axis domains and ticks: round numbers covering the data, linear and log.
import { describe, expect, it } from 'vitest';
import { axisScale, linearScale, logScale } from '../../../src/view/ticks';

describe('ticks', () => {
  it('linear: round steps covering the data', () => {
    expect(linearScale(3.1, 28.2)).toEqual({ domain: [0, 30], ticks: [0, 5, 10, 15, 20, 25, 30] });
    expect(linearScale(0.11, 0.52).ticks).toEqual([0.1, 0.2, 0.3, 0.4, 0.5, 0.6]);
    const flat = linearScale(5, 5);
    expect(flat.domain[0]).toBeLessThan(5);
    expect(flat.domain[1]).toBeGreaterThan(5);
  });

  it('log: 1-2-5 marks over a few decades, powers of ten over many', () => {
    expect(logScale(3, 28)).toEqual({ domain: [3, 30], ticks: [3, 5, 7, 10, 15, 20, 30] });
    expect(logScale(1.2e6, 4.7e7)).toEqual({ domain: [1e6, 5e7], ticks: [1e6, 2e6, 5e6, 1e7, 2e7, 5e7] });
    expect(logScale(0.5, 2e4).ticks).toEqual([0.1, 1, 10, 100, 1000, 1e4, 1e5]);
  });

  it('ignores non-finite values, and non-positive ones on a log axis', () => {
    expect(axisScale([NaN, 2, 8, Infinity], false).domain).toEqual([2, 8]);
    expect(axisScale([-1, 0, 3, 28], true).domain).toEqual([3, 30]);
    expect(axisScale([], true).domain).toEqual([1, 10]);
  });
});
