/**
 * Felzenszwalb & Huttenlocher, "Efficient graph-based image segmentation", IJCV 2004 (§4, Algorithm 1), as the
 * initial regions of selective search: merge along edges in weight order while the edge is no heavier than
 * both components' internal difference plus k / |C|; then absorb components smaller than minSize into a
 * neighbour, again in edge order (the reference code's post-processing).
 */
import type { SortedEdges } from './graph_edges';
import { WEIGHT_SCALE } from './graph_edges';
import { UnionFind } from './union_find';

export interface Segmentation {
  readonly width: number;
  readonly height: number;
  /** Region id of every pixel, 0..count-1, numbered in raster order of first appearance. */
  readonly labels: Int32Array;
  readonly count: number;
}

export interface FelzenszwalbOptions {
  /** Scale of observation: larger k prefers larger components. */
  readonly k: number;
  /** Components smaller than this many pixels are merged away (the paper's code uses minSize = k). */
  readonly minSize: number;
}

export function segmentGraph(
  edges: SortedEdges,
  width: number,
  height: number,
  options: FelzenszwalbOptions,
): Segmentation {
  const n = width * height;
  const sets = new UnionFind(n);
  const rejected = mergeByPredicate(edges, sets, options.k);
  absorbSmallComponents(rejected, edges.offsets, sets, options.minSize);
  return labelComponents(sets, width, height);
}

/** The main pass. Returns, in weight order, the edges it did not merge along (the only ones pass 2 can use). */
function mergeByPredicate(edges: SortedEdges, sets: UnionFind, k: number): Int32Array {
  const { ids, bucketStart, offsets } = edges;
  const threshold = new Float32Array(sets.node.length).fill(k);
  const rejected = new Int32Array(edges.count);
  let nRejected = 0;
  for (let q = 0; q < bucketStart.length - 1; q++) {
    const end = bucketStart[q + 1];
    const w = q / WEIGHT_SCALE;
    for (let e = bucketStart[q]; e < end; e++) {
      const id = ids[e];
      const a = id >> 2;
      const ra = sets.find(a);
      const rb = sets.find(a + offsets[id & 3]);
      if (ra === rb) continue;
      if (w <= threshold[ra] && w <= threshold[rb]) {
        const root = sets.unionRoots(ra, rb);
        threshold[root] = w + k / sets.sizeOf(root);
      } else {
        rejected[nRejected++] = id;
      }
    }
  }
  return rejected.subarray(0, nRejected);
}

function absorbSmallComponents(ids: Int32Array, offsets: Int32Array, sets: UnionFind, minSize: number): void {
  for (let e = 0; e < ids.length; e++) {
    const id = ids[e];
    const a = id >> 2;
    const ra = sets.find(a);
    const rb = sets.find(a + offsets[id & 3]);
    if (ra !== rb && (sets.sizeOf(ra) < minSize || sets.sizeOf(rb) < minSize)) sets.unionRoots(ra, rb);
  }
}

function labelComponents(sets: UnionFind, width: number, height: number): Segmentation {
  const n = width * height;
  const idOfRoot = new Int32Array(n).fill(-1);
  const labels = new Int32Array(n);
  let count = 0;
  for (let p = 0; p < n; p++) {
    const root = sets.find(p);
    let id = idOfRoot[root];
    if (id < 0) {
      id = count++;
      idOfRoot[root] = id;
    }
    labels[p] = id;
  }
  return { width, height, labels, count };
}
