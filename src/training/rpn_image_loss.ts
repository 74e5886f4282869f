/**
 * One image's RPN loss, for use inside a gradient tape: anchors for its feature map, targets sampled with the
 * trainer's seeded generator (proposals/rpn/anchor_targets.ts), the head's outputs (im2col path) and rpnLoss.
 * Approximate joint training adds this to the detection head's loss in the same tape; the alternating scheme
 * minimizes it alone.
 */
import type * as tf from '@tensorflow/tfjs';
import type { ImageSize, PackedBoxes } from '../geometry/box';
import type { RpnHead } from '../model/rpn_head';
import { assignAnchorTargets, type AnchorTargets } from '../proposals/rpn/anchor_targets';
import { anchorsForMap } from '../proposals/rpn/anchors';
import type { AnchorSettings, AnchorTargetSettings } from '../proposals/rpn/settings';
import type { LossTerms } from './loss';
import { rpnLoss } from './rpn_loss';

export interface RpnImage {
  /** [1, H, W, C] the shared map of one image (or its mirror). */
  readonly features: tf.Tensor4D;
  /** [G, 4] gt boxes in network-input pixels. */
  readonly gt: PackedBoxes;
  /** The network input's size: anchors reaching past it are ignored. */
  readonly inputSize: ImageSize;
}

export interface RpnImageLoss extends LossTerms {
  /** The sample behind the loss (for progress: positives per image). */
  readonly targets: AnchorTargets;
}

export function rpnImageLoss(
  head: RpnHead,
  image: RpnImage,
  anchors: AnchorSettings,
  targetSettings: AnchorTargetSettings,
  rng: () => number,
): RpnImageLoss {
  const [n, h, w] = image.features.shape;
  if (n !== 1) throw new Error(`rpnImageLoss: one image's features at a time, got a batch of ${n}`);
  const targets = assignAnchorTargets(anchorsForMap(anchors, h, w), image.gt, image.inputSize, targetSettings, rng);
  const out = head.forward(image.features, { training: true });
  try {
    return { ...rpnLoss(out.objectness, out.deltas, targets), targets };
  } finally {
    out.objectness.dispose();
    out.deltas.dispose();
  }
}
