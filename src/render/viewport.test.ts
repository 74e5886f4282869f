import { describe, expect, it } from 'vitest';
import { fitViewport, imageToScreen, screenToImage } from './viewport';

describe('fitViewport', () => {
  it('fits a wide image to the width and centres it vertically', () => {
    const vp = fitViewport({ width: 640, height: 480 }, { width: 800, height: 800 });
    expect(vp.scale).toBeCloseTo(1.25);
    expect(vp.offsetX).toBeCloseTo(0);
    expect(vp.offsetY).toBeCloseTo(100);
  });

  it('respects padding and a maximum scale', () => {
    const vp = fitViewport({ width: 100, height: 100 }, { width: 500, height: 300 }, { padding: 10, maxScale: 2 });
    expect(vp.scale).toBe(2);
    expect(vp.offsetX).toBe(150);
    expect(vp.offsetY).toBe(50);
  });

  it('image → screen → image is the identity', () => {
    const vp = fitViewport({ width: 275, height: 183 }, { width: 613, height: 401 }, { padding: 8 });
    const [x1, y1] = imageToScreen(vp, [12.5, 40, 0, 0]);
    const back = screenToImage(vp, { x: x1, y: y1 });
    expect(back.x).toBeCloseTo(12.5);
    expect(back.y).toBeCloseTo(40);
  });
});
