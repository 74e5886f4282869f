/**
 * What one detection run returns: the detections and everything the page draws to explain them
 * (the proposals used, each detection's source proposal and pre-regression box, the per-class candidates before
 * NMS, and the time of each stage). Plain data (no tensors), so it crosses a worker boundary with postMessage.
 *
 * All boxes are [x1, y1, x2, y2] in the ORIGINAL image's continuous pixel coordinates.
 */
import type { Box } from '../geometry/box';

/** One scored box of one class, before or after NMS. */
export interface ClassCandidate {
  /** Box after class-specific regression, clipped to the image. */
  readonly box: Box;
  /** The proposal it came from (its box before regression), as an index into DetectionResult.proposals. */
  readonly proposalIndex: number;
  /** Softmax probability of this class. */
  readonly score: number;
}

export interface Detection extends ClassCandidate {
  /** 1-based foreground class id (0 is background). */
  readonly classId: number;
  readonly className: string;
  /** The source proposal's box, i.e. the box before regression. */
  readonly boxBeforeRegression: Box;
  /** Softmax over [background, ...classNames] for the source proposal. */
  readonly classProbabilities: readonly number[];
}

export interface ClassCandidates {
  readonly classId: number;
  readonly className: string;
  /** Every candidate above DetectOptions.candidateScoreThreshold, in descending score order. */
  readonly candidates: readonly ClassCandidate[];
  /** Indices into `candidates` that survived NMS at the run's IoU threshold. */
  readonly keptIndices: readonly number[];
}

/** One detection as post-processing chose it among a result's candidates. */
export interface ChosenCandidate {
  /** Its class: an index into DetectionResult.candidatesPerClass (class id classIndex + 1). */
  readonly classIndex: number;
  /** Its candidate: an index into that class's `candidates`. */
  readonly candidateIndex: number;
  /** The final box: the candidate's, or the vote of its class's candidates when box voting is on. */
  readonly box: Box;
}

/** What post-processing (NMS, the score threshold and cap, box voting) chose among per-class candidates. */
export interface Selection {
  /** Per class (candidatesPerClass order): the indices of its candidates that NMS kept, best first. */
  readonly kept: readonly (readonly number[])[];
  /** The detections, best first. */
  readonly chosen: readonly ChosenCandidate[];
}

export interface StageTimesMs {
  readonly proposals?: number;
  readonly preprocess: number;
  readonly backbone: number;
  readonly roiPool: number;
  readonly fc: number;
  readonly nms: number;
  readonly total: number;
}

/** The anchor an RPN proposal was regressed from (issue 18): which of the map's anchors, and where. */
export interface RpnAnchor {
  /** The anchor's box, in original-image pixels. */
  readonly box: Box;
  /** Its side at ratio 1 (baseSize · scale), in network-input pixels: the size the model's settings name. */
  readonly side: number;
  /** Its aspect ratio h / w. */
  readonly ratio: number;
  /** The feature-map cell it sits on (stride-16 map of the network input). */
  readonly row: number;
  readonly col: number;
}

/**
 * What the Region Proposal Network did for a result computed with proposalMode 'rpn', from the same run
 * (pipeline/rpn_proposals.ts): per proposal (parallel to DetectionResult.proposals, best objectness first) its
 * objectness, anchor and the RPN's regression of that anchor; and the objectness over the map.
 */
export interface RpnExplanation {
  /** Objectness probability of each proposal. */
  readonly objectness: readonly number[];
  readonly anchors: readonly RpnAnchor[];
  /** The RPN's deltas (dx, dy, dw, dh) that moved each proposal's anchor onto it (before clipping). */
  readonly deltas: readonly (readonly [number, number, number, number])[];
  /** The best anchor's objectness probability per map cell, row-major, rows × cols, covering `extent` (original pixels). */
  readonly heatmap: { readonly rows: number; readonly cols: number; readonly cells: readonly number[]; readonly extent: Box };
}

export interface DetectionResult {
  readonly imageWidth: number;
  readonly imageHeight: number;
  readonly classNames: readonly string[];
  /** The proposals that went through the network. */
  readonly proposals: readonly Box[];
  /** Final detections after per-class NMS, score threshold and the per-image cap, best first. */
  readonly detections: readonly Detection[];
  /** Per-class candidates before NMS (so a page can redo NMS at another threshold without the network). */
  readonly candidatesPerClass: readonly ClassCandidates[];
  readonly scoreThreshold: number;
  readonly nmsIouThreshold: number;
  /** The run's per-image cap (default 100) and box voting IoU (absent or null: none), so a redraw applies them too. */
  readonly maxDetections?: number;
  readonly boxVotingIou?: number | null;
  readonly timesMs: StageTimesMs;
  readonly backend: string;
  /** With proposalMode 'rpn': the RPN's side of the proposals (anchors, objectness, its regression, the heatmap). */
  readonly rpn?: RpnExplanation;
}
