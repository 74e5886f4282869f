/**
 * Test-time flips: the same proposals scored on mirrored copies of the image and averaged, a cheap ensemble that
 * steadies the ranking (not in the paper; DetectOptions.testFlips). Each view's proposals are mirrored with the
 * image, its class boxes decoded there and mirrored back, so every proposal has one score vector and one box per
 * class per view, and views are averaged element by element before NMS.
 */
import type { ImageSize, PackedBoxes } from '../geometry/box';
import { flipBoxes, flipViews, type Flip } from '../geometry/flip';
import type { BboxNormalization, DetectOptions } from './defaults';
import { classBoxes, type HeadReadback, type ScoredClassBoxes } from './postprocess';

/** The views to run: the image itself first, then each requested flip once. */
export function testViews(options: Pick<DetectOptions, 'testFlips'>): Flip[] {
  return flipViews(options.testFlips ?? []);
}

/**
 * One view's head outputs as class boxes in the original frame: decoded against `viewProposals` (the proposals as
 * mirrored by `flip`, which the head saw), then mirrored back.
 */
export function viewClassBoxes(
  viewProposals: PackedBoxes, flip: Flip, head: HeadReadback, normalization: BboxNormalization, image: ImageSize,
  options: Pick<DetectOptions, 'bboxRegression' | 'deltaClampLog'>,
): ScoredClassBoxes {
  const boxes = classBoxes(viewProposals, head.deltas, normalization, image, options);
  return { probabilities: head.probabilities, boxes: flip === 'none' ? boxes : flipBoxes(boxes, flip, image) };
}

/** Element-wise mean of the views' probabilities and boxes (one view is returned as is). */
export function averageViews(views: readonly ScoredClassBoxes[]): ScoredClassBoxes {
  if (views.length === 0) throw new Error('averageViews needs at least one view');
  if (views.length === 1) return views[0];
  const mean = (pick: (v: ScoredClassBoxes) => Float32Array) => {
    const out = new Float32Array(pick(views[0]).length);
    for (const view of views) {
      const values = pick(view);
      if (values.length !== out.length) throw new Error('views of one image must score the same proposals');
      for (let i = 0; i < out.length; i++) out[i] += values[i];
    }
    for (let i = 0; i < out.length; i++) out[i] /= views.length;
    return out;
  };
  return { probabilities: mean((v) => v.probabilities), boxes: mean((v) => v.boxes) };
}
