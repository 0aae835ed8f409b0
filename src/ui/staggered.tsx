// Mount a row of heavy children one task at a time. Each recharts chart mounts with a synchronous
// re-render from its own layout effects (it registers axes and items in its store, then draws),
// so three charts mounted together were one 80-90 ms task when the Proxy check opened; one per
// task keeps each near 25 ms. Placeholders of the same size keep the layout still meanwhile.
import { useEffect, useState } from 'react';

/** How many of `count` items to render now: 1 at first, then one more per task. */
export function useStaggered(count: number): number {
  const [shown, setShown] = useState(Math.min(1, count));
  useEffect(() => {
    if (shown >= count) return;
    const id = setTimeout(() => setShown((n) => Math.min(count, n + 1)), 0);
    return () => clearTimeout(id);
  }, [shown, count]);
  return Math.min(shown, count);
}

/** Holds a proxy plot's place (caption line + 300 x 250 chart) until it mounts. */
export const PlotPlaceholder = () => <figure className="proxy-plot" style={{ minHeight: 280, minWidth: 300 }} aria-hidden="true" />;
