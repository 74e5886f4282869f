import { describe, expect, it } from 'vitest';
import { anchorScalesForSet } from './rpn_anchor_scales';

describe('anchorScalesForSet', () => {
  it('measures boxes at the training scale: a 640x480 image goes to 600 short side, x1.25', () => {
    // 32, 64 and 128-px boxes become 40, 80 and 160 px: anchors of 40, 80 and 160 px at one size per octave
    const box = (side: number) => ({ classIndex: 1, width: side, height: side });
    const image = { width: 640, height: 480, boxes: [box(32), box(64), box(128)] };
    const options = { lowPercentile: 0, highPercentile: 100, scalesPerOctave: 1 };
    expect(anchorScalesForSet([image], 600, 1000, options)).toEqual([2.5, 5, 10]);
    // the long side cap: 2000x480 is scaled by 1000 / 2000, so the same boxes are 16, 32 and 64 px
    expect(anchorScalesForSet([{ ...image, width: 2000 }], 600, 1000, options)).toEqual([1, 2, 4]);
  });

  it('says when there is nothing to measure', () => {
    expect(() => anchorScalesForSet([{ width: 10, height: 10, boxes: [] }], 600, 1000)).toThrow(/no box/);
  });
});
