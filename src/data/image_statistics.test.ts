import { describe, expect, it } from 'vitest';
import { domainDistance, domainStatistics, imageStatistics, parseDomainStatistics, type ImageStatistics } from './image_statistics';

/** RGBA pixels alternating between two colours. */
function pixels(a: [number, number, number], b: [number, number, number], count = 64): number[] {
  return Array.from({ length: count }, (_, i) => [...(i % 2 ? b : a), 255]).flat();
}

describe('imageStatistics', () => {
  it('per channel: the mean and the standard deviation of the pixels', () => {
    const s = imageStatistics(pixels([100, 0, 50], [200, 0, 50]));
    expect(s.map((v) => Math.round(v * 1000) / 1000)).toEqual([150, 0, 50, 50, 0, 0]);
  });

  it('no pixels is an error, not NaN', () => {
    expect(() => imageStatistics([])).toThrow(/no pixels/);
  });
});

describe('domainDistance', () => {
  // what scripts/model_domain_stats.ts measured on BCCD train (205 slides) and one raccoon photo's statistics
  const bccd = { images: 205, mean: [187.6, 177.1, 181.9, 15, 25.7, 18.6], std: [3.3, 3.7, 3.6, 1.9, 2, 3.3] } as const;
  const slide: ImageStatistics = [188, 177.8, 181.1, 15.1, 25.2, 21.9];
  const photo: ImageStatistics = [184.9, 181.9, 176.2, 78.9, 81.8, 86.6];

  it('a slide is near the slides; a bright photo with slide-like mean colour is far, by its contrast', () => {
    expect(domainDistance(slide, bccd).z).toBeLessThan(1.5);
    const far = domainDistance(photo, bccd);
    expect(far.z).toBeGreaterThan(20);
    expect(far.feature).toBe('red contrast');
  });

  it('a tiny spread is floored, so near-identical training images do not make every difference huge', () => {
    const flat = { images: 3, mean: [100, 100, 100, 10, 10, 10], std: [0, 0, 0, 0, 0, 0] } as const;
    expect(domainDistance([103, 100, 100, 10, 10, 10], flat).z).toBeCloseTo(1.5);
  });

  it('domainStatistics: the mean and the sample spread of each feature', () => {
    const d = domainStatistics([[0, 0, 0, 0, 0, 0], [2, 2, 2, 2, 2, 2]]);
    expect(d.mean).toEqual([1, 1, 1, 1, 1, 1]);
    expect(d.std.map((v) => Math.round(v * 1000) / 1000)).toEqual(Array(6).fill(1.414));
    expect(() => domainStatistics([[0, 0, 0, 0, 0, 0]])).toThrow(/at least 2/);
  });

  it('parseDomainStatistics names the manifest entry at fault', () => {
    expect(parseDomainStatistics(undefined, 'x')).toBeNull();
    expect(parseDomainStatistics(bccd, 'x')).toEqual(bccd);
    expect(() => parseDomainStatistics({ images: 2, mean: [1, 2], std: [] }, 'models/index.json, model “bccd”')).toThrow(/models\/index.json, model “bccd”: imageStatistics needs/);
  });
});
