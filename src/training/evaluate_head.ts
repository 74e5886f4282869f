/**
 * Runs the head being trained over every proposal of each cached test image (and its mirrored views when the
 * post-processing asks for test flips, src/model/test_flips.ts), with the model's own post-processing
 * (src/model/postprocess.ts), and scores the detections (detect_eval.ts).
 */
import * as tf from '@tensorflow/tfjs';
import type { BboxNormalization, DetectOptions } from '../model/defaults';
import type { RoiHead } from '../model/heads';
import { flipBoxes, type Flip } from '../geometry/flip';
import { selectDetections, type HeadReadback } from '../model/postprocess';
import { averageViews, testViews, viewClassBoxes } from '../model/test_flips';
import { packDetections, summarizeVoc, type ImageDetections } from './detect_eval';
import type { FeatureStore } from './feature_store';
import type { EvaluationSummary, TrainImageSpec } from './protocol';
import { headOutputs } from './trainer';

/** RoIs per forward pass at test time (bounds the pooled tensor: 512·7·7·128 floats = 12.8 MB). */
const TEST_CHUNK = 512;

export interface EvalContext {
  readonly head: RoiHead;
  readonly store: FeatureStore;
  readonly featureStride: number;
  readonly classNames: readonly string[];
  readonly normalization: BboxNormalization;
  /** Post-processing: the model's own when it was loaded, else the defaults. */
  readonly detect: DetectOptions;
  /** Trainable conv blocks run on the cached prefix (conv fine-tuning). */
  readonly suffix?: (prefix: tf.Tensor4D) => tf.Tensor4D;
}

export async function detectCached(ctx: EvalContext, key: string, proposals: Float32Array, size: { width: number; height: number }): Promise<ImageDetections> {
  const views = [];
  for (const flip of testViews(ctx.detect)) {
    const viewProposals = flipBoxes(proposals, flip, size);
    const head = await headOnCachedView(ctx, key, flip, viewProposals);
    views.push(viewClassBoxes(viewProposals, flip, head, ctx.normalization, size, ctx.detect));
  }
  const found = selectDetections(proposals, averageViews(views), ctx.classNames, ctx.detect);
  return packDetections(found.detections);
}

/** Softmax probabilities and deltas of every proposal (already mirrored by `flip`) on one cached view. */
async function headOnCachedView(ctx: EvalContext, key: string, flip: Flip, proposals: Float32Array): Promise<HeadReadback> {
  const p = proposals.length / 4;
  const k1 = ctx.classNames.length + 1;
  const probabilities = new Float32Array(p * k1);
  const deltas = new Float32Array(p * 4 * k1);
  const cached = ctx.store.get(key, flip);
  const scale = cached.scale;
  const features = ctx.suffix ? tf.tidy(() => ctx.suffix!(cached.features)) : cached.features;
  if (ctx.suffix) cached.features.dispose();
  try {
    for (let start = 0; start < p; start += TEST_CHUNK) {
      const end = Math.min(p, start + TEST_CHUNK);
      const rois = proposals.slice(4 * start, 4 * end).map((v) => v * scale);
      const [prob, delta] = tf.tidy(() => {
        const out = headOutputs(ctx.head, [{ features, rois }], ctx.featureStride, false);
        return [tf.softmax(out.logits), out.deltas];
      });
      probabilities.set(await prob.data(), start * k1);
      deltas.set(await delta.data(), start * 4 * k1);
      tf.dispose([prob, delta]);
    }
  } finally {
    features.dispose();
  }
  return { probabilities, deltas };
}

export async function evaluateHead(
  ctx: EvalContext, images: readonly TrainImageSpec[], proposals: ReadonlyMap<string, Float32Array>,
  sizes: ReadonlyMap<string, { width: number; height: number }>, onImage?: (done: number) => void,
  /** Feature-store key prefix of the images: 'test' (held out) or 'val' (validation). */
  keyPrefix: 'test' | 'val' = 'test',
): Promise<EvaluationSummary> {
  const t0 = performance.now();
  const detections: ImageDetections[] = [];
  for (const image of images) {
    detections.push(await detectCached(ctx, `${keyPrefix}/${image.id}`, proposals.get(image.id)!, sizes.get(image.id)!));
    onImage?.(detections.length);
  }
  return summarizeVoc(images, detections, ctx.classNames, (performance.now() - t0) / 1000);
}
