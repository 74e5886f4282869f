/**
 * Held-out evaluation: the detections of every test image (src/model/postprocess.ts, PF test_net settings:
 * candidates above 0.05, per-class NMS at 0.3, at most 100 per image) scored by PASCAL VOC AP per class, with the
 * VOC07 11-point and the area metrics (src/evaluation), as the summary `npm run eval -- --json` prints.
 */
import type { Detection } from '../model/detection_types';
import { evaluateVoc, type VocDetection, type VocImageAnnotation } from '../evaluation/voc_eval';
import type { EvaluatedDetection, EvaluationSummary, TrainImageSpec } from './protocol';

export interface ImageDetections {
  /** [D·4] continuous pixels. */
  readonly boxes: Float32Array;
  readonly scores: Float32Array;
  /** 1-based class ids. */
  readonly classes: Int32Array;
}

/** The model's detections (src/model/postprocess.ts) as packed arrays. */
export function packDetections(detections: readonly Detection[]): ImageDetections {
  return {
    boxes: Float32Array.from(detections.flatMap((d) => [...d.box])),
    scores: Float32Array.from(detections, (d) => d.score),
    classes: Int32Array.from(detections, (d) => d.classId),
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
  const all: EvaluatedDetection[] = [];
  images.forEach((image, i) => {
    groundTruth[image.id] = {
      objects: image.gtClasses.map((c, g) => ({ name: classNames[c - 1], difficult: image.difficult?.[g] ?? false, box: toVocBox(image.gtBoxes, 4 * g) })),
    };
    const d = detections[i];
    d.classes.forEach((c, j) => {
      byClass[classNames[c - 1]].push({ image: image.id, score: d.scores[j], box: toVocBox(d.boxes, 4 * j) });
      const b = d.boxes.subarray(4 * j, 4 * j + 4);
      all.push({ image: image.id, className: classNames[c - 1], score: d.scores[j], box: [b[0], b[1], b[2], b[3]] });
    });
  });
  const result = evaluateVoc({ groundTruth, detections: byClass }, { classes: [...classNames] });
  const pick = (metric: 'voc07' | 'area') => ({
    perClass: Object.fromEntries(classNames.map((n) => [n, result.perClass[n][metric]])),
    mAP: result.mAP[metric],
  });
  return { images: images.length, metric: { voc07: pick('voc07'), area: pick('area') }, secondsPerImage: images.length ? seconds / images.length : 0, detections: all };
}
