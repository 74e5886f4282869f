/**
 * Per-region facts of a segmentation that every similarity strategy shares: pixel counts, bounding boxes and
 * the region adjacency graph (4-connected pixels with different labels make their regions neighbours).
 */
import type { Segmentation } from './felzenszwalb';

export interface RegionStats {
  readonly count: number;
  /** Pixels per region. */
  readonly size: Int32Array;
  /** Continuous bounding box per region, packed [x1, y1, x2, y2] (x2 = last column + 1). */
  readonly box: Int32Array;
  /** Unique neighbour pairs (pairA[i] < pairB[i]), sorted by pairA. */
  readonly pairA: Int32Array;
  readonly pairB: Int32Array;
}

export function computeRegionStats(seg: Segmentation): RegionStats {
  const { size, box } = sizesAndBoxes(seg);
  const { pairA, pairB } = adjacency(seg);
  return { count: seg.count, size, box, pairA, pairB };
}

function sizesAndBoxes(seg: Segmentation): { size: Int32Array; box: Int32Array } {
  const { width, height, labels, count } = seg;
  const size = new Int32Array(count);
  const box = new Int32Array(4 * count);
  for (let r = 0; r < count; r++) {
    box[4 * r] = width;
    box[4 * r + 1] = height;
  }
  for (let y = 0, p = 0; y < height; y++) {
    for (let x = 0; x < width; x++, p++) {
      const o = 4 * labels[p];
      size[labels[p]]++;
      if (x < box[o]) box[o] = x;
      if (y < box[o + 1]) box[o + 1] = y;
      if (x + 1 > box[o + 2]) box[o + 2] = x + 1;
      if (y + 1 > box[o + 3]) box[o + 3] = y + 1;
    }
  }
  return { size, box };
}

function adjacency(seg: Segmentation): { pairA: Int32Array; pairB: Int32Array } {
  const { width, height, labels, count } = seg;
  // 1. Every boundary crossing as (lo, hi), skipping immediate repeats along a row.
  let lo = new Int32Array(1024);
  let hi = new Int32Array(1024);
  let n = 0;
  let lastLo = -1;
  let lastHi = -1;
  const push = (u: number, v: number) => {
    const a = u < v ? u : v;
    const b = u < v ? v : u;
    if (a === lastLo && b === lastHi) return;
    lastLo = a;
    lastHi = b;
    if (n === lo.length) {
      lo = grow(lo);
      hi = grow(hi);
    }
    lo[n] = a;
    hi[n] = b;
    n++;
  };
  for (let y = 0, p = 0; y < height; y++) {
    for (let x = 0; x < width; x++, p++) {
      const l = labels[p];
      if (x + 1 < width && labels[p + 1] !== l) push(l, labels[p + 1]);
      if (y + 1 < height && labels[p + width] !== l) push(l, labels[p + width]);
    }
  }
  // 2. Bucket by lo (counting sort), then drop repeated hi within a bucket with a stamp array.
  const start = new Int32Array(count + 1);
  for (let i = 0; i < n; i++) start[lo[i] + 1]++;
  for (let r = 0; r < count; r++) start[r + 1] += start[r];
  const fill = start.slice(0, count);
  const byLo = new Int32Array(n);
  for (let i = 0; i < n; i++) byLo[fill[lo[i]]++] = hi[i];
  const stamp = new Int32Array(count).fill(-1);
  const pairA = new Int32Array(n);
  const pairB = new Int32Array(n);
  let m = 0;
  for (let r = 0; r < count; r++) {
    for (let i = start[r]; i < start[r + 1]; i++) {
      const other = byLo[i];
      if (stamp[other] === r) continue;
      stamp[other] = r;
      pairA[m] = r;
      pairB[m] = other;
      m++;
    }
  }
  return { pairA: pairA.slice(0, m), pairB: pairB.slice(0, m) };
}

function grow(a: Int32Array): Int32Array<ArrayBuffer> {
  const out = new Int32Array(a.length * 2);
  out.set(a);
  return out;
}
