/**
 * Felzenszwalb & Huttenlocher, "Efficient graph-based image segmentation", IJCV 2004 (§4, Algorithm 1), as the
 * initial regions of selective search: merge along edges in weight order while the edge is no heavier than
 * both components' internal difference plus k / |C|; then absorb components smaller than minSize into a
 * neighbour, again in edge order (the reference code's post-processing).
 */
import type { SortedEdges } from './graph_edges';
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
  mergeByPredicate(edges, sets, options.k);
  absorbSmallComponents(edges, sets, options.minSize);
  return labelComponents(sets, width, height);
}

function mergeByPredicate(edges: SortedEdges, sets: UnionFind, k: number): void {
  const { a, b, weight, count } = edges;
  const threshold = new Float32Array(sets.parent.length).fill(k);
  for (let e = 0; e < count; e++) {
    const ra = sets.find(a[e]);
    const rb = sets.find(b[e]);
    if (ra === rb) continue;
    const w = weight[e];
    if (w <= threshold[ra] && w <= threshold[rb]) {
      const root = sets.unionRoots(ra, rb);
      threshold[root] = w + k / sets.size[root];
    }
  }
}

function absorbSmallComponents(edges: SortedEdges, sets: UnionFind, minSize: number): void {
  const { a, b, count } = edges;
  const size = sets.size;
  for (let e = 0; e < count; e++) {
    const ra = sets.find(a[e]);
    const rb = sets.find(b[e]);
    if (ra !== rb && (size[ra] < minSize || size[rb] < minSize)) sets.unionRoots(ra, rb);
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
