/**
 * The permutation numpy's default `argsort` (kind='quicksort') returns for a float64 array on its portable code
 * path: an introsort (median-of-3 quicksort, insertion sort below 16 elements, heapsort past 2·log2(n) levels).
 *
 * Why: py-faster-rcnn's voc_eval.py ranks detections with `np.argsort(-confidence)`, which is not stable, so
 * the order of equal scores (and with it AP) is whatever this algorithm produces. Reproducing it is the only way
 * to match PF's numbers when scores tie (results files round scores, so they often do); the golden
 * ../shared/golden/voc_ap.json has such a tie. Note: numpy builds that dispatch argsort to SIMD sorts
 * (x86-simd-sort on AVX-512, numpy >= 1.26) order ties differently again; this is the scalar algorithm.
 * Written from the algorithm as numpy's npysort/quicksort documents it; the comparison is numpy's for floats
 * (NaN sorts last).
 */

const SMALL = 15; // partitions with at most this many elements + 1 go to insertion sort

/** Indices that sort `values` ascending, in numpy's (unstable) order. */
export function numpyArgsort(values: ArrayLike<number>): Int32Array {
  const v = Float64Array.from(values);
  const t = new Int32Array(v.length);
  for (let i = 0; i < t.length; i++) t[i] = i;
  if (t.length < 2) return t;
  const less = (a: number, b: number) => a < b || (b !== b && a === a);
  const swap = (i: number, j: number) => ([t[i], t[j]] = [t[j], t[i]]);
  const stack: [number, number, number][] = []; // [lo, hi, depth] of partitions still to sort
  let lo = 0;
  let hi = t.length - 1;
  let depth = 2 * (31 - Math.clz32(t.length)); // 2 * floor(log2(n))
  for (;;) {
    if (depth < 0) {
      heapsortRange(v, t, lo, hi, less);
    } else {
      while (hi - lo > SMALL) {
        // median of three moves into t[hi - 1]; scan inwards from both ends
        const mid = lo + ((hi - lo) >> 1);
        if (less(v[t[mid]], v[t[lo]])) swap(mid, lo);
        if (less(v[t[hi]], v[t[mid]])) swap(hi, mid);
        if (less(v[t[mid]], v[t[lo]])) swap(mid, lo);
        const pivot = v[t[mid]];
        let i = lo;
        let j = hi - 1;
        swap(mid, j);
        for (;;) {
          do i++; while (less(v[t[i]], pivot));
          do j--; while (less(pivot, v[t[j]]));
          if (i >= j) break;
          swap(i, j);
        }
        swap(i, hi - 1);
        // keep sorting the smaller side now; the larger waits on the stack
        depth--;
        if (i - lo < hi - i) {
          stack.push([i + 1, hi, depth]);
          hi = i - 1;
        } else {
          stack.push([lo, i - 1, depth]);
          lo = i + 1;
        }
      }
      insertionSortRange(v, t, lo, hi, less);
    }
    const next = stack.pop();
    if (next === undefined) return t;
    [lo, hi, depth] = next;
  }
}

type Less = (a: number, b: number) => boolean;

function insertionSortRange(v: Float64Array, t: Int32Array, lo: number, hi: number, less: Less): void {
  for (let i = lo + 1; i <= hi; i++) {
    const item = t[i];
    let j = i;
    while (j > lo && less(v[item], v[t[j - 1]])) {
      t[j] = t[j - 1];
      j--;
    }
    t[j] = item;
  }
}

/** numpy's heapsort fallback on t[lo..hi], with its 1-based sift-down (the order of ties depends on it). */
function heapsortRange(v: Float64Array, t: Int32Array, lo: number, hi: number, less: Less): void {
  const a = (k: number) => lo + k - 1; // 1-based heap slot k -> index in t
  let n = hi - lo + 1;
  const siftDown = (start: number, item: number, size: number) => {
    let i = start;
    for (let j = 2 * i; j <= size; ) {
      if (j < size && less(v[t[a(j)]], v[t[a(j + 1)]])) j++;
      if (!less(v[item], v[t[a(j)]])) break;
      t[a(i)] = t[a(j)];
      i = j;
      j += j;
    }
    t[a(i)] = item;
  };
  for (let l = n >> 1; l > 0; l--) siftDown(l, t[a(l)], n);
  while (n > 1) {
    const item = t[a(n)];
    t[a(n)] = t[a(1)];
    n--;
    siftDown(1, item, n);
  }
}
