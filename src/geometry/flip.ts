/**
 * Mirror images of an image: the paper's horizontal flip, and the vertical ones that suit top-down imagery
 * (microscopy, aerial), where "up" means nothing. Flips are their own inverse.
 * Boxes are continuous [x1, y1, x2, y2]: x1' = W - x2, x2' = W - x1 (and likewise for y with H).
 */
import type { ImageSize, PackedBoxes } from './box';

export type Flip = 'none' | 'h' | 'v' | 'hv';

export const FLIPS: readonly Flip[] = ['none', 'h', 'v', 'hv'];

export function flipsHorizontally(flip: Flip): boolean {
  return flip === 'h' || flip === 'hv';
}

export function flipsVertically(flip: Flip): boolean {
  return flip === 'v' || flip === 'hv';
}

/** The views of an image: as is first, then each flip of `flips` once, in order. */
export function flipViews(flips: readonly Flip[]): Flip[] {
  return ['none', ...new Set(flips.filter((flip) => flip !== 'none'))];
}

/** Packed boxes mirrored by `flip` in an image of `size`, into a new array of the same type. */
export function flipBoxes<T extends PackedBoxes>(boxes: T, flip: Flip, size: ImageSize): T {
  const out = boxes.slice() as T;
  const h = flipsHorizontally(flip);
  const v = flipsVertically(flip);
  for (let o = 0; o < boxes.length; o += 4) {
    if (h) {
      out[o] = size.width - boxes[o + 2];
      out[o + 2] = size.width - boxes[o];
    }
    if (v) {
      out[o + 1] = size.height - boxes[o + 3];
      out[o + 3] = size.height - boxes[o + 1];
    }
  }
  return out;
}
