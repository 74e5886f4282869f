/**
 * Axis-aligned boxes as [x1, y1, x2, y2] in continuous pixel coordinates: the box covers x1 <= x < x2, so
 * width = x2 - x1 with no "+1" (torchvision / Detectron2 convention; ../shared/docs/fast-rcnn-reference.md §7).
 * VOC's 1-based inclusive boxes are converted once, at the dataset edge; the only +1 maths left in the project
 * is the VOC AP metric (src/evaluation), which must reproduce the devkit.
 *
 * Two representations:
 * - `Box`: a readonly 4-tuple, for APIs and tests.
 * - `PackedBoxes`: N boxes laid out as [x1,y1,x2,y2, x1,y1,x2,y2, ...] in one typed array (length 4N), for hot
 *   paths (NMS, IoU matrices, box regression) and for handing to tfjs without copying.
 */

export type Box = readonly [number, number, number, number];

/** N boxes, 4 numbers each, row-major: box i is [4i, 4i+4). */
export type PackedBoxes = Float32Array | Float64Array;

export interface ImageSize {
  readonly width: number;
  readonly height: number;
}

export function boxWidth(box: Box): number {
  return box[2] - box[0];
}

export function boxHeight(box: Box): number {
  return box[3] - box[1];
}

/** Area, 0 for empty or inverted boxes (an inverted box covers no pixels, it is not "negative"). */
export function boxArea(box: Box): number {
  return Math.max(0, box[2] - box[0]) * Math.max(0, box[3] - box[1]);
}

/** Intersection over union, no +1. Two empty boxes give 0, not NaN (tfjs treats empty boxes the same way). */
export function iou(a: Box, b: Box): number {
  const w = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
  const h = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
  if (w <= 0 || h <= 0) return 0;
  const inter = w * h;
  return inter / (boxArea(a) + boxArea(b) - inter);
}

/** Clamp to the image, [0, W] x [0, H]: in continuous coordinates the right edge of the image is x = W, not W - 1. */
export function clipBox(box: Box, image: ImageSize): Box {
  const { width: w, height: h } = image;
  return [clamp(box[0], 0, w), clamp(box[1], 0, h), clamp(box[2], 0, w), clamp(box[3], 0, h)];
}

/** Scale, e.g. from image pixels to a resized input (sy defaults to sx for an aspect-preserving resize). */
export function scaleBox(box: Box, sx: number, sy: number = sx): Box {
  return [box[0] * sx, box[1] * sy, box[2] * sx, box[3] * sy];
}

/**
 * Mirror left-right in an image of width W. Continuous convention: x1' = W - x2, x2' = W - x1.
 * (The +1 world of FR/PF uses W - x2 - 1; that would shift every flipped box by one pixel here.)
 */
export function flipBoxHorizontal(box: Box, imageWidth: number): Box {
  return [imageWidth - box[2], box[1], imageWidth - box[0], box[3]];
}

/**
 * Finite with positive width and height (so log(w) in the box regression is defined), and, when the image is
 * given, inside it. Invalid gt boxes are the usual cause of NaN box losses (reference §10).
 */
export function isValidBox(box: Box, image?: ImageSize): boolean {
  const [x1, y1, x2, y2] = box;
  if (!(Number.isFinite(x1) && Number.isFinite(y1) && Number.isFinite(x2) && Number.isFinite(y2))) return false;
  if (!(x2 > x1 && y2 > y1)) return false;
  if (image === undefined) return true;
  return x1 >= 0 && y1 >= 0 && x2 <= image.width && y2 <= image.height;
}

function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}

// ---- packed helpers (hot paths) ----

export function boxCount(boxes: PackedBoxes): number {
  if (boxes.length % 4 !== 0) throw new Error(`packed boxes must have length 4N, got ${boxes.length}`);
  return boxes.length / 4;
}

export function packBoxes(boxes: readonly Box[]): Float32Array {
  const out = new Float32Array(boxes.length * 4);
  boxes.forEach((b, i) => out.set(b, i * 4));
  return out;
}

export function boxAt(boxes: PackedBoxes, i: number): Box {
  const o = i * 4;
  return [boxes[o], boxes[o + 1], boxes[o + 2], boxes[o + 3]];
}

export function unpackBoxes(boxes: PackedBoxes): Box[] {
  return Array.from({ length: boxCount(boxes) }, (_, i) => boxAt(boxes, i));
}

/** Areas of all boxes (float64, so IoU maths on float32 boxes does not lose precision twice). */
export function packedAreas(boxes: PackedBoxes): Float64Array {
  const n = boxCount(boxes);
  const out = new Float64Array(n);
  for (let i = 0, o = 0; i < n; i++, o += 4) {
    out[i] = Math.max(0, boxes[o + 2] - boxes[o]) * Math.max(0, boxes[o + 3] - boxes[o + 1]);
  }
  return out;
}

/** IoU matrix [N, M] (row-major, float64) between every box of `a` and every box of `b`. */
export function pairwiseIou(a: PackedBoxes, b: PackedBoxes): Float64Array {
  const n = boxCount(a);
  const m = boxCount(b);
  const areaA = packedAreas(a);
  const areaB = packedAreas(b);
  const out = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    const ax1 = a[4 * i], ay1 = a[4 * i + 1], ax2 = a[4 * i + 2], ay2 = a[4 * i + 3];
    for (let j = 0; j < m; j++) {
      const w = Math.min(ax2, b[4 * j + 2]) - Math.max(ax1, b[4 * j]);
      const h = Math.min(ay2, b[4 * j + 3]) - Math.max(ay1, b[4 * j + 1]);
      if (w > 0 && h > 0) out[i * m + j] = (w * h) / (areaA[i] + areaB[j] - w * h);
    }
  }
  return out;
}

/** Clip every box to the image, in place (see clipBox). Returns `boxes` for chaining. */
export function clipBoxesInPlace<T extends PackedBoxes>(boxes: T, image: ImageSize): T {
  for (let o = 0; o < boxes.length; o += 4) {
    boxes[o] = clamp(boxes[o], 0, image.width);
    boxes[o + 1] = clamp(boxes[o + 1], 0, image.height);
    boxes[o + 2] = clamp(boxes[o + 2], 0, image.width);
    boxes[o + 3] = clamp(boxes[o + 3], 0, image.height);
  }
  return boxes;
}

/** Packed scaleBox, into a new array of the same type. */
export function scaleBoxes<T extends PackedBoxes>(boxes: T, sx: number, sy: number = sx): T {
  const out = boxes.slice() as T;
  for (let o = 0; o < boxes.length; o += 4) {
    out[o] *= sx;
    out[o + 1] *= sy;
    out[o + 2] *= sx;
    out[o + 3] *= sy;
  }
  return out;
}
