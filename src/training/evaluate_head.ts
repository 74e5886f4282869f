/**
 * Runs the head being trained over every proposal of each cached test image (and its mirrored views when the
 * post-processing asks for test flips, src/model/test_flips.ts) by detection's own head path (classify_rois.ts)
 * and post-processing (src/model/postprocess.ts), and scores the detections (detect_eval.ts).
 */
import * as tf from '@tensorflow/tfjs';
import type { BboxNormalization, DetectOptions } from '../model/defaults';
import type { RoiHead } from '../model/heads';
import { flipBoxes, type Flip } from '../geometry/flip';
import { classifyRois } from '../model/classify_rois';
import { selectDetections, type HeadReadback } from '../model/postprocess';
import { projectRois } from '../model/pyramid';
import { averageViews, testViews, viewClassBoxes } from '../model/test_flips';
import { packDetections, summarizeVoc, type ImageDetections } from './detect_eval';
import type { FeatureStore } from './feature_store';
import type { EvaluationSummary, TrainImageSpec } from './protocol';

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

/**
 * Softmax probabilities and deltas of every proposal (already mirrored by `flip`) on one cached view, through the
 * detector's own head path (model/classify_rois.ts), TEST_CHUNK RoIs at a time.
 */
async function headOnCachedView(ctx: EvalContext, key: string, flip: Flip, proposals: Float32Array): Promise<HeadReadback> {
  const cached = ctx.store.get(key, flip);
  let reduced: tf.Tensor4D;
  try {
    reduced = tf.tidy(() => ctx.head.reduce(ctx.suffix ? ctx.suffix(cached.features) : cached.features));
  } finally {
    cached.features.dispose();
  }
  try {
    // one map, so every RoI is on level 0 of a one-level pyramid at the cached scale
    const rois = projectRois(proposals, new Int32Array(proposals.length / 4), [cached.scale]);
    return await classifyRois(ctx.head, reduced, rois, ctx.featureStride, { chunk: TEST_CHUNK });
  } finally {
    reduced.dispose();
  }
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
