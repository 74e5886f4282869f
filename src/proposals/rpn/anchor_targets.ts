/**
 * The RPN's training targets for one image (Ren et al. 2015, §3.1.2; py-faster-rcnn `anchor_target_layer.py`):
 * 1. anchors reaching outside the image (beyond `allowedBorder`) are ignored;
 * 2. an anchor is negative if its best IoU with every gt box is < negativeIou, positive if it is ≥ positiveIou or
 *    it is (one of) the best anchors for some gt box; the rest are ignored. Positive wins over negative, as in
 *    py-faster-rcnn with RPN_CLOBBER_POSITIVES off. Unlike py-faster-rcnn, a gt box that no inside anchor overlaps
 *    at all makes no anchor positive (its "best" IoU is 0, and py-faster-rcnn would mark every zero-IoU anchor);
 * 3. sample `batchSize` anchors, at most positiveFraction of them positive, the rest negative, uniformly without
 *    replacement; when there are too few positives the negatives fill the sample;
 * 4. each positive anchor regresses onto its best gt box with the R-CNN deltas of geometry/bbox_transform.ts (the
 *    head's parameterization, unnormalized: py-faster-rcnn's RPN does not normalize its targets).
 *
 * Shapes: N anchors [N, 4] (anchors.ts order), G gt boxes [G, 4], both continuous in network-input pixels.
 */
import { encodeDeltas } from '../../geometry/bbox_transform';
import { boxCount, pairwiseIou, type ImageSize, type PackedBoxes } from '../../geometry/box';
import type { AnchorTargetSettings } from './settings';

export const POSITIVE = 1;
export const NEGATIVE = 0;
export const IGNORED = -1;

export interface AnchorTargets {
  /** [N] POSITIVE, NEGATIVE or IGNORED, after sampling (anchors left out of the sample are IGNORED). */
  readonly labels: Int8Array;
  /** [N, 4] deltas from each positive anchor to its gt box; zero for every other anchor. */
  readonly deltas: Float32Array;
  /** Anchors in the sample. */
  readonly numPositive: number;
  readonly numNegative: number;
}

/** Labels before sampling: IGNORED outside the image, then the IoU rules. */
export function labelAnchors(anchors: PackedBoxes, gt: PackedBoxes, image: ImageSize, settings: AnchorTargetSettings): { labels: Int8Array; bestGt: Int32Array } {
  const n = boxCount(anchors);
  const g = boxCount(gt);
  const labels = new Int8Array(n).fill(IGNORED);
  const bestGt = new Int32Array(n).fill(-1);
  const inside = insideAnchors(anchors, image, settings.allowedBorder);
  if (inside.length === 0) return { labels, bestGt };
  const insideBoxes = new Float64Array(inside.length * 4);
  inside.forEach((a, k) => insideBoxes.set(anchors.subarray(4 * a, 4 * a + 4), 4 * k));
  const overlaps = pairwiseIou(insideBoxes, gt); // [inside, G]
  const gtBest = new Float64Array(g);
  inside.forEach((a, k) => {
    let best = -1;
    let bestIou = 0;
    for (let j = 0; j < g; j++) {
      const o = overlaps[k * g + j];
      if (o > bestIou || best < 0) [best, bestIou] = [j, o];
      if (o > gtBest[j]) gtBest[j] = o;
    }
    bestGt[a] = best;
    if (best >= 0 && bestIou >= settings.positiveIou) labels[a] = POSITIVE;
    else if (bestIou < settings.negativeIou) labels[a] = NEGATIVE;
  });
  // every anchor tying for a gt box's best overlap is positive (py-faster-rcnn's np.where(overlaps == max))
  inside.forEach((a, k) => {
    for (let j = 0; j < g; j++) {
      if (gtBest[j] > 0 && overlaps[k * g + j] === gtBest[j]) labels[a] = POSITIVE;
    }
  });
  return { labels, bestGt };
}

/** Steps 1-4. `rng` gives uniform numbers in [0, 1): the trainer's seeded generator (training/rng.ts). */
export function assignAnchorTargets(
  anchors: PackedBoxes,
  gt: PackedBoxes,
  image: ImageSize,
  settings: AnchorTargetSettings,
  rng: () => number,
): AnchorTargets {
  const { labels, bestGt } = labelAnchors(anchors, gt, image, settings);
  const positives = indicesOf(labels, POSITIVE);
  const maxPositive = Math.floor(settings.positiveFraction * settings.batchSize);
  const keptPositive = keepRandom(labels, positives, maxPositive, rng);
  const keptNegative = keepRandom(labels, indicesOf(labels, NEGATIVE), settings.batchSize - keptPositive, rng);
  const deltas = new Float32Array(labels.length * 4);
  const kept = indicesOf(labels, POSITIVE);
  if (kept.length > 0) {
    const from = new Float64Array(kept.length * 4);
    const to = new Float64Array(kept.length * 4);
    kept.forEach((a, k) => {
      from.set(anchors.subarray(4 * a, 4 * a + 4), 4 * k);
      to.set(gt.subarray(4 * bestGt[a], 4 * bestGt[a] + 4), 4 * k);
    });
    const encoded = encodeDeltas(from, to);
    kept.forEach((a, k) => deltas.set(encoded.subarray(4 * k, 4 * k + 4), 4 * a));
  }
  return { labels, deltas, numPositive: keptPositive, numNegative: keptNegative };
}

/** Anchors entirely inside [-border, W + border] × [-border, H + border]. */
function insideAnchors(anchors: PackedBoxes, image: ImageSize, border: number): number[] {
  const out: number[] = [];
  for (let a = 0, o = 0; o < anchors.length; a++, o += 4) {
    if (anchors[o] >= -border && anchors[o + 1] >= -border && anchors[o + 2] <= image.width + border && anchors[o + 3] <= image.height + border) out.push(a);
  }
  return out;
}

function indicesOf(labels: Int8Array, label: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < labels.length; i++) if (labels[i] === label) out.push(i);
  return out;
}

/** Keeps `limit` of `candidates` chosen uniformly (a partial Fisher-Yates), marks the rest IGNORED; returns the count kept. */
function keepRandom(labels: Int8Array, candidates: number[], limit: number, rng: () => number): number {
  const keep = Math.max(0, Math.min(limit, candidates.length));
  for (let i = 0; i < keep; i++) {
    const j = i + Math.floor(rng() * (candidates.length - i));
    [candidates[i], candidates[j]] = [candidates[j], candidates[i]];
  }
  for (let i = keep; i < candidates.length; i++) labels[candidates[i]] = IGNORED;
  return keep;
}
