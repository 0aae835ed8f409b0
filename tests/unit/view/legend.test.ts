import { describe, expect, it } from 'vitest';
import { LEGEND_MAX_SERIES, legendItems, moreText, truncateLabel } from '../../../src/view/legend';

describe('legend', () => {
  it('shows every item up to the cap', () => {
    expect(legendItems([1, 2, 3], 8)).toEqual({ shown: [1, 2, 3], more: 0 });
    expect(legendItems([], 8)).toEqual({ shown: [], more: 0 });
    const eight = Array.from({ length: 8 }, (_, i) => i);
    expect(legendItems(eight, 8)).toEqual({ shown: eight, more: 0 });
  });

  it('300 series: the first 8, then "and 292 more"', () => {
    const series = Array.from({ length: 300 }, (_, i) => `s${i}`);
    const { shown, more } = legendItems(series);
    expect(LEGEND_MAX_SERIES).toBe(8);
    expect(shown).toEqual(series.slice(0, 8));
    expect(more).toBe(292);
    expect(moreText(more)).toBe('and 292 more device series');
    expect(moreText(1200)).toBe('and 1,200 more device series');
  });

  it('a cap of 0 or less shows nothing and counts all', () => {
    expect(legendItems(['a', 'b'], 0)).toEqual({ shown: [], more: 2 });
    expect(legendItems(['a', 'b'], -3)).toEqual({ shown: [], more: 2 });
  });

  it('truncates long labels with an ellipsis, never splitting a surrogate pair', () => {
    expect(truncateLabel('short', 60)).toBe('short');
    const long = 'x'.repeat(3000);
    const t = truncateLabel(long, 60);
    expect(Array.from(t)).toHaveLength(60);
    expect(t.endsWith('…')).toBe(true);
    expect(truncateLabel('😀'.repeat(10), 5)).toBe('😀😀😀😀…');
  });
});
