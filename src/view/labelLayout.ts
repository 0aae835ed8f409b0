// Placing the baselines' labels on the chart: each label goes beside its marker at the first of
// a list of positions (right, left, above, below, the diagonals, then farther out with a leader
// line) where it stays inside the plot and overlaps neither another label, another marker, nor
// the frontier's step line. Greedy in order of x; a label with no free position takes the one
// that overlaps least and says so. Pure (screen pixels in, boxes out), tested in Node.

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface LabelAnchor {
  sx: number;
  sy: number;
  text: string;
}

export interface PlacedLabel {
  /** Where the text starts (SVG text x) and its baseline (y). */
  x: number;
  y: number;
  box: Box;
  /** The label sits away from its marker: draw a line from the marker to the box. */
  leader: boolean;
  /** No free position existed: this one overlaps least. */
  overlaps: boolean;
}

/** 11 px sans-serif: about 6.1 px per character on average (system UI fonts); a safe 6.6. */
export const LABEL_CHAR_WIDTH = 6.6;
export const LABEL_HEIGHT = 14;
const GAP = 7;
const MARKER = 6;

export const labelWidth = (text: string): number => Math.ceil(text.length * LABEL_CHAR_WIDTH) + 4;

const intersects = (a: Box, b: Box): boolean => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

/** Overlap area of two boxes (0 when apart). */
const overlapArea = (a: Box, b: Box): number =>
  Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x)) *
  Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y));

/** Segments of a step-after line through `pts` (hold y until the next x), ending at `right`,
 *  as thin boxes (the line is drawn 1.5 px wide; a 3 px box keeps a hair of space). */
export function stairBoxes(pts: readonly { sx: number; sy: number }[], right: number): Box[] {
  const out: Box[] = [];
  const h = (x0: number, x1: number, y: number) => out.push({ x: Math.min(x0, x1), y: y - 1.5, width: Math.abs(x1 - x0), height: 3 });
  const v = (x: number, y0: number, y1: number) => out.push({ x: x - 1.5, y: Math.min(y0, y1), width: 3, height: Math.abs(y1 - y0) });
  for (let i = 0; i + 1 < pts.length; i++) {
    h(pts[i].sx, pts[i + 1].sx, pts[i].sy);
    v(pts[i + 1].sx, pts[i].sy, pts[i + 1].sy);
  }
  if (pts.length) h(pts[pts.length - 1].sx, right, pts[pts.length - 1].sy);
  return out;
}

/** Candidate boxes for a label of width w beside (sx, sy): nearest first. */
function candidates(sx: number, sy: number, w: number): { box: Box; leader: boolean }[] {
  const h = LABEL_HEIGHT;
  const out: { box: Box; leader: boolean }[] = [];
  for (const ring of [0, 1, 2, 3, 4, 5]) {
    const leader = ring > 0;
    const d = GAP + ring * 16;
    const spots: [number, number][] = [
      [sx + d, sy - h / 2], // right
      [sx - d - w, sy - h / 2], // left
      [sx - w / 2, sy - d - h], // above
      [sx - w / 2, sy + d], // below
      [sx + d * 0.7, sy - d * 0.7 - h], // upper right
      [sx + d * 0.7, sy + d * 0.7], // lower right
      [sx - d * 0.7 - w, sy - d * 0.7 - h], // upper left
      [sx - d * 0.7 - w, sy + d * 0.7], // lower left
    ];
    for (const [x, y] of spots) out.push({ box: { x, y, width: w, height: h }, leader });
  }
  return out;
}

/**
 * Labels for `anchors` inside `plot`, avoiding each other, every anchor's marker and the
 * `obstacles` (the step line's segments, frontier points). Returned in the anchors' order.
 */
export function layoutLabels(anchors: readonly LabelAnchor[], plot: Box, obstacles: readonly Box[]): PlacedLabel[] {
  const markers: Box[] = anchors.map((a) => ({ x: a.sx - MARKER, y: a.sy - MARKER, width: 2 * MARKER, height: 2 * MARKER }));
  const placed: Box[] = [];
  const result: PlacedLabel[] = new Array(anchors.length);
  const order = anchors.map((_, i) => i).sort((a, b) => anchors[a].sx - anchors[b].sx || a - b);
  const inside = (b: Box) =>
    b.x >= plot.x && b.y >= plot.y && b.x + b.width <= plot.x + plot.width && b.y + b.height <= plot.y + plot.height;
  for (const i of order) {
    const a = anchors[i];
    const w = labelWidth(a.text);
    let best: { box: Box; leader: boolean; cost: number } | null = null;
    for (const c of candidates(a.sx, a.sy, w)) {
      if (!inside(c.box)) continue;
      let cost = 0;
      for (const p of placed) cost += overlapArea(c.box, p);
      for (const m of markers) cost += overlapArea(c.box, m);
      for (const o of obstacles) if (intersects(c.box, o)) cost += 1 + overlapArea(c.box, o);
      if (cost === 0) {
        best = { ...c, cost };
        break;
      }
      if (!best || cost < best.cost) best = { ...c, cost };
    }
    // A plot too small for the label: pin it to the plot's top-left corner, flagged.
    const chosen = best ?? { box: { x: plot.x, y: plot.y, width: w, height: LABEL_HEIGHT }, leader: true, cost: 1 };
    placed.push(chosen.box);
    result[i] = {
      x: chosen.box.x + 2,
      y: chosen.box.y + LABEL_HEIGHT - 3.5,
      box: chosen.box,
      leader: chosen.leader,
      overlaps: chosen.cost > 0,
    };
  }
  return result;
}

/** True when two placed boxes overlap (tests and the e2e check use the same rule). */
export const boxesOverlap = intersects;
