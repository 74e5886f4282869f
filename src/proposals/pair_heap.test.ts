import { describe, expect, it } from 'vitest';
import { PairHeap } from './pair_heap';
import { UnionFind } from './union_find';

describe('PairHeap', () => {
  it('pops pairs by descending key and grows past its capacity', () => {
    const heap = new PairHeap(2);
    const keys = [0.3, 0.9, 0.1, 0.5, 0.7, 0.2, 0.8];
    keys.forEach((k, i) => heap.push(k, i, i + 100));
    const out = new Float64Array(3);
    const popped: number[] = [];
    while (heap.size > 0) {
      heap.pop(out);
      expect(out[2]).toBe(out[1] + 100);
      popped.push(out[0]);
    }
    expect(popped).toEqual([...keys].sort((a, b) => b - a));
  });
});

describe('UnionFind', () => {
  it('joins sets and tracks their sizes', () => {
    const sets = new UnionFind(5);
    const root = sets.unionRoots(sets.find(0), sets.find(1));
    sets.unionRoots(sets.find(3), root);
    expect(sets.find(3)).toBe(sets.find(0));
    expect(sets.sizeOf(sets.find(1))).toBe(3);
    expect(sets.find(2)).toBe(2);
  });
});
