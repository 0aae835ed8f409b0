// One horizontal stacked bar with a labelled legend: where parameters or FLOPs go.
export interface Part {
  label: string;
  value: number;
  tone: 'emb' | 'att' | 'ffn' | 'norm';
}

export function BreakdownBar({ title, parts, format }: { title: string; parts: Part[]; format: (v: number) => string }) {
  const total = parts.reduce((s, p) => s + p.value, 0);
  const pct = (v: number) => (total > 0 ? (100 * v) / total : 0);
  return (
    <figure className="breakdown">
      <figcaption>
        {title} <span className="muted">· {format(total)}</span>
      </figcaption>
      <div className="stack" role="img" aria-label={parts.map((p) => `${p.label} ${pct(p.value).toFixed(0)}%`).join(', ')}>
        {parts.map((p) =>
          p.value > 0 ? <span key={p.label} className={`seg tone-${p.tone}`} style={{ width: `${pct(p.value)}%` }} /> : null,
        )}
      </div>
      <ul className="stack-legend">
        {parts.map((p) => (
          <li key={p.label}>
            <span className={`swatch tone-${p.tone}`} aria-hidden="true" />
            {p.label} <span className="num">{format(p.value)}</span>{' '}
            <span className="muted">{pct(p.value) < 0.1 && p.value > 0 ? '<0.1' : pct(p.value).toFixed(pct(p.value) < 10 ? 1 : 0)}%</span>
          </li>
        ))}
      </ul>
    </figure>
  );
}
