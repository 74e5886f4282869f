/**
 * What the page, the widget and the Train tab's preview show of a DetectionResult at the user's current
 * thresholds, without running the network again:
 * 1. the detections: the model's own post-processing run again on the result's per-class candidates
 *    (model/postprocess.ts reselect: NMS at the slider's IoU, scores > the slider's threshold, the run's cap and box
 *    voting), so what is drawn is what detect() reports at those thresholds;
 * 2. the candidates NMS suppressed (scoring above the same threshold), each with the kept box that suppressed it.
 * With onlyClass, the other classes' candidates are set aside before step 1 (NMS is per class, so the class kept
 * gets exactly its own boxes; the cap then counts that class alone).
 */
import { iou, type Box } from '../geometry/box';
import type { DetectionResult, Selection } from '../model/detection_types';
import { reselect } from '../model/postprocess';

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
  /** The per-image cap (torchvision's detections_per_img); default: the run's (100). */
  readonly maxDetections?: number;
  /** Only this class (its name as the result spells it), as when the user says what they look for; absent: all. */
  readonly onlyClass?: string | null;
}

/** The detections at `thresholds` (steps 1 and 2 of the module comment). */
export function detectionView(result: DetectionResult, thresholds: ViewThresholds): DetectionView {
  const shown = onlyClass(result, thresholds.onlyClass ?? null);
  return viewOfSelection(shown, reselect(shown, thresholds), thresholds);
}

/** The result with the other classes' candidates emptied (indices stay those of the result, keys stay stable). */
function onlyClass(result: DetectionResult, className: string | null): DetectionResult {
  if (className == null) return result;
  const candidatesPerClass = result.candidatesPerClass.map((c) => (c.className === className ? c : { ...c, candidates: [], keptIndices: [] }));
  return { ...result, candidatesPerClass };
}

/** Step 2 around a selection that post-processing made among the result's candidates. */
export function viewOfSelection(result: DetectionResult, selection: Selection, thresholds: ViewThresholds): DetectionView {
  const probabilitiesByProposal = new Map<number, readonly number[]>();
  for (const d of result.detections) probabilitiesByProposal.set(d.proposalIndex, d.classProbabilities);
  const view = (classIndex: number, i: number, box: Box | null, suppressedBy: string | null): ViewCandidate => {
    const perClass = result.candidatesPerClass[classIndex];
    const candidate = perClass.candidates[i];
    return {
      key: `${perClass.classId}:${i}`,
      classId: perClass.classId,
      className: perClass.className,
      score: candidate.score,
      box: box ?? candidate.box,
      proposalIndex: candidate.proposalIndex,
      boxBeforeRegression: result.proposals[candidate.proposalIndex],
      classProbabilities: probabilitiesByProposal.get(candidate.proposalIndex) ?? null,
      suppressedBy,
    };
  };
  const detections = selection.chosen.map((c) => view(c.classIndex, c.candidateIndex, c.box, null));
  const suppressed: ViewCandidate[] = [];
  result.candidatesPerClass.forEach((perClass, k) => {
    const kept = new Set(selection.kept[k]);
    perClass.candidates.forEach((candidate, i) => {
      if (kept.has(i) || !(candidate.score > thresholds.scoreThreshold)) return;
      // NMS compares the boxes before voting; the kept list is best first, so this is the box that suppressed it
      const by = selection.kept[k].find((j) => iou(perClass.candidates[j].box, candidate.box) > thresholds.nmsIouThreshold);
      suppressed.push(view(k, i, null, by === undefined ? null : `${perClass.classId}:${by}`));
    });
  });
  suppressed.sort((a, b) => b.score - a.score);
  return { detections, suppressed };
}
