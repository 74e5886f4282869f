/**
 * The multi-task loss of Fast R-CNN (paper Eq. 1-3, reference §5): L = L_cls + λ·L_loc, where L_cls is the mean
 * log loss of the softmax over K+1 classes and L_loc is the smooth L1 of the weighted box deltas, summed and divided
 * by the number of RoIs R in the mini-batch (background RoIs included, as Caffe's SmoothL1Loss layer does).
 *
 * Shapes: logits [R, K+1], labels [R] int32, deltas / targets / weights [R, 4(K+1)].
 */
import * as tf from '@tensorflow/tfjs';

/** Mean over R of -log softmax(logits)[label]. */
export function softmaxLogLoss(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => {
    const logProbs = tf.logSoftmax(logits);
    const picked = tf.sum(tf.mul(logProbs, tf.oneHot(labels, logits.shape[1])), 1);
    return tf.neg(tf.mean(picked));
  });
}

/**
 * Σ f(w ⊙ (pred - target)) / R with f(d) = 0.5·d² if |d| < 1 else |d| - 0.5, written as
 * 0.5·m² + (|d| - m) with m = min(|d|, 1), which is the same function with a gradient that needs no `where`.
 */
export function smoothL1Loss(pred: tf.Tensor2D, targets: tf.Tensor2D, weights: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => {
    const d = tf.abs(tf.mul(weights, tf.sub(pred, targets)));
    const m = tf.minimum(d, 1);
    const f = tf.add(tf.mul(0.5, tf.square(m)), tf.sub(d, m));
    return tf.div(tf.sum(f), Math.max(1, pred.shape[0]));
  });
}

export interface LossTerms {
  readonly cls: tf.Scalar;
  readonly loc: tf.Scalar;
  readonly total: tf.Scalar;
}

export interface LossInputs {
  readonly logits: tf.Tensor2D;
  readonly deltas: tf.Tensor2D;
  readonly labels: tf.Tensor1D;
  readonly bboxTargets: tf.Tensor2D;
  readonly bboxWeights: tf.Tensor2D;
}

/** L = L_cls + λ·L_loc. With bboxRegression false (stage-wise ablation) L_loc is reported but not added. */
export function multiTaskLoss(inputs: LossInputs, lambda: number, bboxRegression = true): LossTerms {
  const cls = softmaxLogLoss(inputs.logits, inputs.labels);
  const loc = smoothL1Loss(inputs.deltas, inputs.bboxTargets, inputs.bboxWeights);
  const total: tf.Scalar = bboxRegression ? tf.tidy(() => tf.add(cls, tf.mul(loc, lambda)) as tf.Scalar) : tf.clone(cls);
  return { cls, loc, total };
}
