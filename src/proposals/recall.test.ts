import { describe, expect, it } from 'vitest';
import { firstRecallingRank, median, recallAtK } from './recall';

describe('proposal recall', () => {
  const proposals = Float32Array.from([0, 0, 10, 10, 50, 50, 60, 60, 100, 100, 200, 200, 0, 0, 12, 10]);

  it('finds the first proposal over the IoU threshold', () => {
    const gt = [[0, 0, 12, 10], [52, 52, 60, 60], [300, 300, 310, 310]] as const;
    // gt 0: IoU 10/12 = 0.83 with proposal 0, exact with proposal 3; gt 1: IoU 64/100 with proposal 1.
    expect(firstRecallingRank(gt, proposals, 0.5)).toEqual([0, 1, Infinity]);
    expect(firstRecallingRank(gt, proposals, 0.7)).toEqual([0, Infinity, Infinity]);
    expect(firstRecallingRank(gt, proposals, 0.9)).toEqual([3, Infinity, Infinity]);
  });

  it('recall at k counts ranks below k', () => {
    expect(recallAtK([0, 1, 5, Infinity], [1, 2, 6, 100])).toEqual([0.25, 0.5, 0.75, 0.75]);
    expect(recallAtK([], [1])).toEqual([0]);
  });

  it('median of odd and even counts', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
  });
});
