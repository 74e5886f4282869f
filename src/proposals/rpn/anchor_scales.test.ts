import { describe, expect, it } from 'vitest';
import { boxSizes, chooseAnchorScales, percentile } from './anchor_scales';

const range = (from: number, to: number, n: number) => Array.from({ length: n }, (_, i) => from + ((to - from) * i) / (n - 1));

describe('chooseAnchorScales', () => {
  // sizes evenly spread in log scale, with 5th and 95th percentiles 128 and 512 px and median 256
  const fasterRcnnSizes = range(0, 1, 101).map((q) => 2 ** (7 + 2 * ((q - 0.05) / 0.9)));

  it("gives py-faster-rcnn's own scales 8, 16, 32 for its 128-512 px boxes at one size per octave", () => {
    expect(percentile(fasterRcnnSizes, 5)).toBeCloseTo(128, 6);
    expect(percentile(fasterRcnnSizes, 95)).toBeCloseTo(512, 6);
    expect(chooseAnchorScales(fasterRcnnSizes, { scalesPerOctave: 1 })).toEqual([8, 16, 32]);
  });

  it('spaces the sizes 1/k octave apart (k = 2 by default), one of them at the median', () => {
    expect(chooseAnchorScales(fasterRcnnSizes)).toEqual([8, 11.3, 16, 22.6, 32]);
    // k = 3 needs 7 sizes, more than maxScales 5: five spread evenly over 128-512 px
    expect(chooseAnchorScales(fasterRcnnSizes, { scalesPerOctave: 3 })).toEqual([8, 11.3, 16, 22.6, 32]);
    expect(chooseAnchorScales(fasterRcnnSizes, { scalesPerOctave: 3, maxScales: 7 })).toEqual([8, 10.1, 12.7, 16, 20.2, 25.4, 32]);
  });

  it('covers BCCD-like sizes (platelets ~40 px, cells ~110 px, a few ~180 px): each within half a step of an anchor', () => {
    const sizes = [...range(30, 50, 40), ...range(90, 130, 300), ...range(150, 200, 30)];
    for (const k of [1, 2]) {
      const scales = chooseAnchorScales(sizes, { scalesPerOctave: k });
      for (const s of range(percentile(sizes, 5), percentile(sizes, 95), 50)) {
        const nearest = Math.min(...scales.map((x) => Math.abs(Math.log2(s / (16 * x)))));
        expect(nearest).toBeLessThanOrEqual(0.5 / k + 2e-3);
      }
      expect(scales.some((x) => Math.abs(16 * x - percentile(sizes, 50)) < 0.01 * 16 * x)).toBe(true);
    }
  });

  it('gives one scale, the median size, when all boxes are the same size; ignores empty boxes', () => {
    expect(chooseAnchorScales([64, 64, 64, 0, NaN])).toEqual([4]);
  });

  it('spreads maxScales sizes over a range that needs more', () => {
    const sizes = range(0, 1, 200).map((q) => 8 * 2 ** (8 * q));
    expect(chooseAnchorScales(sizes, { maxScales: 3, lowPercentile: 0, highPercentile: 100 })).toEqual([0.5, 8, 128]);
  });

  it('says why it cannot choose', () => {
    expect(() => chooseAnchorScales([0, -3])).toThrow(/no box with a positive/);
    expect(() => chooseAnchorScales([3], { scalesPerOctave: 0 })).toThrow(/scalesPerOctave must be positive/);
  });
});

describe('boxSizes', () => {
  it('is sqrt(w·h) at the given scale', () => {
    expect(Array.from(boxSizes([0, 0, 10, 40, 5, 5, 5, 9], 1.5))).toEqual([30, 0]);
  });
});
