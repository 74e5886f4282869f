import { describe, expect, it } from 'vitest';
import type { Segmentation } from './felzenszwalb';
import { groupHierarchically } from './hierarchical_grouping';
import { computeRegionStats } from './region_stats';

/**
 * Labels of a 4x3 image with four regions:
 *   0 0 1 1
 *   0 0 1 1
 *   2 2 2 3
 */
const seg: Segmentation = { width: 4, height: 3, count: 4, labels: Int32Array.from([0, 0, 1, 1, 0, 0, 1, 1, 2, 2, 2, 3]) };

describe('region statistics', () => {
  it('sizes, boxes and 4-connected neighbour pairs', () => {
    const stats = computeRegionStats(seg);
    expect(Array.from(stats.size)).toEqual([4, 4, 3, 1]);
    expect(Array.from(stats.box)).toEqual([0, 0, 2, 2, 2, 0, 4, 2, 0, 2, 3, 3, 3, 2, 4, 3]);
    const pairs = Array.from(stats.pairA, (a, i) => `${a}-${stats.pairB[i]}`);
    expect(pairs.sort()).toEqual(['0-1', '0-2', '1-2', '1-3', '2-3']);
  });
});

describe('groupHierarchically', () => {
  const stats = computeRegionStats(seg);
  const boxes = groupHierarchically({ stats, imageArea: 12 }, 'S');

  it('returns 2R - 1 regions: the initial ones, then one per merge, ending with the whole image', () => {
    expect(boxes.length / 4).toBe(7);
    expect(Array.from(boxes.subarray(0, 16))).toEqual(Array.from(stats.box));
    expect(Array.from(boxes.subarray(24))).toEqual([0, 0, 4, 3]);
  });

  it('size similarity merges the smallest pair first: 3 (1 px) with 1 (4 px) or 2 (3 px) -> 2', () => {
    // The pair with the fewest pixels is 2-3 (4 px): box of regions 2 and 3 is the bottom row.
    expect(Array.from(boxes.subarray(16, 20))).toEqual([0, 2, 4, 3]);
  });

  it('fill similarity merges the pair that tiles its box best first', () => {
    const fill = groupHierarchically({ stats, imageArea: 12 }, 'F');
    // 0+1 fills the top 4x2 exactly, as does 2+3 the bottom row; both score 1; either comes first.
    const first = Array.from(fill.subarray(16, 20)).join(',');
    expect(['0,0,4,2', '0,2,4,3']).toContain(first);
  });

  it('asks for the histograms its similarity set needs', () => {
    expect(() => groupHierarchically({ stats, imageArea: 12 }, 'TSF')).toThrow(/texture histograms/);
  });
});
