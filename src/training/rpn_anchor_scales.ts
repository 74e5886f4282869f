/**
 * The RPN's anchor scales for a training set (issue 18): every gt box's size sqrt(w·h) at the training scale
 * (each image resized as the network sees it, model/preprocess.ts's imageScale), then
 * proposals/rpn/anchor_scales.ts's rule (octave-spaced sizes covering the 5th-95th percentile).
 */
import { imageScale } from '../model/preprocess';
import { chooseAnchorScales, type AnchorScaleOptions } from '../proposals/rpn/anchor_scales';
import type { RecipeImage } from './recipe';

export function anchorScalesForSet(train: readonly RecipeImage[], scale: number, maxSize: number, options: AnchorScaleOptions = {}): number[] {
  const sizes: number[] = [];
  for (const image of train) {
    const s = imageScale(image, scale, maxSize);
    for (const box of image.boxes) sizes.push(Math.sqrt(Math.max(0, box.width) * Math.max(0, box.height)) * s);
  }
  if (sizes.length === 0) throw new Error('The training set has no box to choose the RPN anchor sizes from.');
  return chooseAnchorScales(sizes, options);
}
