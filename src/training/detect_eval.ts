/**
 * Held-out evaluation of the head being trained (paper §3 test path, PF test_net): per test image, score every
 * proposal, decode its class-specific deltas (unnormalized with the training stats), clip to the image, keep
 * candidates scoring above 0.05, per-class NMS at 0.3, at most 100 detections over all classes; then PASCAL VOC AP
 * per class, VOC07 11-point and area metrics (src/evaluation).
 *
 * Shapes: P proposals of one image, K foreground classes; probs [P, K+1], deltas [P, 4(K+1)].
 */
import { decodeDeltas, type TargetStats } from '../geometry/bbox_transform';
import { clipBoxesInPlace } from '../geometry/box';
import { batchedNms } from '../geometry/nms';
import { evaluateVoc, type VocDetection, type VocImageAnnotation } from '../evaluation/voc_eval';
import type { EvaluationSummary, TrainImageSpec } from './protocol';

export interface PostprocessOptions {
  readonly scoreThreshold: number;
  readonly nmsIouThreshold: number;
  readonly maxDetections: number;
}

export const TEST_POSTPROCESS: PostprocessOptions = { scoreThreshold: 0.05, nmsIouThreshold: 0.3, maxDetections: 100 };

export interface ImageDetections {
  /** [D·4] continuous pixels. */
  readonly boxes: Float32Array;
  readonly scores: Float32Array;
  /** 1-based class ids. */
  readonly classes: Int32Array;
}

/** (delta_normalized · std + mean) for every class column group, in place. */
export function unnormalizeInPlace(deltas: Float32Array, stats: TargetStats): Float32Array {
  const cols = stats.means.length;
  for (let o = 0; o < deltas.length; o++) deltas[o] = deltas[o] * stats.stds[o % cols] + stats.means[o % cols];
  return deltas;
}

/** Softmax probabilities and raw deltas of one image's proposals to final detections (numbered recipe above). */
export function postprocess(
  proposals: Float32Array, probs: Float32Array, deltas: Float32Array, numClasses: number,
  image: { width: number; height: number }, stats: TargetStats, options: PostprocessOptions = TEST_POSTPROCESS,
): ImageDetections {
  const p = proposals.length / 4;
  const k1 = numClasses + 1;
  // 1. decode per class, 2. clip to the image
  const boxes = clipBoxesInPlace(decodeDeltas(proposals, unnormalizeInPlace(deltas, stats)), image);
  // 3. candidates above the score threshold (background column dropped)
  const candBoxes: number[] = [];
  const candScores: number[] = [];
  const candClasses: number[] = [];
  for (let i = 0; i < p; i++) {
    for (let c = 1; c < k1; c++) {
      const s = probs[i * k1 + c];
      if (!(s > options.scoreThreshold)) continue;
      const o = (i * k1 + c) * 4;
      candBoxes.push(boxes[o], boxes[o + 1], boxes[o + 2], boxes[o + 3]);
      candScores.push(s);
      candClasses.push(c);
    }
  }
  // 4. NMS per class, 5. cap over all classes, best first
  const keep = batchedNms(Float32Array.from(candBoxes), candScores, candClasses, options.nmsIouThreshold).slice(0, options.maxDetections);
  return {
    boxes: Float32Array.from(Array.from(keep).flatMap((i) => candBoxes.slice(4 * i, 4 * i + 4))),
    scores: Float32Array.from(keep, (i) => candScores[i]),
    classes: Int32Array.from(keep, (i) => candClasses[i]),
  };
}

/** Continuous [x1, y1, x2, y2] to VOC's 1-based inclusive pixels (the inverse of the VOC parser's conversion). */
function toVocBox(b: ArrayLike<number>, o: number): [number, number, number, number] {
  return [b[o] + 1, b[o + 1] + 1, b[o + 2], b[o + 3]];
}

/** VOC AP over the test images: both metrics, per class and their mean. */
export function summarizeVoc(
  images: readonly TrainImageSpec[], detections: readonly ImageDetections[], classNames: readonly string[], seconds: number,
): EvaluationSummary {
  const groundTruth: Record<string, VocImageAnnotation> = {};
  const byClass: Record<string, VocDetection[]> = Object.fromEntries(classNames.map((n) => [n, []]));
  images.forEach((image, i) => {
    groundTruth[image.id] = {
      objects: image.gtClasses.map((c, g) => ({ name: classNames[c - 1], difficult: image.difficult?.[g] ?? false, box: toVocBox(image.gtBoxes, 4 * g) })),
    };
    const d = detections[i];
    d.classes.forEach((c, j) => byClass[classNames[c - 1]].push({ image: image.id, score: d.scores[j], box: toVocBox(d.boxes, 4 * j) }));
  });
  const result = evaluateVoc({ groundTruth, detections: byClass }, { classes: [...classNames] });
  const pick = (metric: 'voc07' | 'area') => ({
    perClass: Object.fromEntries(classNames.map((n) => [n, result.perClass[n][metric]])),
    mAP: result.mAP[metric],
  });
  return { images: images.length, metric: { voc07: pick('voc07'), area: pick('area') }, secondsPerImage: images.length ? seconds / images.length : 0 };
}
