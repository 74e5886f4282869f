/**
 * Greedy non-maximum suppression with torchvision semantics (reference §7, golden ../shared/golden/nms.json):
 * - IoU without +1 (continuous boxes, box.ts), computed in float64;
 * - a box is suppressed when its IoU with an already kept box of its class is > iouThreshold (strictly);
 * - kept indices come back in descending score order; equal scores keep the lower index first (torchvision sorts
 *   stably), and NaN scores sort last.
 * Boxes with no positive, finite area have IoU 0 with everything (tfjs's rule; torchvision gets 0 or NaN, and
 * NaN > thr is false), so they are always kept and never suppress anything.
 *
 * Shapes: N boxes packed [N, 4]; scores [N]; classes [N] (any numbers, compared by value).
 * Work per class is O(M · kept) pairs; large classes go through a grid (nms_grid.ts) that skips far-away pairs.
 * A caller whose boxes are already in score order skips the sort (`sorted`), and one that wants only the best few
 * survivors stops there (`maxKept`): the RPN's proposal layer, 6,000 sorted boxes in, 300 out.
 */
import { boxCount, type PackedBoxes } from './box';
import { gatherCandidates, sliceCandidates, suppressLinear } from './nms_candidates';
import { suppressWithGrid } from './nms_grid';

/** Below this many candidates the plain loop beats building a grid. */
const GRID_MIN_CANDIDATES = 128;

export interface NmsOptions {
  /**
   * The boxes are already in descending score order (equal scores by index, NaN last), as the result would list
   * them: the sort is skipped. Scores out of order are an error, not a silent wrong answer.
   */
  readonly sorted?: boolean;
  /** Keep at most this many boxes per class: the first maxKept of the full run's list, found by stopping there. */
  readonly maxKept?: number;
}

/** Single-class NMS: the indices of the kept boxes, best score first. */
export function nms(boxes: PackedBoxes, scores: ArrayLike<number>, iouThreshold: number, options: NmsOptions = {}): Int32Array {
  return batchedNms(boxes, scores, new Uint8Array(scores.length), iouThreshold, options);
}

/** NMS run independently per class; one list of kept indices over all classes, best score first. */
export function batchedNms(
  boxes: PackedBoxes,
  scores: ArrayLike<number>,
  classes: ArrayLike<number>,
  iouThreshold: number,
  options: NmsOptions = {},
): Int32Array {
  const n = boxCount(boxes);
  if (scores.length !== n || classes.length !== n) {
    throw new Error(`batchedNms: ${n} boxes, ${scores.length} scores and ${classes.length} classes must agree`);
  }
  if (!(iouThreshold >= 0)) throw new RangeError(`iouThreshold must be >= 0, got ${iouThreshold}`);
  const maxKept = options.maxKept ?? Infinity;
  if (!(maxKept >= 0)) throw new RangeError(`maxKept must be >= 0, got ${options.maxKept}`);
  // 1. sort once; 2. split into classes, each keeping score order; 3. suppress per class; 4. collect in order.
  const order = options.sorted ? checkedIdentityOrder(scores) : sortByScoreDescending(scores);
  const { grouped, offsets } = groupByClass(order, classes);
  const candidates = gatherCandidates(boxes, grouped);
  const keepSorted = new Uint8Array(n); // indexed by position in `grouped`
  for (let g = 0; g + 1 < offsets.length; g++) {
    const set = sliceCandidates(candidates, offsets[g], offsets[g + 1]);
    const keep = keepSorted.subarray(offsets[g], offsets[g + 1]);
    if (set.area.length < GRID_MIN_CANDIDATES) suppressLinear(set, iouThreshold, keep, maxKept);
    else suppressWithGrid(set, iouThreshold, keep, maxKept);
  }
  const kept = new Uint8Array(n);
  for (let p = 0; p < n; p++) if (keepSorted[p]) kept[grouped[p]] = 1;
  const out: number[] = [];
  for (const i of order) if (kept[i]) out.push(i);
  return Int32Array.from(out);
}

/** 0 … n-1, after checking the scores are in the order sortByScoreDescending would give them. */
function checkedIdentityOrder(scores: ArrayLike<number>): Int32Array {
  const key = (s: number) => (Number.isNaN(s) ? -Infinity : s);
  for (let i = 1; i < scores.length; i++) {
    if (key(scores[i]) > key(scores[i - 1])) throw new Error(`nms: sorted input has score ${scores[i]} at ${i} above ${scores[i - 1]} at ${i - 1}`);
  }
  const order = new Int32Array(scores.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  return order;
}

/** Stable: equal scores keep input order; NaN is treated as -Infinity. */
function sortByScoreDescending(scores: ArrayLike<number>): Int32Array {
  const key = Float64Array.from(scores, (s) => (Number.isNaN(s) ? -Infinity : s));
  const order = new Int32Array(key.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  return order.sort((a, b) => key[b] - key[a] || a - b);
}

/** Counting sort of `order` by class value: each class becomes a contiguous run, still in score order. */
function groupByClass(order: Int32Array, classes: ArrayLike<number>): { grouped: Int32Array; offsets: Int32Array } {
  const ids = new Map<number, number>();
  const groupOf = new Int32Array(order.length);
  const counts: number[] = [];
  for (const i of order) {
    let g = ids.get(classes[i]);
    if (g === undefined) {
      g = counts.length;
      ids.set(classes[i], g);
      counts.push(0);
    }
    groupOf[i] = g;
    counts[g]++;
  }
  const offsets = new Int32Array(counts.length + 1);
  for (let g = 0; g < counts.length; g++) offsets[g + 1] = offsets[g] + counts[g];
  const next = offsets.slice(0, counts.length);
  const grouped = new Int32Array(order.length);
  for (const i of order) grouped[next[groupOf[i]]++] = i;
  return { grouped, offsets };
}
