/**
 * detector.evaluate(): PASCAL VOC AP (VOC07 11-point and area) of what detect() returns on labelled images, scored
 * by the training engineer's summarizeVoc (src/training/detect_eval.ts, the `npm run eval` summary). It runs the
 * very detect() path a user gets (selective search in workers, then the network), one image at a time, at the
 * model's test settings (scores above 0.05, NMS 0.3, at most 100 per image) unless the options say otherwise.
 */
import type { DetectionResult } from '../model/detection_types';
import { packDetections, summarizeVoc, type ImageDetections } from '../training/detect_eval';
import { datasetSpecs } from './dataset';
import type { DetectInput, DetectorDataset, EvaluateOptions, EvaluationSummary } from './types';

export type DetectFunction = (image: DetectInput) => Promise<DetectionResult>;

export async function evaluateDataset(
  detect: DetectFunction,
  classNames: readonly string[],
  dataset: DetectorDataset,
  options: EvaluateOptions = {},
): Promise<EvaluationSummary> {
  const specs = datasetSpecs(dataset, classNames, 'evaluate');
  const started = performance.now();
  try {
    const detections: ImageDetections[] = [];
    for (const [i, image] of specs.images.entries()) {
      options.signal?.throwIfAborted();
      const result = await detect(image.url);
      detections.push(packDetections(result.detections));
      options.onProgress?.(i + 1, specs.images.length);
    }
    return summarizeVoc(specs.images, detections, classNames, (performance.now() - started) / 1000);
  } finally {
    specs.release();
  }
}
