/**
 * A fast path for fine-tuning the last conv layer on backends without conv gradients (wasm): when the trainable
 * suffix of the backbone is a single 1x1 conv (folded batch norm, + bias) followed by hard-swish, as at the
 * default tap (`expanded_conv_12/expand`, 88 -> 528 channels), it is the matMul x·W + b per pixel, whose gradient
 * every backend has. It reads and trains the backbone's own variables, so a saved detector stores the tuned
 * weights and src/model's interpreter runs them as the real conv. `checkPointwiseSuffix` compares it with the
 * interpreter on a real input before training uses it.
 */
import * as tf from '@tensorflow/tfjs';
import type { Backbone } from '../model/backbone';

/** hard-swish as MobileNetV3 defines it: x · relu6(x + 3) / 6. */
function hardSwish(x: tf.Tensor): tf.Tensor {
  return tf.mul(tf.mul(x, 1 / 6), tf.relu6(tf.add(x, 3)));
}

/** The suffix as matMul, or null when the suffix is not exactly one 1x1 conv (weights [1, 1, Cin, Cout] + bias). */
export function pointwiseSuffix(backbone: Backbone): ((prefix: tf.Tensor4D) => tf.Tensor4D) | null {
  const weights = [...backbone.trainableVariables()];
  if (weights.length !== 2) return null;
  const kernel = weights.find((w) => w.rank === 4 && w.shape[0] === 1 && w.shape[1] === 1);
  const bias = weights.find((w) => w.rank === 1);
  if (!kernel || !bias) return null;
  const [, , cin, cout] = kernel.shape;
  return (prefix) => {
    const [n, h, w] = prefix.shape;
    const flat = tf.reshape(prefix, [n * h * w, cin]) as tf.Tensor2D;
    const y = tf.add(tf.matMul(flat, tf.reshape(kernel, [cin, cout]) as tf.Tensor2D), bias);
    return tf.reshape(hardSwish(y), [n, h, w, cout]) as tf.Tensor4D;
  };
}

/** max |fast - interpreter| / max(1, max |interpreter|) on `prefix` (float32 sums differ in order); throws above `tolerance`. */
export async function checkPointwiseSuffix(backbone: Backbone, fast: (p: tf.Tensor4D) => tf.Tensor4D, prefix: tf.Tensor4D, tolerance = 1e-3): Promise<number> {
  const stats = tf.tidy(() => {
    const reference = backbone.trainableSuffix(prefix);
    return tf.stack([tf.max(tf.abs(tf.sub(fast(prefix), reference))), tf.max(tf.abs(reference))]);
  });
  const [diff, scale] = await stats.data();
  stats.dispose();
  const relative = diff / Math.max(1, scale);
  if (!(relative <= tolerance)) throw new Error(`the 1x1-conv fast path differs from the backbone by ${relative} (relative); train this block on webgl or cpu`);
  return relative;
}
