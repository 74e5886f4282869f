import { describe, expect, it } from 'vitest';
import { decodeDeltas } from '../../geometry/bbox_transform';
import { clipBoxesInPlace, packBoxes, type Box } from '../../geometry/box';
import { nms } from '../../geometry/nms';
import { mulberry32 } from '../rng';
import { generateAnchors, shiftAnchors } from './anchors';
import { proposalLayer } from './proposal_layer';
import type { ProposalLayerSettings } from './settings';

const image = { width: 100, height: 80 };
const open: ProposalLayerSettings = { preNmsTopN: 100, postNmsTopN: 100, nmsIou: 0.7, minSize: 0 };
const zeros = (n: number) => new Float32Array(4 * n);

describe('proposalLayer', () => {
  it('decodes deltas with the R-CNN parameterization, then clips to the image', () => {
    const anchors = packBoxes([[10, 10, 30, 30], [90, 70, 110, 90]]);
    // anchor 0: centre 20 → 30 (dx = 0.5 of its width 20), width 20 → 40; anchor 1: unchanged, then clipped
    const deltas = Float32Array.from([0.5, 0, Math.log(2), 0, 0, 0, 0, 0]);
    const out = proposalLayer(anchors, [0.9, 0.8], deltas, image, 1, open);
    expect(Array.from(out.boxes)).toEqual([10, 10, 50, 30, 90, 70, 100, 80]);
    expect(Array.from(out.scores)).toEqual([Math.fround(0.9), Math.fround(0.8)]);
    expect(Array.from(out.anchorIndices)).toEqual([0, 1]);
  });

  it('drops boxes under minSize original pixels (minSize · imageScale network pixels), after clipping', () => {
    const anchors = packBoxes([[0, 0, 10, 40], [0, 0, 40, 40], [95, 0, 135, 40]]);
    const settings = { ...open, minSize: 16 };
    // at scale 1: the 10-px-wide box and the one clipped to 5 px go
    expect(Array.from(proposalLayer(anchors, [3, 2, 1], zeros(3), image, 1, settings).anchorIndices)).toEqual([1]);
    // at scale 0.5 the threshold is 8 network pixels: the 10-px box stays, the 5-px one still goes
    expect(Array.from(proposalLayer(anchors, [3, 2, 1], zeros(3), image, 0.5, settings).anchorIndices)).toEqual([0, 1]);
  });

  it('ranks by score, keeps preNmsTopN before NMS, suppresses IoU > nmsIou, keeps postNmsTopN', () => {
    const boxes: Box[] = [
      [0, 0, 20, 20], // 0
      [0, 0, 20, 22], // 1: IoU 400/440 = 0.909 with 0 → suppressed
      [0, 0, 20, 27], // 2: IoU 400/540 = 0.741 with 0 → suppressed
      [0, 0, 20, 30], // 3: IoU 400/600 = 0.667 with 0 → kept
      [50, 50, 70, 70], // 4
      [60, 0, 80, 20], // 5
    ];
    const anchors = packBoxes(boxes);
    const scores = [0.95, 0.9, 0.5, 0.4, 0.3, 0.2];
    expect(Array.from(proposalLayer(anchors, scores, zeros(6), image, 1, open).anchorIndices)).toEqual([0, 3, 4, 5]);
    // the top 3 before NMS are 0, 1, 2: boxes 4 and 5 never reach NMS
    expect(Array.from(proposalLayer(anchors, scores, zeros(6), image, 1, { ...open, preNmsTopN: 3 }).anchorIndices)).toEqual([0]);
    expect(Array.from(proposalLayer(anchors, scores, zeros(6), image, 1, { ...open, postNmsTopN: 2 }).anchorIndices)).toEqual([0, 3]);
    expect(Array.from(proposalLayer(anchors, scores, zeros(6), image, 1, { ...open, nmsIou: 0.95 }).anchorIndices)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('accepts logits as scores (only their order matters) and leaves NaN scores out', () => {
    const anchors = packBoxes([[0, 0, 20, 20], [40, 40, 60, 60], [70, 10, 90, 30]]);
    const out = proposalLayer(anchors, [-3, 2.5, NaN], zeros(3), image, 1, open);
    expect(Array.from(out.anchorIndices)).toEqual([1, 0]);
    expect(Array.from(out.scores)).toEqual([2.5, -3]);
  });

  it('equals the plain recipe (comparator sort, NMS over all pre-NMS boxes) on a 20 x 25 map, ties and negative scores included', () => {
    const anchors = shiftAnchors(generateAnchors(16, [0.5, 1, 2], [1, 2, 4]), 20, 25, 16);
    const n = anchors.length / 4;
    const rng = mulberry32(5);
    const scores = Float32Array.from({ length: n }, () => Math.round((rng() - 0.3) * 200) / 10); // many ties
    const deltas = Float32Array.from({ length: 4 * n }, () => (rng() - 0.5) * 0.6);
    const size = { width: 400, height: 320 };
    for (const settings of [{ preNmsTopN: 3000, postNmsTopN: 300, nmsIou: 0.7, minSize: 8 }, { preNmsTopN: 4000, postNmsTopN: 4000, nmsIou: 0.5, minSize: 0 }]) {
      const boxes = clipBoxesInPlace(decodeDeltas(anchors, deltas), size);
      const order = Array.from({ length: n }, (_, i) => i)
        .filter((i) => boxes[4 * i + 2] - boxes[4 * i] >= settings.minSize && boxes[4 * i + 3] - boxes[4 * i + 1] >= settings.minSize)
        .sort((a, b) => scores[b] - scores[a] || a - b)
        .slice(0, settings.preNmsTopN);
      const kept = nms(packBoxes(order.map((i) => [boxes[4 * i], boxes[4 * i + 1], boxes[4 * i + 2], boxes[4 * i + 3]])), order.map((i) => scores[i]), settings.nmsIou);
      const expected = Array.from(kept.subarray(0, settings.postNmsTopN), (k) => order[k]);
      const out = proposalLayer(anchors, scores, deltas, size, 1, settings);
      expect(expected.length).toBeGreaterThan(200);
      expect(Array.from(out.anchorIndices)).toEqual(expected);
    }
  });

  it('says what does not match', () => {
    expect(() => proposalLayer(packBoxes([[0, 0, 1, 1]]), [1, 2], zeros(1), image, 1, open)).toThrow(/1 anchors need 1 scores and 4 deltas/);
  });
});
