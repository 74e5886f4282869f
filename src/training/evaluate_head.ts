/** Runs the head over every proposal of each test image (cached features) and scores the detections (detect_eval.ts). */
import * as tf from '@tensorflow/tfjs';
import type { TargetStats } from '../geometry/bbox_transform';
import { postprocess, summarizeVoc, type ImageDetections } from './detect_eval';
import type { FeatureStore } from './feature_store';
import type { RoiHead } from './head';
import type { EvaluationSummary, TrainImageSpec } from './protocol';

/** RoIs per forward pass at test time (bounds the pooled tensor: 512·7·7·128 floats = 12.8 MB). */
const TEST_CHUNK = 512;

export async function detectImage(
  head: RoiHead, store: FeatureStore, key: string, proposals: Float32Array, numClasses: number,
  size: { width: number; height: number }, stats: TargetStats,
): Promise<ImageDetections> {
  const p = proposals.length / 4;
  const probs = new Float32Array(p * (numClasses + 1));
  const deltas = new Float32Array(p * 4 * (numClasses + 1));
  for (let start = 0; start < p; start += TEST_CHUNK) {
    const end = Math.min(p, start + TEST_CHUNK);
    const { features, scale } = store.get(key);
    const rois = proposals.slice(4 * start, 4 * end).map((v) => v * scale);
    const [prob, delta] = tf.tidy(() => {
      const out = head.forward([{ features, rois }], false);
      return [tf.softmax(out.logits), out.deltas];
    });
    probs.set(await prob.data(), start * (numClasses + 1));
    deltas.set(await delta.data(), start * 4 * (numClasses + 1));
    tf.dispose([features, prob, delta]);
  }
  return postprocess(proposals, probs, deltas, numClasses, size, stats);
}

export async function evaluateHead(
  head: RoiHead, store: FeatureStore, images: readonly TrainImageSpec[], proposals: ReadonlyMap<string, Float32Array>,
  sizes: ReadonlyMap<string, { width: number; height: number }>, classNames: readonly string[], stats: TargetStats,
  onImage?: (done: number) => void,
): Promise<EvaluationSummary> {
  const t0 = performance.now();
  const detections: ImageDetections[] = [];
  for (const image of images) {
    detections.push(await detectImage(head, store, `test/${image.id}`, proposals.get(image.id)!, classNames.length, sizes.get(image.id)!, stats));
    onImage?.(detections.length);
  }
  return summarizeVoc(images, detections, classNames, (performance.now() - t0) / 1000);
}
