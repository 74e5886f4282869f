import { describe, expect, it } from 'vitest';
import { mergeScoredBoxes, scoreAndDeduplicate, scoreHierarchy, sortByScore } from './ranking';
import type { Hierarchy } from './types';

const image = { width: 100, height: 100 };
const hierarchy = (key: string, boxes: number[][]): Hierarchy => ({ key, boxes: Float32Array.from(boxes.flat()) });

describe('ranking (paper §3.3)', () => {
  it('scores region j of n with RND * (n - j): the last merge has index 1', () => {
    const h = hierarchy('a', [[0, 0, 1, 1], [0, 0, 2, 2], [0, 0, 3, 3], [0, 0, 100, 100]]);
    const scores = scoreHierarchy(h, 7);
    scores.forEach((s, j) => {
      expect(s).toBeGreaterThanOrEqual(0);
      expect(s).toBeLessThan(4 - j);
    });
    expect(Array.from(scoreHierarchy(h, 7))).toEqual(Array.from(scores));
    expect(Array.from(scoreHierarchy(h, 8))).not.toEqual(Array.from(scores));
  });

  it('keeps each box once, with its best score, and counts how often it was found', () => {
    const a = hierarchy('a', [[0, 0, 10, 10], [0, 0, 100, 100]]);
    const b = hierarchy('b', [[0, 0, 10, 10], [5, 5, 30, 30], [0, 0, 100, 100]]);
    const scored = scoreAndDeduplicate([a, b], image, { seed: 1, minBoxSize: 0 });
    expect(scored.boxes.length / 4).toBe(3);
    const sa = scoreHierarchy(a, 1);
    const sb = scoreHierarchy(b, 1);
    expect(scored.scores[0]).toBe(Math.min(sa[0], sb[0]));
    expect(Array.from(scored.found)).toEqual([2, 2, 1]);
  });

  it('does not depend on how hierarchies are split between workers or ordered', () => {
    const hs = [
      hierarchy('a', [[0, 0, 10, 10], [0, 0, 50, 50], [0, 0, 100, 100]]),
      hierarchy('b', [[20, 20, 40, 40], [0, 0, 50, 50], [0, 0, 100, 100]]),
      hierarchy('c', [[60, 60, 90, 90], [0, 0, 100, 100]]),
    ];
    const options = { seed: 3, minBoxSize: 0 };
    const together = sortByScore(scoreAndDeduplicate(hs, image, options));
    const split = sortByScore(
      mergeScoredBoxes([scoreAndDeduplicate([hs[2]], image, options), scoreAndDeduplicate([hs[1], hs[0]], image, options)], image),
    );
    expect(Array.from(split)).toEqual(Array.from(together));
  });

  it('drops boxes under minBoxSize', () => {
    const h = hierarchy('a', [[0, 0, 5, 50], [0, 0, 100, 100]]);
    expect(scoreAndDeduplicate([h], image, { seed: 1, minBoxSize: 10 }).boxes.length).toBe(4);
  });
});
