// What a legend shows when there is a lot to show: the first few entries and a count of the rest,
// so 300 stored device series never bury the chart, and labels cut to a length a line can hold
// (the screen shows the full text in a tooltip; an exported figure has none, so it is cut there).

/** Device series a legend lists by name before it says "and N more". */
export const LEGEND_MAX_SERIES = 8;

/** Characters of a label an exported figure's legend keeps. */
export const LEGEND_MAX_CHARS = 60;

export interface CappedList<T> {
  shown: T[];
  /** How many were left out (0: all shown). */
  more: number;
}

/** The first `max` items, and how many were left out. */
export function legendItems<T>(items: readonly T[], max = LEGEND_MAX_SERIES): CappedList<T> {
  const n = Math.max(0, Math.floor(max));
  return items.length <= n ? { shown: [...items], more: 0 } : { shown: items.slice(0, n), more: items.length - n };
}

/** "and 292 more device series" (singular for one). */
export const moreText = (more: number, noun = 'device series'): string => `and ${more.toLocaleString('en-US')} more ${noun}`;

/** A label cut to `max` characters with an ellipsis (whole code points, never half a pair). */
export function truncateLabel(label: string, max = LEGEND_MAX_CHARS): string {
  const chars = Array.from(label);
  return chars.length <= max
    ? label
    : `${chars
        .slice(0, Math.max(1, max - 1))
        .join('')
        .trimEnd()}…`;
}
