// Numbers as the UI prints them: units, SI prefixes, thousands separators.
import { describe, expect, it } from 'vitest';
import {
  formatBytes,
  formatCount,
  formatElapsed,
  formatFlops,
  formatInt,
  formatMs,
  formatParams,
  formatRange,
  formatSci,
  sig,
} from '../../../src/view/format';

describe('format', () => {
  it('prints the examples of the design', () => {
    expect(formatParams(64.2e6)).toBe('64.2 M params');
    expect(formatMs(12.34)).toBe('12.3 ms');
    expect(formatFlops(1.2e9)).toBe('1.2 GFLOPs');
    expect(formatBytes(245e6)).toBe('245 MB');
    expect(formatInt(20000)).toBe('20,000');
  });

  it('handles edges', () => {
    expect(sig(0)).toBe('0');
    expect(sig(1234.5)).toBe('1,235');
    expect(sig(0.012345)).toBe('0.0123');
    expect(formatCount(950)).toBe('950');
    expect(formatCount(999_600)).toBe('1 M');
    expect(formatMs(1530)).toBe('1.53 s');
    expect(formatMs(NaN)).toBe('–');
    expect(formatElapsed(1449)).toBe('1.4 s');
    expect(formatElapsed(125_000)).toBe('2 min 05 s');
    expect(formatSci(3.77e9)).toBe('3.77e9');
    expect(formatSci(12.5)).toBe('12.5');
    expect(formatRange(2, 8)).toBe('2–8');
    expect(formatRange(4, 4)).toBe('4');
  });
});
