/**
 * The RPN's loss (Ren et al. 2015, Eq. 1; py-faster-rcnn's rpn_loss_cls and rpn_loss_bbox): the log loss of the
 * objectness sigmoid over the sampled anchors plus smooth L1 with σ = 3 on the positives' deltas, each divided
 * by the sample size S (py-faster-rcnn's bbox_outside_weights = 1 / S), λ = 1.
 *
 * Full-size masks, no gather: the wasm backend has no gradient for gather (UnsortedSegmentSum), and the masked
 * element-wise ops over H·W·A anchors cost less than the head's matMuls.
 *
 * Shapes: T anchors over all images (N·H·W·A, rpn_head.ts's order); labels [T] 1 / 0 / -1 (positive, negative,
 * not sampled: proposals/rpn/anchor_targets.ts), delta targets [T, 4].
 */
import * as tf from '@tensorflow/tfjs';
import { smoothL1Loss, type LossTerms } from './loss';

/** py-faster-rcnn's RPN smooth-L1 σ: quadratic only for |d| < 1/σ² = 0.11. */
export const RPN_SMOOTH_L1_SIGMA = 3;

export interface RpnTargets {
  /** [T] 1 positive, 0 negative, -1 not in the sample. */
  readonly labels: ArrayLike<number>;
  /** [T, 4] deltas; read only where the label is 1. */
  readonly deltas: ArrayLike<number>;
}

/** Objectness logits (any shape holding T values) and deltas (T·4 values) against one or more images' targets. */
export function rpnLoss(objectness: tf.Tensor, deltas: tf.Tensor, targets: RpnTargets, sigma = RPN_SMOOTH_L1_SIGMA): LossTerms {
  const t = objectness.size;
  if (targets.labels.length !== t || targets.deltas.length !== 4 * t || deltas.size !== 4 * t) {
    throw new Error(`rpnLoss: ${t} objectness values need ${t} labels, ${4 * t} deltas and ${4 * t} targets; got ${targets.labels.length}, ${deltas.size} and ${targets.deltas.length}`);
  }
  const sampled = new Float32Array(t);
  const positive = new Float32Array(t);
  const regressWeights = new Float32Array(4 * t);
  for (let i = 0; i < t; i++) {
    const label = targets.labels[i];
    if (label !== 1 && label !== 0 && label !== -1) throw new Error(`rpnLoss: label ${i} is ${label}, not 1, 0 or -1`);
    sampled[i] = label >= 0 ? 1 : 0;
    positive[i] = label === 1 ? 1 : 0;
    if (label === 1) regressWeights.fill(1, 4 * i, 4 * i + 4);
  }
  const sampleSize = Math.max(1, sampled.reduce((a, b) => a + b, 0));
  const cls = tf.tidy(() => {
    const x = tf.reshape(objectness, [t]);
    const z = tf.tensor1d(positive);
    // log(1 + e^-|x|) + max(x, 0) - x·z: the log loss of sigmoid(x) against z without overflow
    const perAnchor = tf.add(tf.sub(tf.relu(x), tf.mul(x, z)), tf.log1p(tf.exp(tf.neg(tf.abs(x)))));
    return tf.div(tf.sum(tf.mul(perAnchor, tf.tensor1d(sampled))), sampleSize) as tf.Scalar;
  });
  const loc = tf.tidy(() => {
    // py-faster-rcnn's smooth L1 with σ (0.5·σ²d² below |d| = 1/σ², else |d| - 0.5/σ²) is f₁(σ²·d) / σ², f₁ being
    // training/loss.ts's; that one divides by its rows, T, not S
    const s2 = sigma * sigma;
    const pred = tf.mul(tf.reshape(deltas, [t, 4]), s2) as tf.Tensor2D;
    const target = tf.mul(tf.tensor2d(Float32Array.from(targets.deltas), [t, 4]), s2) as tf.Tensor2D;
    const summed = smoothL1Loss(pred, target, tf.tensor2d(regressWeights, [t, 4]));
    return tf.mul(summed, t / (s2 * sampleSize)) as tf.Scalar;
  });
  const total = tf.tidy(() => tf.add(cls, loc) as tf.Scalar);
  return { cls, loc, total };
}
