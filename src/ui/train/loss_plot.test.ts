import { describe, expect, it } from 'vitest';
import { niceStep, plotGeometry, PLOT } from './loss_plot';

describe('loss plot', () => {
  it('picks 1-2-5 tick steps', () => {
    expect(niceStep(1.83)).toBe(0.5);
    expect(niceStep(0.09)).toBe(0.05);
    expect(niceStep(12)).toBe(5);
  });

  it('maps iteration 0..N to the plot width and loss 0..yMax to its height', () => {
    const g = plotGeometry([{ iteration: 0, total: 2, cls: 1.5, loc: 0.5 }, { iteration: 10, total: 1, cls: 0.7, loc: 0.3 }], 10);
    expect(g.yMax).toBe(2);
    expect(g.yTicks).toEqual([0, 0.5, 1, 1.5, 2]);
    expect(g.paths.total).toBe(`M${PLOT.left.toFixed(1)},${PLOT.top.toFixed(1)} L${(PLOT.width - PLOT.right).toFixed(1)},${(PLOT.top + (PLOT.height - PLOT.top - PLOT.bottom) / 2).toFixed(1)}`);
  });

  it('skips non-finite losses instead of drawing them', () => {
    const g = plotGeometry([{ iteration: 1, total: NaN, cls: 1, loc: 0.2 }, { iteration: 2, total: 1, cls: 1, loc: 0.2 }], 2);
    expect(g.paths.total.startsWith('M')).toBe(true);
    expect(g.paths.total.split(' ')).toHaveLength(1);
  });
});
