/**
 * The per-class working set of NMS (nms.ts) and the plain greedy loop over it.
 * Candidates are copied into structure-of-arrays, in descending score order, so the inner loops read
 * contiguous float64 memory; candidate i is the i-th best box of its class.
 */
import type { PackedBoxes } from './box';

export interface CandidateSet {
  readonly x1: Float64Array;
  readonly y1: Float64Array;
  readonly x2: Float64Array;
  readonly y2: Float64Array;
  readonly area: Float64Array;
}

/** Copies boxes[indices[p]] to position p (area clamped at 0 for inverted boxes, as box.ts does). */
export function gatherCandidates(boxes: PackedBoxes, indices: Int32Array): CandidateSet {
  const m = indices.length;
  const set = { x1: new Float64Array(m), y1: new Float64Array(m), x2: new Float64Array(m), y2: new Float64Array(m), area: new Float64Array(m) };
  for (let p = 0; p < m; p++) {
    const o = indices[p] * 4;
    set.x1[p] = boxes[o];
    set.y1[p] = boxes[o + 1];
    set.x2[p] = boxes[o + 2];
    set.y2[p] = boxes[o + 3];
    set.area[p] = Math.max(0, boxes[o + 2] - boxes[o]) * Math.max(0, boxes[o + 3] - boxes[o + 1]);
  }
  return set;
}

/** Views of positions [from, to): one class's run inside the set of all classes. */
export function sliceCandidates(s: CandidateSet, from: number, to: number): CandidateSet {
  return {
    x1: s.x1.subarray(from, to),
    y1: s.y1.subarray(from, to),
    x2: s.x2.subarray(from, to),
    y2: s.y2.subarray(from, to),
    area: s.area.subarray(from, to),
  };
}

/** True for boxes that cannot overlap anything: empty, inverted or non-finite (NaN or infinite area). */
export function isIsolated(area: number): boolean {
  return !(area > 0 && area < Infinity);
}

/** Does candidate i overlap candidate j with IoU > thr? */
export function iouAbove(set: CandidateSet, i: number, j: number, thr: number): boolean {
  const { x1, y1, x2, y2, area } = set;
  const w = Math.min(x2[i], x2[j]) - Math.max(x1[i], x1[j]);
  if (w <= 0) return false;
  const h = Math.min(y2[i], y2[j]) - Math.max(y1[i], y1[j]);
  if (h <= 0) return false;
  const inter = w * h;
  // divide, as torchvision does: `inter > thr * union` can round the other way at the boundary
  return inter / (area[i] + area[j] - inter) > thr;
}

/**
 * Greedy NMS by checking each candidate against the boxes kept so far; sets keep[i] = 1 for survivors, the first
 * maxKept of them.
 */
export function suppressLinear(set: CandidateSet, thr: number, keep: Uint8Array, maxKept = Infinity): void {
  const kept = new Int32Array(set.area.length);
  let keptCount = 0;
  let survivors = 0; // kept plus isolated
  for (let i = 0; i < set.area.length && survivors < maxKept; i++) {
    if (isIsolated(set.area[i])) {
      keep[i] = 1;
      survivors++;
      continue;
    }
    let suppressed = false;
    for (let k = 0; k < keptCount && !suppressed; k++) suppressed = iouAbove(set, i, kept[k], thr);
    if (!suppressed) {
      keep[i] = 1;
      kept[keptCount++] = i;
      survivors++;
    }
  }
}
