import { describe, expect, it } from 'vitest';
import { withOriginalSize, type DecodedInput } from './detect_pipeline';
import { DetectorError } from './errors';

// only the bitmap's size is read
const shrunk = (width: number, height: number): DecodedInput => ({ bitmap: { width, height } as ImageBitmap, width, height });

describe('withOriginalSize: the size results are reported in', () => {
  it('is the decoded size unless the caller names the image its bitmap was shrunk from', () => {
    const image = shrunk(4096, 2048);
    expect(withOriginalSize(image, undefined)).toBe(image);
    const original = withOriginalSize(image, { width: 12000, height: 6000 });
    expect([original.width, original.height, original.bitmap]).toEqual([12000, 6000, image.bitmap]);
    // each side rounded to whole pixels by the shrink: 7001 x 3001 -> 4096 x 1756
    expect(withOriginalSize(shrunk(4096, 1756), { width: 7001, height: 3001 }).height).toBe(3001);
  });

  it('refuses a size that is not the bitmap\'s shape, or not a size, naming what to give', () => {
    const wrongShape = () => withOriginalSize(shrunk(4096, 2048), { width: 6000, height: 6000 });
    expect(wrongShape).toThrow(DetectorError);
    expect(wrongShape).toThrow('originalSize 6000 x 6000 does not have the shape of the 4096 x 2048 image: give the size of the image it was shrunk from');
    expect(() => withOriginalSize(shrunk(40, 20), { width: 0, height: 20 })).toThrow('originalSize must be a positive width and height, got 0 x 20');
    expect(() => withOriginalSize(shrunk(40, 20), { width: NaN, height: 20 })).toThrow('got NaN x 20');
  });
});
