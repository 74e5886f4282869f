import { describe, expect, it } from 'vitest';
import { fixedTargetStats } from '../geometry/bbox_transform';
import { postprocess, summarizeVoc } from './detect_eval';


describe('postprocess', () => {
  it('decodes, thresholds and suppresses per class', () => {
    const proposals = Float32Array.of(0, 0, 10, 10, 1, 0, 11, 10, 50, 50, 60, 60);
    // proposal 0 and 1 overlap (class 1), proposal 2 is class 2, background scores are ignored
    const probs = Float32Array.of(0.1, 0.9, 0, 0.2, 0.8, 0, 0.6, 0.01, 0.39);
    const out = postprocess(proposals, probs, new Float32Array(36), 2, { width: 100, height: 100 }, fixedTargetStats(3, [0, 0, 0, 0], [1, 1, 1, 1]));
    expect(Array.from(out.classes)).toEqual([1, 2]);
    expect(Array.from(out.scores)).toEqual([expect.closeTo(0.9, 6), expect.closeTo(0.39, 6)]);
    expect(Array.from(out.boxes.subarray(0, 4))).toEqual([0, 0, 10, 10]);
  });

  it('unnormalizes deltas with the training stats before decoding', () => {
    const stats = { numClasses: 2, means: Float64Array.of(0, 0, 0, 0, 0.1, 0, 0, 0), stds: Float64Array.of(1, 1, 1, 1, 2, 1, 1, 1) };
    // class 1 dx = 0.5·2 + 0.1 = 1.1 proposal widths to the right
    const out = postprocess(Float32Array.of(0, 0, 10, 10), Float32Array.of(0, 1), Float32Array.of(0, 0, 0, 0, 0.5, 0, 0, 0), 1, { width: 100, height: 100 }, stats);
    expect(out.boxes[0]).toBeCloseTo(11, 5);
  });
});

describe('summarizeVoc', () => {
  it('gives AP 1 for a perfect detection and converts to VOC boxes consistently', () => {
    const images = [{ id: 'a', url: '', gtBoxes: [9, 9, 50, 50], gtClasses: [1] }];
    const det = { boxes: Float32Array.of(9, 9, 50, 50), scores: Float32Array.of(0.9), classes: Int32Array.of(1) };
    const s = summarizeVoc(images, [det], ['cell'], 2);
    expect(s.metric.voc07.perClass.cell).toBeCloseTo(1, 9);
    expect(s.metric.area.mAP).toBeCloseTo(1, 9);
    expect(s.secondsPerImage).toBe(2);
  });
});
