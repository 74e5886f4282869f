/**
 * The training roidb (reference §4): for every training image (and its mirrored copies: the paper's horizontal flip,
 * and optionally the vertical ones, geometry/flip.ts) the RoIs it can
 * offer, which are its gt boxes followed by its proposals, each labelled with its best IoU against the gt boxes,
 * the class and index of that gt box, and its (unnormalized) box-regression target.
 *
 * Shape letters: B RoI candidates in one image (G gt boxes first, then the proposals); K foreground classes, labels
 * in [0, K] with 0 = background. Boxes are [x1, y1, x2, y2] in the ORIGINAL image's continuous pixels (flipped ones
 * mirrored), packed 4 per RoI.
 */
import { boxCount, isValidBox, pairwiseIou, type PackedBoxes } from '../geometry/box';
import { flipBoxes, flipViews, type Flip } from '../geometry/flip';
import { encodeDeltas } from '../geometry/bbox_transform';

/** Sentinel in `gtAssignment` for a RoI that overlaps no gt box. */
export const NO_GT = -1;
/** Label of a RoI that is not foreground. */
export const BACKGROUND = 0;

export interface RoidbEntry {
  /** Index of the image in the training list (shared by an image and its flipped copies). */
  readonly imageIndex: number;
  readonly flip: Flip;
  readonly width: number;
  readonly height: number;
  /** [B, 4]: the G gt boxes, then the proposals. */
  readonly boxes: Float32Array;
  readonly numGt: number;
  /** [G] 1-based class ids of the gt boxes. */
  readonly gtClasses: Int32Array;
  /** [B] best IoU against any gt box (1 for the gt boxes themselves, 0 when there is no gt). */
  readonly maxOverlaps: Float32Array;
  /** [B] class of that best gt box; BACKGROUND when the best IoU is 0. */
  readonly maxClasses: Int32Array;
  /** [B] index (into the first G boxes) of that best gt box, or NO_GT. */
  readonly gtAssignment: Int32Array;
  /** [B, 4] deltas from each RoI onto its assigned gt box; zero where the IoU is below bboxThresh. */
  readonly targets: Float32Array;
}

export interface RoidbImage {
  readonly imageIndex: number;
  readonly width: number;
  readonly height: number;
  /** [G, 4] gt boxes, continuous pixels. */
  readonly gtBoxes: PackedBoxes;
  /** [G] 1-based class ids. */
  readonly gtClasses: ArrayLike<number>;
  /** [P, 4] proposals (selective search or supplied), continuous pixels. */
  readonly proposals: PackedBoxes;
}

/** Proposals with a non-positive side or a non-finite coordinate are dropped (log(w) must exist). */
function keepValidBoxes(boxes: PackedBoxes, image?: { width: number; height: number }): { boxes: Float32Array; kept: number[] } {
  const kept: number[] = [];
  for (let i = 0; i < boxCount(boxes); i++) {
    const b = [boxes[4 * i], boxes[4 * i + 1], boxes[4 * i + 2], boxes[4 * i + 3]] as const;
    if (isValidBox(b, image)) kept.push(i);
  }
  const out = new Float32Array(kept.length * 4);
  kept.forEach((i, j) => out.set(boxes.subarray(4 * i, 4 * i + 4), 4 * j));
  return { boxes: out, kept };
}

/**
 * Label one image's RoIs. gt boxes outside the image or with non-positive size are dropped (the usual source of
 * NaN box losses, reference §10); `bboxThresh` is TRAIN.BBOX_THRESH (0.5).
 */
export function buildRoidbEntry(image: RoidbImage, flip: Flip, bboxThresh = 0.5): RoidbEntry {
  const size = { width: image.width, height: image.height };
  const gt = keepValidBoxes(image.gtBoxes, size);
  const gtClasses = Int32Array.from(gt.kept, (i) => image.gtClasses[i]);
  const proposals = keepValidBoxes(image.proposals).boxes;
  let boxes = new Float32Array(gt.boxes.length + proposals.length);
  boxes.set(gt.boxes, 0);
  boxes.set(proposals, gt.boxes.length);
  if (flip !== 'none') boxes = flipBoxes(boxes, flip, size);
  const numGt = gtClasses.length;
  const b = boxCount(boxes);
  const overlaps = pairwiseIou(boxes, boxes.subarray(0, numGt * 4)); // [B, G]
  const maxOverlaps = new Float32Array(b);
  const maxClasses = new Int32Array(b);
  const gtAssignment = new Int32Array(b).fill(NO_GT);
  for (let i = 0; i < b; i++) {
    let best = 0;
    for (let j = 0; j < numGt; j++) {
      if (overlaps[i * numGt + j] > best) {
        best = overlaps[i * numGt + j];
        gtAssignment[i] = j;
      }
    }
    if (i < numGt) {
      best = 1; // a gt box is its own best match even when another gt box is identical
      gtAssignment[i] = i;
    }
    maxOverlaps[i] = best;
    maxClasses[i] = best > 0 ? gtClasses[gtAssignment[i]] : BACKGROUND;
  }
  const targets = regressionTargets(boxes, maxOverlaps, gtAssignment, bboxThresh);
  return { imageIndex: image.imageIndex, flip, width: image.width, height: image.height, boxes, numGt, gtClasses,
    maxOverlaps, maxClasses, gtAssignment, targets };
}

function regressionTargets(boxes: Float32Array, maxOverlaps: Float32Array, gtAssignment: Int32Array, thresh: number): Float32Array {
  const b = maxOverlaps.length;
  const targets = new Float32Array(b * 4);
  const rois: number[] = [];
  for (let i = 0; i < b; i++) if (maxOverlaps[i] >= thresh && gtAssignment[i] !== NO_GT) rois.push(i);
  const from = new Float32Array(rois.length * 4);
  const to = new Float32Array(rois.length * 4);
  rois.forEach((i, k) => {
    from.set(boxes.subarray(4 * i, 4 * i + 4), 4 * k);
    const g = gtAssignment[i];
    to.set(boxes.subarray(4 * g, 4 * g + 4), 4 * k);
  });
  const deltas = encodeDeltas(from, to);
  rois.forEach((i, k) => targets.set(deltas.subarray(4 * k, 4 * k + 4), 4 * i));
  return targets;
}

/** The roidb of a training set: every image as is, then all images mirrored by each further flip in turn. */
export function buildRoidb(images: readonly RoidbImage[], flips: readonly Flip[], bboxThresh = 0.5): RoidbEntry[] {
  const entries = flipViews(flips).flatMap((flip) => images.map((image) => buildRoidbEntry(image, flip, bboxThresh)));
  return entries.filter((entry) => hasTrainingRois(entry));
}

/** PF's filter_roidb: an image with neither a foreground nor a background candidate cannot contribute RoIs. */
export function hasTrainingRois(entry: RoidbEntry, fgThresh = 0.5, bgThreshLo = 0.1): boolean {
  return entry.maxOverlaps.some((o) => o >= fgThresh || o >= bgThreshLo);
}
