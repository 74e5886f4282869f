import { describe, expect, it } from 'vitest';
import { PLOT } from './loss_plot';
import { validationGeometry } from './validation_plot';

describe('validation plot', () => {
  it('maps iteration 0..N to the width and mAP 0..1 to the height, in iteration order', () => {
    const g = validationGeometry([{ iteration: 200, mAP: 0.5 }, { iteration: 100, mAP: 1 }], 200);
    const bottom = PLOT.height - PLOT.bottom;
    const innerH = PLOT.height - PLOT.top - PLOT.bottom;
    expect(g.points.map((p) => p.iteration)).toEqual([100, 200]);
    expect(g.points[0].y).toBe(PLOT.top);
    expect(g.points[1].y).toBeCloseTo(bottom - innerH / 2, 1);
    expect(g.points[1].x).toBe(PLOT.width - PLOT.right);
    expect(g.path.startsWith('M')).toBe(true);
    expect(g.path.split(' L')).toHaveLength(2);
  });

  it('rings the best point, the later one on a tie (as the run chooses)', () => {
    const g = validationGeometry([{ iteration: 50, mAP: 0.8 }, { iteration: 100, mAP: 0.6 }, { iteration: 150, mAP: 0.8 }], 200);
    expect(g.best?.iteration).toBe(150);
    expect(validationGeometry([], 10).best).toBeNull();
  });
});
