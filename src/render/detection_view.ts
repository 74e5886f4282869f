/**
 * What the page shows of a DetectionResult at the user's current thresholds, without running the network again:
 * 1. per class, redo NMS over the candidates at the slider's IoU (or reuse the run's keptIndices at the run's IoU);
 * 2. keep the survivors scoring at least the slider's score threshold, best first, at most `maxDetections`;
 * 3. list the candidates NMS suppressed (above the same score threshold), each with the kept box that suppressed it.
 * Dropping low scores after NMS instead of before it changes nothing: a box can only suppress lower-scoring ones.
 */
import { iou, type Box } from '../geometry/box';
import type { DetectionResult } from '../model/detection_types';

/** Greedy NMS of one class: indices of the kept boxes, in descending score order. */
export type ClassNms = (boxes: readonly Box[], scores: readonly number[], iouThreshold: number) => readonly number[];

export interface ViewCandidate {
  /** Stable id of a candidate within one result: `${classId}:${index into its class's candidates}`. */
  readonly key: string;
  readonly classId: number;
  readonly className: string;
  readonly score: number;
  readonly box: Box;
  readonly proposalIndex: number;
  readonly boxBeforeRegression: Box;
  /** Softmax over [background, ...classes] of the source proposal; null when the result does not carry it. */
  readonly classProbabilities: readonly number[] | null;
  /** For a suppressed candidate: the key of the kept box that suppressed it. */
  readonly suppressedBy: string | null;
}

export interface DetectionView {
  /** Kept by NMS and above the score threshold, best first. */
  readonly detections: readonly ViewCandidate[];
  /** Removed by NMS, above the score threshold, best first. */
  readonly suppressed: readonly ViewCandidate[];
}

export interface ViewThresholds {
  readonly scoreThreshold: number;
  readonly nmsIouThreshold: number;
  /** The per-image cap (torchvision's detections_per_img). */
  readonly maxDetections?: number;
}

export const DEFAULT_MAX_DETECTIONS = 100;

/** Kept indices per class (same order as result.candidatesPerClass) at `iouThreshold`. */
export function keptPerClass(result: DetectionResult, iouThreshold: number, nms: ClassNms): number[][] {
  return result.candidatesPerClass.map((perClass) => {
    if (Math.abs(iouThreshold - result.nmsIouThreshold) < 1e-9) return [...perClass.keptIndices];
    const boxes = perClass.candidates.map((c) => c.box);
    const scores = perClass.candidates.map((c) => c.score);
    return [...nms(boxes, scores, iouThreshold)];
  });
}

/** Steps 2 and 3 of the module recipe, given the kept indices from keptPerClass. */
export function viewDetections(result: DetectionResult, kept: readonly (readonly number[])[], thresholds: ViewThresholds): DetectionView {
  const probabilitiesByProposal = new Map<number, readonly number[]>();
  for (const d of result.detections) probabilitiesByProposal.set(d.proposalIndex, d.classProbabilities);
  const detections: ViewCandidate[] = [];
  const suppressed: ViewCandidate[] = [];
  result.candidatesPerClass.forEach((perClass, c) => {
    const keptSet = new Set(kept[c]);
    const keptBoxes = kept[c].map((i) => ({ key: `${perClass.classId}:${i}`, box: perClass.candidates[i].box }));
    perClass.candidates.forEach((candidate, i) => {
      if (candidate.score < thresholds.scoreThreshold) return;
      const isKept = keptSet.has(i);
      const suppressor = isKept
        ? null
        : (keptBoxes.find((k) => iou(k.box, candidate.box) > thresholds.nmsIouThreshold)?.key ?? null);
      (isKept ? detections : suppressed).push({
        key: `${perClass.classId}:${i}`,
        classId: perClass.classId,
        className: perClass.className,
        score: candidate.score,
        box: candidate.box,
        proposalIndex: candidate.proposalIndex,
        boxBeforeRegression: result.proposals[candidate.proposalIndex],
        classProbabilities: probabilitiesByProposal.get(candidate.proposalIndex) ?? null,
        suppressedBy: suppressor,
      });
    });
  });
  const byScore = (a: ViewCandidate, b: ViewCandidate): number => b.score - a.score;
  detections.sort(byScore);
  suppressed.sort(byScore);
  return { detections: detections.slice(0, thresholds.maxDetections ?? DEFAULT_MAX_DETECTIONS), suppressed };
}
