// Per-layer bars of the selected arch: attention heads and FFN width (dInner), layer by layer.
// Plain SVG: a few dozen rects. (Mounting and unmounting two recharts charts on every selection
// change cost ~100 ms of main thread, a long task at the end of each search.)
import { kvHeads, type Arch } from '../core/arch';
import { linearScale } from '../view/ticks';

const W = 300;
const H = 150;
const PAD = { left: 40, right: 8, top: 8, bottom: 22 };

function LayerChart({ title, values, tone }: { title: string; values: number[]; tone: string }) {
  const max = Math.max(...values);
  const ticks = linearScale(0, max, 4).ticks;
  const top = Math.max(max, ticks[ticks.length - 1]);
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const y = (v: number) => PAD.top + plotH * (1 - v / top);
  const band = plotW / values.length;
  const barW = Math.max(2, band * 0.72);
  const labelEvery = values.length > 16 ? 2 : 1;
  return (
    <figure className="layer-chart">
      <figcaption>{title}</figcaption>
      <svg width={W} height={H} role="img" aria-label={`${title}: ${values.join(', ')}`}>
        {ticks.map((t) => (
          <g key={t}>
            <line className="grid-line" x1={PAD.left} x2={W - PAD.right} y1={y(t)} y2={y(t)} />
            <text className="tick" x={PAD.left - 6} y={y(t)} dy="0.32em" textAnchor="end">
              {t}
            </text>
          </g>
        ))}
        {values.map((v, i) => (
          <g key={i}>
            <rect className={`bar tone-${tone}`} x={PAD.left + i * band + (band - barW) / 2} y={y(v)} width={barW} height={y(0) - y(v)}>
              <title>
                layer {i + 1}: {v}
              </title>
            </rect>
            {i % labelEvery === 0 ? (
              <text className="tick" x={PAD.left + (i + 0.5) * band} y={H - 6} textAnchor="middle">
                {i + 1}
              </text>
            ) : null}
          </g>
        ))}
        <line className="axis-line" x1={PAD.left} x2={W - PAD.right} y1={y(0)} y2={y(0)} />
      </svg>
    </figure>
  );
}

export function LayerBars({ arch }: { arch: Arch }) {
  return (
    <div className="layer-bars">
      <LayerChart title="Heads per layer" values={arch.layers.map((l) => l.nHead)} tone="att" />
      <LayerChart title="FFN width (dInner) per layer" values={arch.layers.map((l) => l.dInner)} tone="ffn" />
      {arch.family === 'llama' ? <LayerChart title="KV heads per layer" values={arch.layers.map(kvHeads)} tone="att" /> : null}
    </div>
  );
}
