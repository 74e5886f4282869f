/**
 * From the head's outputs to detections, on the CPU, with the data already read back (reference §6, PF test_net):
 * 1. un-normalize the deltas: delta·std + mean, per class (the stats are stored with the model, never folded);
 * 2. decode each class's deltas against the proposal (dw/dh clamped), or keep the proposal when regression is off;
 * 3. clip every box to the image;
 * 4. per class j ≥ 1: the candidates are the proposals whose probability of j is > candidateScoreThreshold;
 * 5. per-class NMS (geometry/nms.ts, torchvision semantics) at nmsIouThreshold;
 * 6. the survivors scoring > scoreThreshold, best first over all classes, capped at maxDetections;
 * 7. with boxVotingIou set, each survivor's box is voted among its class's candidates (box_voting.ts).
 * Steps 5-7 (selectAmong) also run alone on a finished result's candidates: reselect(), for redrawing at other
 * thresholds without the network.
 *
 * Shapes: R proposals packed [R, 4] in original-image pixels; K foreground classes; probabilities [R, K+1];
 * deltas [R, 4(K+1)] class-major. Boxes are continuous [x1, y1, x2, y2] (geometry/box.ts).
 */
import { boxAt, clipBoxesInPlace, type ImageSize, type PackedBoxes } from '../geometry/box';
import { decodeDeltas, unnormalizeDeltas } from '../geometry/bbox_transform';
import { batchedNms } from '../geometry/nms';
import { voteBox } from './box_voting';
import type { ChosenCandidate, ClassCandidate, ClassCandidates, Detection, DetectionResult, Selection } from './detection_types';
import { DEFAULT_DETECT, type BboxNormalization, type DetectOptions } from './defaults';

export interface HeadReadback {
  /** [R, K+1] softmax probabilities. */
  readonly probabilities: Float32Array;
  /** [R, 4(K+1)] normalized deltas as the network emits them. */
  readonly deltas: Float32Array;
}

export interface PostprocessResult {
  readonly detections: Detection[];
  readonly candidatesPerClass: ClassCandidates[];
}

/** Steps 1-3: boxes [R, 4(K+1)], one per class, in original-image pixels, clipped. */
export function classBoxes(
  proposals: PackedBoxes,
  deltas: Float32Array,
  normalization: BboxNormalization,
  image: ImageSize,
  options: Pick<DetectOptions, 'bboxRegression' | 'deltaClampLog'>,
): Float32Array {
  const numClasses = normalization.means.length / 4;
  const count = proposals.length / 4;
  if (deltas.length !== count * 4 * numClasses) throw new Error(`deltas: ${deltas.length} values for ${count} RoIs x ${numClasses} classes`);
  let boxes: Float32Array;
  if (options.bboxRegression) {
    const stats = { numClasses, means: Float64Array.from(normalization.means), stds: Float64Array.from(normalization.stds) };
    boxes = decodeDeltas(proposals, unnormalizeDeltas(deltas, stats), { clampLog: options.deltaClampLog });
  } else {
    boxes = new Float32Array(count * 4 * numClasses);
    for (let i = 0; i < count; i++) for (let c = 0; c < numClasses; c++) boxes.set(proposals.subarray(4 * i, 4 * i + 4), 4 * (i * numClasses + c));
  }
  return clipBoxesInPlace(boxes, image);
}

/** One view's per-class scores and boxes, before NMS (several views of an image are averaged: test_flips.ts). */
export interface ScoredClassBoxes {
  /** [R, K+1] softmax probabilities. */
  readonly probabilities: Float32Array;
  /** [R, 4(K+1)] decoded, clipped boxes in original-image pixels (classBoxes). */
  readonly boxes: Float32Array;
}

/** Steps 1-7. */
export function postprocess(
  proposals: PackedBoxes,
  head: HeadReadback,
  classNames: readonly string[],
  normalization: BboxNormalization,
  image: ImageSize,
  options: DetectOptions,
): PostprocessResult {
  const boxes = classBoxes(proposals, head.deltas, normalization, image, options);
  return selectDetections(proposals, { probabilities: head.probabilities, boxes }, classNames, options);
}

/** Steps 4-7 on decoded boxes. */
export function selectDetections(
  proposals: PackedBoxes,
  head: ScoredClassBoxes,
  classNames: readonly string[],
  options: DetectOptions,
): PostprocessResult {
  const numClasses = classNames.length + 1;
  const count = proposals.length / 4;
  const boxes = head.boxes;
  // 4. candidates, per class in descending score order
  const perClass = classNames.map((_, k) => {
    const j = k + 1;
    const members: number[] = [];
    for (let i = 0; i < count; i++) if (head.probabilities[i * numClasses + j] > options.candidateScoreThreshold) members.push(i);
    members.sort((a, b) => head.probabilities[b * numClasses + j] - head.probabilities[a * numClasses + j] || a - b);
    const candidates: ClassCandidate[] = members.map((i) => ({
      box: boxAt(boxes, i * numClasses + j),
      proposalIndex: i,
      score: head.probabilities[i * numClasses + j],
    }));
    return { classId: j, className: classNames[k], candidates };
  });
  // 5-7.
  const selection = selectAmong(perClass, options);
  const candidatesPerClass: ClassCandidates[] = perClass.map((c, k) => ({ ...c, keptIndices: selection.kept[k] }));
  const detections = selection.chosen.map(({ classIndex: k, candidateIndex, box }): Detection => {
    const candidate = perClass[k].candidates[candidateIndex];
    const i = candidate.proposalIndex;
    return {
      ...candidate,
      box,
      classId: k + 1,
      className: classNames[k],
      boxBeforeRegression: boxAt(proposals, i),
      classProbabilities: Array.from(head.probabilities.subarray(i * numClasses, (i + 1) * numClasses)),
    };
  });
  return { detections, candidatesPerClass };
}

/** What steps 5-7 read of the options. */
export type SelectOptions = Pick<DetectOptions, 'scoreThreshold' | 'nmsIouThreshold' | 'maxDetections' | 'boxVotingIou'>;

/**
 * Steps 5-7 on per-class candidates (each class's list in descending score order): one batched NMS call over all
 * classes, the survivors scoring > scoreThreshold, best first, capped at maxDetections, each box voted among its
 * class's candidates when boxVotingIou is set.
 */
export function selectAmong(perClass: readonly { readonly candidates: readonly ClassCandidate[] }[], options: SelectOptions): Selection {
  // 5. one batched NMS call over all classes; map the kept flat indices back to (class, candidate)
  const total = perClass.reduce((n, c) => n + c.candidates.length, 0);
  const flatBoxes = new Float32Array(total * 4);
  const flatScores = new Float32Array(total);
  const flatClass = new Int32Array(total);
  const owner: [number, number][] = [];
  for (const [k, { candidates }] of perClass.entries()) {
    for (const [c, candidate] of candidates.entries()) {
      flatBoxes.set(candidate.box, owner.length * 4);
      flatScores[owner.length] = candidate.score;
      flatClass[owner.length] = k;
      owner.push([k, c]);
    }
  }
  const kept = batchedNms(flatBoxes, flatScores, flatClass, options.nmsIouThreshold);
  const keptPerClass: number[][] = perClass.map(() => []);
  for (const flat of kept) keptPerClass[owner[flat][0]].push(owner[flat][1]);
  // 6. final detections, best first (batchedNms already returns descending score order); 7. box voting
  const chosen: ChosenCandidate[] = [];
  const voting = options.boxVotingIou;
  for (const flat of kept) {
    if (chosen.length >= options.maxDetections) break;
    const [k, c] = owner[flat];
    const candidate = perClass[k].candidates[c];
    if (!(candidate.score > options.scoreThreshold)) continue;
    const box = voting != null ? voteBox(candidate.box, perClass[k].candidates, voting) : candidate.box;
    chosen.push({ classIndex: k, candidateIndex: c, box });
  }
  return { kept: keptPerClass, chosen };
}

/**
 * Steps 5-7 again on a result's per-class candidates, at other thresholds and without the network: exactly what
 * detect() reports at those thresholds (over the same candidates, with the run's cap and box voting). The page and
 * the widget redraw through this when a slider or attribute moves (render/detection_view.ts).
 */
export function reselect(
  result: Pick<DetectionResult, 'candidatesPerClass' | 'maxDetections' | 'boxVotingIou'>,
  thresholds: Pick<DetectOptions, 'scoreThreshold' | 'nmsIouThreshold'> & { readonly maxDetections?: number },
): Selection {
  return selectAmong(result.candidatesPerClass, {
    scoreThreshold: thresholds.scoreThreshold,
    nmsIouThreshold: thresholds.nmsIouThreshold,
    maxDetections: thresholds.maxDetections ?? result.maxDetections ?? DEFAULT_DETECT.maxDetections,
    boxVotingIou: result.boxVotingIou ?? null,
  });
}
