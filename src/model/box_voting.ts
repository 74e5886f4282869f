/**
 * Box voting (Gidaris & Komodakis, "Object detection via a multi-region & semantic segmentation-aware CNN model",
 * ICCV 2015, §5): after NMS, each kept box is replaced by the score-weighted mean of its class's candidates that
 * overlap it by at least `iouThreshold` (itself included). Scores and the set of detections do not change; only
 * the boxes move towards the consensus of the many overlapping, regressed proposals.
 */
import { iou, type Box } from '../geometry/box';
import type { ClassCandidate } from './detection_types';

export function voteBox(kept: Box, candidates: readonly ClassCandidate[], iouThreshold: number): Box {
  let weight = 0;
  const sum = [0, 0, 0, 0];
  for (const candidate of candidates) {
    if (iou(kept, candidate.box) < iouThreshold) continue;
    weight += candidate.score;
    for (let k = 0; k < 4; k++) sum[k] += candidate.score * candidate.box[k];
  }
  if (!(weight > 0)) return kept;
  return [sum[0] / weight, sum[1] / weight, sum[2] / weight, sum[3] / weight];
}
