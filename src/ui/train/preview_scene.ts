/** The held-out preview's scene: ground truth (white, dashed) under the current model's detections. */
import type { Box } from '../../geometry/box';
import type { DetectionResult } from '../../model/detection_types';
import { detectionView } from '../../render/detection_view';
import { buildScene, DEFAULT_LAYERS, type DrawnObject } from '../../render/scene';

export const PREVIEW_SCORE = 0.5;

export function previewScene(groundTruth: readonly Box[], result: DetectionResult | null): DrawnObject[] {
  const truth: DrawnObject[] = groundTruth.map((box, i) => ({
    kind: 'annotation', id: `truth:${i}`, box, colour: '#ffffff', dash: [4, 3], lineWidth: 1.5, alpha: 0.8, label: null, emphasis: 'normal',
  }));
  if (!result) return truth;
  const view = detectionView(result, { scoreThreshold: PREVIEW_SCORE, nmsIouThreshold: result.nmsIouThreshold });
  const layers = { ...DEFAULT_LAYERS, proposals: false, preRegression: false, detections: true, suppressed: false, labels: true };
  return [...truth, ...buildScene({ view, proposals: result.proposals, layers, focusKey: null })];
}
