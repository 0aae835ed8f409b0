import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { boxesOverlap, labelWidth, layoutLabels, stairBoxes, type Box } from '../../../src/view/labelLayout';

const plot: Box = { x: 60, y: 16, width: 1100, height: 380 };

describe('layoutLabels', () => {
  it('puts a lone label right of its marker', () => {
    const [l] = layoutLabels([{ sx: 300, sy: 200, text: 'GPT-2' }], plot, []);
    expect(l.box.x).toBeGreaterThan(300);
    expect(l.leader).toBe(false);
    expect(l.overlaps).toBe(false);
  });

  it('moves a label off the step line and off a neighbour', () => {
    const stairs = stairBoxes(
      [
        { sx: 100, sy: 380 },
        { sx: 300, sy: 200 },
        { sx: 500, sy: 100 },
      ],
      plot.x + plot.width,
    );
    const anchors = [
      { sx: 290, sy: 200, text: 'OPT-350M' },
      { sx: 295, sy: 205, text: 'Pythia-70M' },
    ];
    const [a, b] = layoutLabels(anchors, plot, stairs);
    expect(boxesOverlap(a.box, b.box)).toBe(false);
    for (const l of [a, b]) {
      expect(l.overlaps).toBe(false);
      expect(stairs.some((s) => boxesOverlap(l.box, s))).toBe(false);
    }
  });

  it('ten labels around random stairs at 1280 px: no two overlap, none crosses the step line, all inside', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ sx: fc.integer({ min: 80, max: 1140 }), sy: fc.integer({ min: 30, max: 380 }) }), {
          minLength: 10,
          maxLength: 10,
        }),
        fc.array(fc.integer({ min: 30, max: 390 }), { minLength: 3, maxLength: 12 }),
        (points, ys) => {
          const xs = ys.map((_, i) => 80 + (i * 1000) / ys.length);
          const sorted = [...ys].sort((p, q) => q - p);
          const stairs = stairBoxes(
            xs.map((sx, i) => ({ sx, sy: sorted[i] })),
            plot.x + plot.width,
          );
          const names = [
            'GPT-2',
            'GPT-2 medium',
            'OPT-125M',
            'OPT-350M',
            'Pythia-70M',
            'Pythia-160M',
            'SmolLM-135M',
            'TinyLlama-1.1B',
            'Qwen2.5-0.5B',
            'LTS 16-layer GPT-2',
          ];
          const labels = layoutLabels(
            points.map((p, i) => ({ ...p, text: names[i] })),
            plot,
            stairs,
          );
          for (const l of labels) {
            expect(l.box.x).toBeGreaterThanOrEqual(plot.x);
            expect(l.box.x + l.box.width).toBeLessThanOrEqual(plot.x + plot.width);
            if (l.overlaps) continue; // no free spot in the ring: flagged, checked below as rare
            expect(stairs.some((s) => boxesOverlap(l.box, s))).toBe(false);
          }
          const clean = labels.filter((l) => !l.overlaps);
          for (let i = 0; i < clean.length; i++)
            for (let j = i + 1; j < clean.length; j++) expect(boxesOverlap(clean[i].box, clean[j].box)).toBe(false);
          return labels.filter((l) => l.overlaps).length <= 1;
        },
      ),
      { seed: 7, numRuns: 200 },
    );
  });

  it('sizes a label by its text', () => {
    expect(labelWidth('LTS 16-layer GPT-2')).toBeGreaterThan(labelWidth('GPT-2'));
  });
});
