import { describe, expect, it } from 'vitest';
import type { RegionTable } from './similarity';
import { SIMILARITY_SETS, fillSimilarity, sizeSimilarity } from './similarity';

// A 10x10 image; region 0 is the 2x2 block at the top-left, region 1 the 2x2 block at the bottom-right corner.
const table: RegionTable = {
  imageArea: 100,
  size: Int32Array.from([4, 4]),
  box: Int32Array.from([0, 0, 2, 2, 8, 8, 10, 10]),
};

describe('similarity measures (paper Eqs. 4, 5)', () => {
  it('size: 1 - (4 + 4) / 100', () => {
    expect(sizeSimilarity(table, 0, 1)).toBeCloseTo(0.92);
  });

  it('fill: the joint box covers the whole image, so 1 - (100 - 8) / 100', () => {
    expect(fillSimilarity(table, 0, 1)).toBeCloseTo(0.08);
  });

  it('fill is 1 for two regions that tile their joint box', () => {
    const tiles: RegionTable = { imageArea: 100, size: Int32Array.from([4, 4]), box: Int32Array.from([0, 0, 2, 2, 2, 0, 4, 2]) };
    expect(fillSimilarity(tiles, 0, 1)).toBeCloseTo(1);
  });

  it('sets sum their members; colour and texture count 0 without histograms', () => {
    expect(SIMILARITY_SETS.S(table, 0, 1)).toBeCloseTo(0.92);
    expect(SIMILARITY_SETS.F(table, 0, 1)).toBeCloseTo(0.08);
    expect(SIMILARITY_SETS.TSF(table, 0, 1)).toBeCloseTo(1.0);
  });
});
