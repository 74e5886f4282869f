import { describe, expect, it } from 'vitest';
import { trainingFlips } from './defaults';
import { buildRoidb, buildRoidbEntry, BACKGROUND, NO_GT } from './roidb';

const image = {
  imageIndex: 0,
  width: 100,
  height: 80,
  gtBoxes: Float32Array.of(10, 10, 50, 50),
  gtClasses: [2],
  // IoU with gt: identical (1), half-overlap (1/3), disjoint (0), and a degenerate box that is dropped
  proposals: Float32Array.of(10, 10, 50, 50, 30, 10, 70, 50, 60, 60, 90, 79, 5, 5, 5, 20),
};

describe('buildRoidbEntry', () => {
  it('puts the gt boxes first and labels each RoI with its best gt', () => {
    const e = buildRoidbEntry(image, 'none');
    expect(e.numGt).toBe(1);
    expect(e.boxes.length).toBe(4 * 4); // gt + 3 valid proposals
    expect(Array.from(e.maxOverlaps)).toEqual([1, 1, expect.closeTo(1 / 3, 6), 0]);
    expect(Array.from(e.maxClasses)).toEqual([2, 2, 2, BACKGROUND]);
    expect(Array.from(e.gtAssignment)).toEqual([0, 0, 0, NO_GT]);
  });

  it('gives zero targets to gt-identical RoIs and none below the bbox threshold', () => {
    const e = buildRoidbEntry(image, 'none');
    expect(Array.from(e.targets.subarray(0, 8))).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    expect(Array.from(e.targets.subarray(8))).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('mirrors boxes in the flipped copy (x1\' = W - x2)', () => {
    const e = buildRoidbEntry(image, 'h');
    expect(Array.from(e.boxes.subarray(0, 4))).toEqual([50, 10, 90, 50]);
    expect(e.maxOverlaps[2]).toBeCloseTo(1 / 3, 6);
  });

  it('mirrors boxes top-bottom in the vertically flipped copies (y1\' = H - y2)', () => {
    expect(Array.from(buildRoidbEntry(image, 'v').boxes.subarray(0, 4))).toEqual([10, 30, 50, 70]);
    const both = buildRoidbEntry(image, 'hv');
    expect(Array.from(both.boxes.subarray(0, 4))).toEqual([50, 30, 90, 70]);
    expect(both.maxOverlaps).toEqual(buildRoidbEntry(image, 'none').maxOverlaps);
  });

  it('drops gt boxes outside the image or of zero size', () => {
    const e = buildRoidbEntry({ ...image, gtBoxes: Float32Array.of(10, 10, 50, 50, 20, 20, 20, 30, 0, 0, 120, 10), gtClasses: [1, 1, 1] }, 'none');
    expect(e.numGt).toBe(1);
  });
});

describe('buildRoidb', () => {
  it('appends flipped copies and filters images with no fg and no bg candidate', () => {
    const empty = { ...image, imageIndex: 1, gtBoxes: new Float32Array(0), gtClasses: [] };
    const roidb = buildRoidb([image, empty], ['h']);
    expect(roidb.map((e) => [e.imageIndex, e.flip])).toEqual([[0, 'none'], [0, 'h']]);
  });

  it('appends one copy per flip of trainingFlips, in its order', () => {
    const second = { ...image, imageIndex: 1 };
    expect(trainingFlips({ useFlipped: true })).toEqual(['none', 'h']);
    expect(trainingFlips({ useFlipped: false, useVerticalFlips: true })).toEqual(['none', 'v']);
    const flips = trainingFlips({ useFlipped: true, useVerticalFlips: true });
    expect(flips).toEqual(['none', 'h', 'v', 'hv']);
    expect(buildRoidb([image, second], flips).map((e) => `${e.imageIndex}${e.flip}`)).toEqual(['0none', '1none', '0h', '1h', '0v', '1v', '0hv', '1hv']);
  });
});
