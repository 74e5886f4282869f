/**
 * The RPN's proposal layer (py-faster-rcnn `proposal_layer.py`): anchors + predicted deltas → proposals.
 * 1. decode every anchor's deltas (geometry/bbox_transform.ts, the head's decode, with its dw/dh clamp);
 * 2. clip to the image;
 * 3. drop boxes narrower or shorter than minSize (original-image pixels, so minSize · imageScale here);
 * 4. keep the preNmsTopN best by objectness;
 * 5. NMS at nmsIou (geometry/nms.ts);
 * 6. keep the postNmsTopN best.
 * Scores may be probabilities or logits: only their order matters, and they come back as given.
 *
 * Shapes: N anchors [N, 4], scores [N], deltas [N, 4], all in anchors.ts order; boxes in network-input pixels.
 */
import { decodeDeltas } from '../../geometry/bbox_transform';
import { boxCount, clipBoxesInPlace, type ImageSize, type PackedBoxes } from '../../geometry/box';
import { nms } from '../../geometry/nms';
import type { ProposalLayerSettings } from './settings';

export interface RpnProposals {
  /** [P, 4] proposals, best first. */
  readonly boxes: Float32Array;
  /** [P] their scores, as given. */
  readonly scores: Float32Array;
  /** [P] the anchor each proposal was regressed from (for explaining a detection). */
  readonly anchorIndices: Int32Array;
}

/** `imageScale`: network-input pixels per original-image pixel (minSize is in original pixels, as in py-faster-rcnn). */
export function proposalLayer(
  anchors: PackedBoxes,
  scores: ArrayLike<number>,
  deltas: ArrayLike<number>,
  image: ImageSize,
  imageScale: number,
  settings: ProposalLayerSettings,
): RpnProposals {
  const n = boxCount(anchors);
  if (scores.length !== n || deltas.length !== 4 * n) {
    throw new Error(`proposalLayer: ${n} anchors need ${n} scores and ${4 * n} deltas, got ${scores.length} and ${deltas.length}`);
  }
  const boxes = clipBoxesInPlace(decodeDeltas(anchors, deltas), image);
  const minSide = settings.minSize * imageScale;
  const candidates: number[] = [];
  for (let i = 0; i < n; i++) {
    const o = 4 * i;
    if (boxes[o + 2] - boxes[o] >= minSide && boxes[o + 3] - boxes[o + 1] >= minSide && !Number.isNaN(scores[i])) candidates.push(i);
  }
  // stable: equal scores keep anchor order, as NMS's own sort does
  candidates.sort((a, b) => scores[b] - scores[a] || a - b);
  const top = candidates.slice(0, Math.max(0, settings.preNmsTopN));
  const topBoxes = new Float32Array(top.length * 4);
  const topScores = new Float32Array(top.length);
  top.forEach((i, k) => {
    topBoxes.set(boxes.subarray(4 * i, 4 * i + 4), 4 * k);
    topScores[k] = scores[i];
  });
  const kept = nms(topBoxes, topScores, settings.nmsIou).subarray(0, Math.max(0, settings.postNmsTopN));
  const out = { boxes: new Float32Array(kept.length * 4), scores: new Float32Array(kept.length), anchorIndices: new Int32Array(kept.length) };
  kept.forEach((k, p) => {
    out.boxes.set(topBoxes.subarray(4 * k, 4 * k + 4), 4 * p);
    out.scores[p] = topScores[k];
    out.anchorIndices[p] = top[k];
  });
  return out;
}
