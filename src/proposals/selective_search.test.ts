import { describe, expect, it } from 'vitest';
import { selectiveSearch } from './selective_search';
import { paintImage } from './test_support/synthetic_image';

const image = paintImage(
  96,
  72,
  [230, 230, 210],
  [
    { box: [8, 10, 40, 40], rgb: [200, 30, 30] },
    { box: [50, 6, 88, 30], rgb: [30, 140, 40] },
    { box: [56, 40, 80, 66], rgb: [40, 40, 180] },
  ],
  8,
);

function containsBox(boxes: Float32Array, box: readonly number[]): boolean {
  for (let o = 0; o < boxes.length; o += 4) {
    if (boxes[o] === box[0] && boxes[o + 1] === box[1] && boxes[o + 2] === box[2] && boxes[o + 3] === box[3]) return true;
  }
  return false;
}

describe('selectiveSearch', () => {
  const fast = selectiveSearch(image, { mode: 'fast', ks: [20, 50] });

  it('finds each painted object exactly, and the whole image', () => {
    expect(containsBox(fast, [8, 10, 40, 40])).toBe(true);
    expect(containsBox(fast, [50, 6, 88, 30])).toBe(true);
    expect(containsBox(fast, [56, 40, 80, 66])).toBe(true);
    expect(containsBox(fast, [0, 0, 96, 72])).toBe(true);
  });

  it('gives distinct boxes inside the image', () => {
    const keys = new Set<string>();
    for (let o = 0; o < fast.length; o += 4) {
      const [x1, y1, x2, y2] = fast.subarray(o, o + 4);
      expect(x1 >= 0 && y1 >= 0 && x2 <= 96 && y2 <= 72 && x2 > x1 && y2 > y1).toBe(true);
      keys.add(`${x1},${y1},${x2},${y2}`);
    }
    expect(keys.size).toBe(fast.length / 4);
  });

  it('is deterministic for a seed; another seed reorders the same boxes', () => {
    const again = selectiveSearch(image, { mode: 'fast', ks: [20, 50] });
    expect(Array.from(again)).toEqual(Array.from(fast));
    const reseeded = selectiveSearch(image, { mode: 'fast', ks: [20, 50], seed: 99 });
    expect(Array.from(reseeded)).not.toEqual(Array.from(fast));
    const sorted = (b: Float32Array) => Array.from({ length: b.length / 4 }, (_, i) => b.subarray(4 * i, 4 * i + 4).join(',')).sort();
    expect(sorted(reseeded)).toEqual(sorted(fast));
  });

  it('quality mode diversifies more and finds at least as many boxes', () => {
    const quality = selectiveSearch(image, { mode: 'quality', ks: [20, 50] });
    expect(quality.length).toBeGreaterThan(fast.length);
  });

  it('reports progress up to 1', () => {
    const seen: number[] = [];
    selectiveSearch(image, { mode: 'fast', ks: [20], onProgress: (f) => seen.push(f) });
    expect(seen.length).toBeGreaterThan(2);
    expect(seen.at(-1)).toBe(1);
    expect([...seen].sort((a, b) => a - b)).toEqual(seen);
  });
});
