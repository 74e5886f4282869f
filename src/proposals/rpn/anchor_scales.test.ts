import { describe, expect, it } from 'vitest';
import { boxSizes, chooseAnchorScales, percentile } from './anchor_scales';

const range = (from: number, to: number, n: number) => Array.from({ length: n }, (_, i) => from + ((to - from) * i) / (n - 1));

describe('chooseAnchorScales', () => {
  it("gives two octaves for py-faster-rcnn's 128-512 px boxes, centred in log scale", () => {
    // 5th and 95th percentiles of 0..100 spread to 128..512 exactly: sizes 2^(7 + 2·q)
    const sizes = range(0, 1, 101).map((q) => 2 ** (7 + 2 * ((q - 0.05) / 0.9)));
    expect(percentile(sizes, 5)).toBeCloseTo(128, 6);
    expect(percentile(sizes, 95)).toBeCloseTo(512, 6);
    expect(chooseAnchorScales(sizes)).toEqual([11.3, 22.6]); // 181 and 362 px: each within √2 of 128..256 and 256..512
  });

  it('covers BCCD-like sizes: platelets ~40 px to cells ~180 px, each size within half an octave of an anchor', () => {
    const sizes = [...range(30, 50, 40), ...range(90, 130, 300), ...range(150, 200, 30)];
    const scales = chooseAnchorScales(sizes);
    const lo = percentile(sizes, 5);
    const hi = percentile(sizes, 95);
    expect(scales.length).toBe(Math.ceil(Math.log2(hi / lo)));
    for (const s of range(lo, hi, 50)) {
      const nearest = Math.min(...scales.map((k) => Math.abs(Math.log2(s / (16 * k)))));
      expect(nearest).toBeLessThanOrEqual(0.5 + 1e-3);
    }
    expect(scales[0] * 16).toBeLessThan(50);
  });

  it('spaces the sizes 1/k octave apart with scalesPerOctave k', () => {
    const sizes = range(0, 1, 101).map((q) => 2 ** (7 + 2 * ((q - 0.05) / 0.9)));
    // 2^7.25, 2^7.75, 2^8.25, 2^8.75 px: 152, 215, 304, 431
    expect(chooseAnchorScales(sizes, { scalesPerOctave: 2 })).toEqual([9.51, 13.5, 19, 26.9]);
  });

  it('gives one scale, the middle size, when all boxes are the same size; ignores empty boxes', () => {
    expect(chooseAnchorScales([64, 64, 64, 0, NaN])).toEqual([4]);
  });

  it('spreads maxScales sizes over a range wider than maxScales octaves', () => {
    const sizes = range(8, 8 * 2 ** 8, 200).map((_, i, all) => 8 * 2 ** ((8 * i) / (all.length - 1)));
    const scales = chooseAnchorScales(sizes, { maxScales: 3, lowPercentile: 0, highPercentile: 100 });
    expect(scales).toEqual([0.5, 8, 128]);
  });

  it('says why it cannot choose', () => {
    expect(() => chooseAnchorScales([0, -3])).toThrow(/no box with a positive/);
  });
});

describe('boxSizes', () => {
  it('is sqrt(w·h) at the given scale', () => {
    expect(Array.from(boxSizes([0, 0, 10, 40, 5, 5, 5, 9], 1.5))).toEqual([30, 0]);
  });
});
