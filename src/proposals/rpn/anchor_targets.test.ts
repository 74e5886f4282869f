import { describe, expect, it } from 'vitest';
import { packBoxes, type Box } from '../../geometry/box';
import { mulberry32 } from '../rng';
import { assignAnchorTargets, IGNORED, labelAnchors, NEGATIVE, POSITIVE } from './anchor_targets';
import { DEFAULT_ANCHOR_TARGETS } from './settings';

const image = { width: 64, height: 64 };
const settings = DEFAULT_ANCHOR_TARGETS;

describe('labelAnchors', () => {
  it('ignores border-crossing anchors; IoU >= 0.7 positive, < 0.3 negative, the rest ignored', () => {
    const anchors: Box[] = [
      [0, 0, 32, 32], // IoU 1 with the gt
      [-8, 0, 24, 32], // crosses the left border
      [32, 32, 64, 64], // touches the border from inside, overlaps nothing
      [4, 0, 36, 32], // IoU 896 / 1152 = 0.778
      [16, 0, 48, 32], // IoU 512 / 1536 = 0.333
      [0, 40, 20, 60], // overlaps nothing
      [0, 0, 32, 65], // one pixel past the bottom
    ];
    const { labels, bestGt } = labelAnchors(packBoxes(anchors), packBoxes([[0, 0, 32, 32]]), image, settings);
    expect(Array.from(labels)).toEqual([POSITIVE, IGNORED, NEGATIVE, POSITIVE, IGNORED, NEGATIVE, IGNORED]);
    expect(Array.from(bestGt)).toEqual([0, -1, 0, 0, 0, 0, -1]);
  });

  it("makes each gt box's best anchors positive even below 0.7, ties included", () => {
    const anchors: Box[] = [
      [5, 10, 20, 20], // IoU 100 / 150 = 0.667 with the gt
      [10, 10, 25, 20], // the same IoU: a tie, both positive
      [10, 10, 26, 20], // 0.625: ignored
      [40, 40, 60, 60], // negative
    ];
    const { labels } = labelAnchors(packBoxes(anchors), packBoxes([[10, 10, 20, 20]]), image, settings);
    expect(Array.from(labels)).toEqual([POSITIVE, POSITIVE, IGNORED, NEGATIVE]);
  });

  it('a gt box no inside anchor overlaps makes nothing positive (py-faster-rcnn would mark every zero-IoU anchor)', () => {
    const anchors: Box[] = [[0, 0, 16, 16], [16, 0, 32, 16], [-10, 40, 20, 64]];
    const { labels } = labelAnchors(packBoxes(anchors), packBoxes([[0, 40, 16, 60]]), image, settings);
    expect(Array.from(labels)).toEqual([NEGATIVE, NEGATIVE, IGNORED]);
  });

  it('with no gt box every inside anchor is negative', () => {
    const { labels } = labelAnchors(packBoxes([[0, 0, 8, 8], [60, 60, 70, 70]]), new Float32Array(0), image, settings);
    expect(Array.from(labels)).toEqual([NEGATIVE, IGNORED]);
  });

  it('assigns each anchor the gt box it overlaps most', () => {
    const gt = packBoxes([[0, 0, 32, 32], [32, 0, 64, 32]]);
    const anchors = packBoxes([[2, 0, 34, 32], [30, 0, 62, 32]]);
    const { labels, bestGt } = labelAnchors(anchors, gt, image, settings);
    expect(Array.from(labels)).toEqual([POSITIVE, POSITIVE]);
    expect(Array.from(bestGt)).toEqual([0, 1]);
  });
});

describe('assignAnchorTargets', () => {
  it("gives positives the head's R-CNN deltas onto their gt box and everything else zeros", () => {
    const anchors = packBoxes([[4, 0, 36, 32], [32, 32, 64, 64], [8, 8, 24, 40]]);
    const t = assignAnchorTargets(anchors, packBoxes([[0, 0, 32, 32]]), image, settings, mulberry32(1));
    expect(Array.from(t.labels)).toEqual([POSITIVE, NEGATIVE, IGNORED]);
    expect(t.numPositive).toBe(1);
    expect(t.numNegative).toBe(1);
    // dx = (16 - 20) / 32; the sizes match, so dw = dh = 0
    expect(Array.from(t.deltas.subarray(0, 4))).toEqual([-0.125, 0, 0, 0]);
    expect(Array.from(t.deltas.subarray(4))).toEqual(new Array(8).fill(0));
  });

  // 10 anchors on the gt (positive) and 20 far from it (negative), in a 200 x 200 image
  const many = () => {
    const boxes: Box[] = [];
    for (let i = 0; i < 10; i++) boxes.push([i * 0.1, 0, 100 + i * 0.1, 100]);
    for (let i = 0; i < 20; i++) boxes.push([150, i, 160, i + 10]);
    return packBoxes(boxes);
  };
  const gt = packBoxes([[0, 0, 100, 100]]);
  const big = { width: 200, height: 200 };

  it('samples batchSize anchors, at most half positive, without replacement', () => {
    const t = assignAnchorTargets(many(), gt, big, { ...settings, batchSize: 8 }, mulberry32(7));
    const labels = Array.from(t.labels);
    expect(labels.filter((l) => l === POSITIVE).length).toBe(4);
    expect(labels.filter((l) => l === NEGATIVE).length).toBe(4);
    expect(labels.slice(0, 10).every((l) => l !== NEGATIVE)).toBe(true);
    expect(labels.slice(10).every((l) => l !== POSITIVE)).toBe(true);
    expect([t.numPositive, t.numNegative]).toEqual([4, 4]);
    // deltas only where the sample kept a positive
    labels.forEach((l, i) => {
      const dx = i < 10 ? Math.fround(-0.1 * i / 100) : 0; // anchor i is 0.1·i px right of the gt
      expect(t.deltas[4 * i]).toBeCloseTo(l === POSITIVE ? dx : 0, 6);
    });
  });

  it('fills the sample with negatives when positives are few', () => {
    const anchors = many().slice(4 * 9); // one positive, 20 negatives
    const t = assignAnchorTargets(anchors, gt, big, { ...settings, batchSize: 8 }, mulberry32(7));
    expect([t.numPositive, t.numNegative]).toEqual([1, 7]);
    expect(Array.from(t.labels).filter((l) => l !== IGNORED).length).toBe(8);
  });

  it('is reproducible for a seed and uniform over the candidates', () => {
    const a = assignAnchorTargets(many(), gt, big, { ...settings, batchSize: 8 }, mulberry32(3));
    const b = assignAnchorTargets(many(), gt, big, { ...settings, batchSize: 8 }, mulberry32(3));
    expect(Array.from(a.labels)).toEqual(Array.from(b.labels));
    const rng = mulberry32(11);
    const counts = new Array(30).fill(0);
    const draws = 1000;
    for (let d = 0; d < draws; d++) {
      assignAnchorTargets(many(), gt, big, { ...settings, batchSize: 8 }, rng).labels.forEach((l, i) => { if (l !== IGNORED) counts[i]++; });
    }
    // each positive is kept with probability 4/10, each negative with 4/20 (±5 standard deviations)
    for (let i = 0; i < 10; i++) expect(Math.abs(counts[i] / draws - 0.4)).toBeLessThan(5 * Math.sqrt(0.24 / draws));
    for (let i = 10; i < 30; i++) expect(Math.abs(counts[i] / draws - 0.2)).toBeLessThan(5 * Math.sqrt(0.16 / draws));
  });
});
