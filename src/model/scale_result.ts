/**
 * A DetectionResult found on a shrunk copy of an image, mapped back to the original image's pixels. The decoder
 * (src/data/image_decode.ts) shrinks large images before any tensor is made and keeps the factor; every box of the
 * result (proposals, detections, boxes before regression, per-class candidates, the RPN's anchors and heatmap extent)
 * is divided by it here, once.
 */
import type { Box, ImageSize } from '../geometry/box';
import type { DetectionResult } from './detection_types';

/** `result` (measured on a bitmap of result.imageWidth x imageHeight) in the pixels of an image of `original` size. */
export function scaleResultToImage(result: DetectionResult, original: ImageSize): DetectionResult {
  const sx = original.width / result.imageWidth;
  const sy = original.height / result.imageHeight;
  if (sx === 1 && sy === 1) return result;
  const box = (b: Box): Box => [b[0] * sx, b[1] * sy, b[2] * sx, b[3] * sy];
  return {
    ...result,
    imageWidth: original.width,
    imageHeight: original.height,
    proposals: result.proposals.map(box),
    detections: result.detections.map((d) => ({ ...d, box: box(d.box), boxBeforeRegression: box(d.boxBeforeRegression) })),
    candidatesPerClass: result.candidatesPerClass.map((c) => ({ ...c, candidates: c.candidates.map((k) => ({ ...k, box: box(k.box) })) })),
    ...(result.rpn && {
      rpn: { ...result.rpn, anchors: result.rpn.anchors.map((a) => ({ ...a, box: box(a.box) })), heatmap: { ...result.rpn.heatmap, extent: box(result.rpn.heatmap.extent) } },
    }),
  };
}
