// The content width of an element, from a ResizeObserver, for charts that need a pixel width.
// Replaces recharts' ResponsiveContainer, whose mount effect reads getBoundingClientRect (a
// forced layout of the whole page, 27 ms at load here) and then re-renders the chart in a
// synchronous update (56 ms): one long task. The observer reports after the browser's own layout,
// and the width is set in a transition, so React renders the chart in slices. A width of 0 (the
// box hidden) is ignored.
import { startTransition, useEffect, useState } from 'react';

export function useBoxWidth(el: HTMLElement | null): number {
  const [width, setWidth] = useState(0);
  useEffect(() => {
    if (!el || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver((entries) => {
      const w = Math.round(entries[entries.length - 1].contentRect.width);
      // A hidden box (the explorer while another tab shows) measures 0: keep the last width, or
      // the chart would unmount on every tab switch and mount again on the way back.
      if (w > 0) startTransition(() => setWidth(w));
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, [el]);
  return width;
}
