/**
 * Proposal recall: a ground-truth box is recalled at IoU threshold t by the top k proposals if one of the first
 * k proposals overlaps it with IoU >= t (continuous IoU, src/geometry/box.ts).
 */
import { iou, type Box } from '../geometry/box';

/** For each gt box, the 0-based rank of the first proposal with IoU >= threshold, or Infinity. */
export function firstRecallingRank(gtBoxes: readonly Box[], proposals: Float32Array, threshold: number): number[] {
  return gtBoxes.map((gt) => {
    for (let j = 0, o = 0; o < proposals.length; j++, o += 4) {
      if (iou(gt, [proposals[o], proposals[o + 1], proposals[o + 2], proposals[o + 3]]) >= threshold) return j;
    }
    return Infinity;
  });
}

/** Fraction of ranks below k (i.e. gt boxes found in the top k), for each k. */
export function recallAtK(ranks: readonly number[], ks: readonly number[]): number[] {
  return ks.map((k) => (ranks.length === 0 ? 0 : ranks.filter((r) => r < k).length / ranks.length));
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}
