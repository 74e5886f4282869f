import { describe, expect, it } from 'vitest';
import { denseBoxes } from './dense_boxes';

describe('denseBoxes', () => {
  it.each([
    [640, 480],
    [500, 375],
    [275, 183],
  ])('gives about 45,000 distinct boxes inside a %ix%i image', (width, height) => {
    const boxes = denseBoxes(width, height);
    const n = boxes.length / 4;
    expect(n).toBeGreaterThan(44_000);
    expect(n).toBeLessThan(46_000);
    const keys = new Set<string>();
    for (let i = 0; i < n; i++) {
      const [x1, y1, x2, y2] = boxes.subarray(4 * i, 4 * i + 4);
      expect(x1 >= 0 && y1 >= 0 && x2 <= width && y2 <= height && x2 > x1 && y2 > y1).toBe(true);
      keys.add(`${x1},${y1},${x2},${y2}`);
    }
    expect(keys.size).toBe(n);
  });

  it('follows targetCount and includes the whole image', () => {
    const boxes = denseBoxes(320, 240, { targetCount: 5000 });
    expect(Math.abs(boxes.length / 4 - 5000)).toBeLessThan(250);
    const whole = Array.from({ length: boxes.length / 4 }, (_, i) => boxes.subarray(4 * i, 4 * i + 4).join(','));
    expect(whole).toContain('0,0,320,240');
  });

  it('comes in a seeded random order, the same boxes as the grid order', () => {
    const grid = denseBoxes(200, 100, { targetCount: 2000, shuffleSeed: null });
    const shuffled = denseBoxes(200, 100, { targetCount: 2000 });
    const keys = (b: Float32Array) => Array.from({ length: b.length / 4 }, (_, i) => b.subarray(4 * i, 4 * i + 4).join(','));
    expect(keys(shuffled)).not.toEqual(keys(grid));
    expect([...keys(shuffled)].sort()).toEqual([...keys(grid)].sort());
    expect(Array.from(denseBoxes(200, 100, { targetCount: 2000 }))).toEqual(Array.from(shuffled));
    // The first boxes of the grid order are all of the smallest scale; a shuffled prefix mixes scales.
    const widths = (b: Float32Array) => new Set(Array.from({ length: 50 }, (_, i) => b[4 * i + 2] - b[4 * i]));
    expect(widths(shuffled).size).toBeGreaterThan(widths(grid).size);
  });

  it('an explicit stride of one box width tiles each scale without overlap', () => {
    const boxes = denseBoxes(64, 64, { minSize: 16, scaleStep: 2, aspectRatios: [1], stride: 1 });
    // sides 16, 32, 64 (and 64 clipped from 128 is a duplicate): 16 + 4 + 1 boxes.
    expect(boxes.length / 4).toBe(21);
  });
});
