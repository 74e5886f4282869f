/**
 * Hierarchical grouping (paper §3.1, Algorithm 1): start from the initial regions, repeatedly merge the most
 * similar pair of neighbours into a new region, until one region remains. Similarities live in a max-heap; a
 * pair whose region was merged away is stale and skipped when it surfaces (lazy invalidation), and the new
 * region's pairs with its neighbours are pushed. Histograms of a merged region are propagated (Eq. 2), not
 * recomputed from pixels.
 */
import type { HistogramTable } from './histograms';
import { mergeRows, withCapacity } from './histograms';
import { PairHeap } from './pair_heap';
import type { RegionStats } from './region_stats';
import type { RegionTable } from './similarity';
import { SIMILARITY_SETS, histogramsNeeded } from './similarity';
import type { SimilaritySet } from './types';

export interface GroupingInput {
  readonly stats: RegionStats;
  readonly imageArea: number;
  /** Initial colour histograms (needed by 'CTSF'). */
  readonly color?: HistogramTable;
  /** Initial texture histograms (needed by 'CTSF' and 'TSF'). */
  readonly texture?: HistogramTable;
}

/**
 * Returns the boxes of all regions in creation order, packed [x1,y1,x2,y2]: the R initial regions, then the
 * region made by each merge. The last box is the top of the hierarchy.
 */
export function groupHierarchically(input: GroupingInput, set: SimilaritySet): Float32Array {
  const table = createTable(input, set);
  const similarity = SIMILARITY_SETS[set];
  const { stats } = input;
  const regions = stats.count;
  const capacity = Math.max(1, 2 * regions - 1);
  const alive = new Uint8Array(capacity);
  alive.fill(1, 0, regions);
  const neighbours: number[][] = Array.from({ length: regions }, () => []);
  const heap = new PairHeap(stats.pairA.length + 16);
  for (let i = 0; i < stats.pairA.length; i++) {
    const a = stats.pairA[i];
    const b = stats.pairB[i];
    neighbours[a].push(b);
    neighbours[b].push(a);
    heap.push(similarity(table, a, b), a, b);
  }
  const stamp = new Int32Array(capacity).fill(-1);
  const top = new Float64Array(3);
  let next = regions;
  while (heap.size > 0) {
    heap.pop(top);
    const a = top[1];
    const b = top[2];
    if (!alive[a] || !alive[b]) continue;
    const t = next++;
    mergeRegions(table, a, b, t);
    alive[a] = 0;
    alive[b] = 0;
    alive[t] = 1;
    const merged = unionOfNeighbours(neighbours[a], neighbours[b], alive, stamp, t);
    neighbours[a] = [];
    neighbours[b] = [];
    neighbours.push(merged);
    for (const n of merged) {
      neighbours[n].push(t);
      heap.push(similarity(table, t, n), t, n);
    }
  }
  return Float32Array.from(table.box.subarray(0, 4 * next));
}

function createTable(input: GroupingInput, set: SimilaritySet): RegionTable {
  const { stats, imageArea } = input;
  const capacity = Math.max(1, 2 * stats.count - 1);
  const size = new Int32Array(capacity);
  size.set(stats.size);
  const box = new Int32Array(4 * capacity);
  box.set(stats.box);
  const needs = histogramsNeeded(set);
  const color = needs.color ? copyTable(input.color, 'colour', stats.count, capacity) : undefined;
  const texture = needs.texture ? copyTable(input.texture, 'texture', stats.count, capacity) : undefined;
  return { imageArea, size, box, color, texture };
}

function copyTable(table: HistogramTable | undefined, name: string, rows: number, capacity: number): HistogramTable {
  if (!table) throw new Error(`this similarity set needs ${name} histograms, none were given`);
  return withCapacity(table, rows, capacity);
}

function mergeRegions(t: RegionTable, a: number, b: number, target: number): void {
  const sa = t.size[a];
  const sb = t.size[b];
  if (t.color) mergeRows(t.color, a, sa, b, sb, target);
  if (t.texture) mergeRows(t.texture, a, sa, b, sb, target);
  t.size[target] = sa + sb;
  const box = t.box;
  const oa = 4 * a;
  const ob = 4 * b;
  const ot = 4 * target;
  box[ot] = Math.min(box[oa], box[ob]);
  box[ot + 1] = Math.min(box[oa + 1], box[ob + 1]);
  box[ot + 2] = Math.max(box[oa + 2], box[ob + 2]);
  box[ot + 3] = Math.max(box[oa + 3], box[ob + 3]);
}

/** Live neighbours of a or b, each once; `stamp` marks ids already taken for this merge. */
function unionOfNeighbours(na: number[], nb: number[], alive: Uint8Array, stamp: Int32Array, t: number): number[] {
  const out: number[] = [];
  for (const list of [na, nb]) {
    for (const n of list) {
      if (!alive[n] || stamp[n] === t) continue;
      stamp[n] = t;
      out.push(n);
    }
  }
  return out;
}
