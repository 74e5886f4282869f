import { describe, expect, it } from 'vitest';
import { anchorScalesForSet } from './rpn_anchor_scales';

describe('anchorScalesForSet', () => {
  it('measures boxes at the training scale: a 640x480 image goes to 600 short side, x1.25', () => {
    // 32-px and 128-px boxes become 40 and 160 px: two octaves, anchors at 56.6 and 113 px
    const image = { width: 640, height: 480, boxes: [{ classIndex: 1, width: 32, height: 32 }, { classIndex: 1, width: 128, height: 128 }] };
    expect(anchorScalesForSet([image], 600, 1000, { lowPercentile: 0, highPercentile: 100 })).toEqual([3.54, 7.07]);
    // the long side cap: 2000x480 is scaled by 1000 / 2000, so the same boxes are 16 and 64 px
    expect(anchorScalesForSet([{ ...image, width: 2000 }], 600, 1000, { lowPercentile: 0, highPercentile: 100 })).toEqual([1.41, 2.83]);
  });

  it('says when there is nothing to measure', () => {
    expect(() => anchorScalesForSet([{ width: 10, height: 10, boxes: [] }], 600, 1000)).toThrow(/no box/);
  });
});
