/**
 * The RoI head over a batch of RoIs, the one way detection (detector.ts) and the trainer's evaluation
 * (training/evaluate_head.ts) run it: RoI max pooling from the reduced feature map, fc6/fc7, softmax(cls_score) and
 * bbox_pred, read back. Detection passes an image's RoIs at once; evaluation passes them in chunks, which bounds the
 * pooled tensor (each row is computed alone, so chunking does not change the numbers).
 */
import * as tf from '@tensorflow/tfjs';
import type { RoiHead } from './heads';
import type { HeadReadback } from './postprocess';

export interface ClassifyOptions {
  /** RoIs per forward pass (default: all at once). */
  readonly chunk?: number;
  /** Runs on each chunk's pooled RoIs before the fc layers (detection times RoI pooling and checks for a cancel). */
  readonly afterPool?: (pooled: tf.Tensor4D) => Promise<void>;
}

/**
 * Probabilities [R, K+1] and deltas [R, 4(K+1)] of RoIs [R, 5] = (map index, x1, y1, x2, y2) in the scaled image's
 * pixels (pyramid.ts projectRois), pooled from `reduced` (RoiHead.reduce's output). Leaves no tensor behind.
 */
export async function classifyRois(
  head: RoiHead, reduced: tf.Tensor4D, rois: Float32Array, featureStride: number, options: ClassifyOptions = {},
): Promise<HeadReadback> {
  const count = rois.length / 5;
  const k1 = head.shape.numClasses + 1;
  const chunk = Math.max(1, options.chunk ?? count);
  const probabilities = new Float32Array(count * k1);
  const deltas = new Float32Array(count * 4 * k1);
  for (let start = 0; start < count; start += chunk) {
    const end = Math.min(count, start + chunk);
    const owned: tf.Tensor[] = [];
    try {
      const batch = tf.tensor2d(rois.subarray(5 * start, 5 * end), [end - start, 5]);
      const pooled = head.poolRois(reduced, batch, 1 / featureStride);
      owned.push(batch, pooled);
      await options.afterPool?.(pooled);
      const { clsScore, bboxPred } = head.forward(pooled, { training: false });
      const probs = tf.softmax(clsScore);
      owned.push(clsScore, bboxPred, probs);
      const [p, d] = await Promise.all([probs.data(), bboxPred.data()]);
      probabilities.set(p, start * k1);
      deltas.set(d, start * 4 * k1);
    } finally {
      tf.dispose(owned);
    }
  }
  return { probabilities, deltas };
}
