// The content width of an element, from a ResizeObserver, for charts that need a pixel width.
// Replaces recharts' ResponsiveContainer, whose mount effect reads getBoundingClientRect (a
// forced layout of the whole page, 27 ms at load here) and then re-renders the chart in a
// synchronous update (56 ms): one long task. The observer reports after the browser's own layout,
// and the width is set in a transition, so React renders the chart in slices.
import { startTransition, useEffect, useState } from 'react';

export function useBoxWidth(el: HTMLElement | null): number {
  const [width, setWidth] = useState(0);
  useEffect(() => {
    if (!el || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver((entries) => {
      const w = Math.round(entries[entries.length - 1].contentRect.width);
      startTransition(() => setWidth(w));
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, [el]);
  return width;
}
