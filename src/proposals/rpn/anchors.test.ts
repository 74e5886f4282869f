import { describe, expect, it } from 'vitest';
import { anchorsForMap, FASTER_RCNN_ANCHORS, generateAnchors, shiftAnchors } from './anchors';

// py-faster-rcnn's generate_anchors() output, as listed in issue 18
const PY_FASTER_RCNN = [
  [-84, -40, 99, 55], [-176, -88, 191, 103], [-360, -184, 375, 199],
  [-56, -56, 71, 71], [-120, -120, 135, 135], [-248, -248, 263, 263],
  [-36, -80, 51, 95], [-80, -168, 95, 183], [-168, -344, 183, 359],
];

describe('generateAnchors', () => {
  it("reproduces py-faster-rcnn's 9 base anchors exactly", () => {
    const { baseSize, ratios, scales } = FASTER_RCNN_ANCHORS;
    expect(Array.from(generateAnchors(baseSize, ratios, scales))).toEqual(PY_FASTER_RCNN.flat());
  });

  it("rounds half to even as numpy does (ratio 0.5 at base 16: ws = round(22.63) = 23, hs = round(11.5) = 12)", () => {
    expect(Array.from(generateAnchors(16, [0.5], [1]))).toEqual([-3.5, 2, 18.5, 13]);
    // base 10, ratio 0.5: sqrt(200) = 14.14 → 14, 14·0.5 = 7; ratio 2: sqrt(50) = 7.07 → 7, hs = 14
    expect(Array.from(generateAnchors(10, [0.5, 2], [1]))).toEqual([-2, 1.5, 11, 7.5, 1.5, -2, 7.5, 11]);
    // a true half: base 5, ratio 0.16 → ws = round(12.5) = 12 (numpy), not 13
    expect(generateAnchors(5, [0.16], [1])[2] - generateAnchors(5, [0.16], [1])[0] + 1).toBe(12);
  });

  it('rejects empty or non-positive settings', () => {
    expect(() => generateAnchors(16, [], [8])).toThrow(/at least one ratio/);
    expect(() => generateAnchors(16, [1], [0])).toThrow(/positive/);
  });
});

describe('shiftAnchors', () => {
  it('moves every base anchor to every cell, row-major, converting to continuous corners', () => {
    const base = generateAnchors(16, [1], [1, 2]); // [0,0,15,15], [-8,-8,23,23]
    const shifted = shiftAnchors(base, 2, 3, 16);
    expect(shifted.length).toBe(2 * 3 * 2 * 4);
    // cell (y = 0, x = 0): the continuous boxes are centred at 8 (the middle of pixels 0..15)
    expect(Array.from(shifted.subarray(0, 8))).toEqual([0, 0, 16, 16, -8, -8, 24, 24]);
    // cell (y = 1, x = 2) is the last: index (1·3 + 2)·2 = 10, 11
    expect(Array.from(shifted.subarray(40, 48))).toEqual([32, 16, 48, 32, 24, 8, 56, 40]);
    // cell (y = 0, x = 1) comes before (y = 1, x = 0)
    expect(shifted[2 * 4]).toBe(16);
    expect(shifted[3 * 2 * 4 + 1]).toBe(16);
  });

  it('keeps the default anchors centred on the cell centre 16j + 8', () => {
    const shifted = shiftAnchors(generateAnchors(16, [0.5, 1, 2], [8, 16, 32]), 38, 50, 16);
    expect(shifted.length).toBe(38 * 50 * 9 * 4);
    const a = (20 * 50 + 7) * 9 + 4; // cell y = 20, x = 7, ratio 1 scale 16
    expect((shifted[4 * a] + shifted[4 * a + 2]) / 2).toBe(7 * 16 + 8);
    expect((shifted[4 * a + 1] + shifted[4 * a + 3]) / 2).toBe(20 * 16 + 8);
    expect(shifted[4 * a + 2] - shifted[4 * a]).toBe(256);
  });

  it('rejects a fractional map size', () => {
    expect(() => shiftAnchors(generateAnchors(16, [1], [1]), 2.5, 3, 16)).toThrow(/whole/);
  });
});

describe('anchorsForMap', () => {
  it('memoises per map size and settings, and gives what shiftAnchors gives', () => {
    const settings = { ...FASTER_RCNN_ANCHORS, featureStride: 16 };
    const first = anchorsForMap(settings, 3, 5);
    expect(Array.from(first)).toEqual(Array.from(shiftAnchors(generateAnchors(16, [0.5, 1, 2], [8, 16, 32]), 3, 5, 16)));
    expect(anchorsForMap({ ...settings, ratios: [...settings.ratios] }, 3, 5)).toBe(first);
    expect(anchorsForMap(settings, 5, 3)).not.toBe(first);
    expect(anchorsForMap({ ...settings, scales: [4, 8] }, 3, 5)).toHaveLength(3 * 5 * 6 * 4);
    for (let h = 10; h < 30; h++) anchorsForMap(settings, h, 5); // more maps than it keeps: the oldest go
    expect(anchorsForMap(settings, 3, 5)).not.toBe(first);
    expect(Array.from(anchorsForMap(settings, 3, 5))).toEqual(Array.from(first));
  });
});
