import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { flipBoxes } from './flip';
import {
  boxArea,
  boxAt,
  clipBox,
  clipBoxesInPlace,
  flipBoxHorizontal,
  iou,
  isValidBox,
  packBoxes,
  packedAreas,
  pairwiseIou,
  scaleBox,
  scaleBoxes,
  unpackBoxes,
  type Box,
} from './box';

// The boxes of reference §11: under the no-+1 convention, a/b is the pair that NMS at 0.3 must keep.
const a: Box = [0, 0, 9, 9];
const b: Box = [5, 0, 14, 9];
const c: Box = [0, 0, 9, 19];

const boxArb = fc
  .tuple(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 50 }), fc.integer({ min: 1, max: 30 }), fc.integer({ min: 1, max: 30 }))
  .map(([x, y, w, h]): Box => [x, y, x + w, y + h]);

describe('area and IoU (no +1)', () => {
  it('reproduces the hand-checked pairs of reference §11', () => {
    expect(boxArea(a)).toBe(81);
    expect(iou(a, b)).toBeCloseTo(36 / 126, 12);
    expect(iou(a, c)).toBeCloseTo(81 / 171, 12);
  });

  it('gives 0 for disjoint, touching and empty boxes, 1 for identical ones', () => {
    expect(iou([0, 0, 1, 1], [2, 2, 3, 3])).toBe(0);
    expect(iou([0, 0, 1, 1], [1, 0, 2, 1])).toBe(0);
    expect(iou([0, 0, 0, 0], [0, 0, 0, 0])).toBe(0);
    expect(boxArea([5, 5, 1, 1])).toBe(0);
    expect(iou(c, c)).toBe(1);
  });

  it('is symmetric and within [0, 1]', () => {
    fc.assert(
      fc.property(boxArb, boxArb, (p, q) => {
        const v = iou(p, q);
        return v === iou(q, p) && v >= 0 && v <= 1;
      }),
    );
  });

  it('pairwiseIou matches iou entry by entry', () => {
    const left = [a, b, c];
    const right = [c, [100, 100, 110, 120] as Box];
    const m = pairwiseIou(packBoxes(left), packBoxes(right));
    expect(m.length).toBe(6);
    left.forEach((p, i) => right.forEach((q, j) => expect(m[i * 2 + j]).toBeCloseTo(iou(p, q), 12)));
  });
});

describe('transforms', () => {
  it('clips to [0, W] x [0, H] (continuous right edge)', () => {
    expect(clipBox([-5, -1, 120, 40], { width: 100, height: 50 })).toEqual([0, 0, 100, 40]);
    const packed = clipBoxesInPlace(packBoxes([[-5, -1, 120, 40]]), { width: 100, height: 50 });
    expect(boxAt(packed, 0)).toEqual([0, 0, 100, 40]);
  });

  it('scales each axis', () => {
    expect(scaleBox([10, 20, 30, 40], 0.5)).toEqual([5, 10, 15, 20]);
    expect(scaleBox([10, 20, 30, 40], 2, 3)).toEqual([20, 60, 60, 120]);
    expect(unpackBoxes(scaleBoxes(packBoxes([[10, 20, 30, 40]]), 2, 3))).toEqual([[20, 60, 60, 120]]);
  });

  it('flips with x1 = W - x2, keeps the width, and is its own inverse', () => {
    expect(flipBoxHorizontal([10, 5, 30, 8], 100)).toEqual([70, 5, 90, 8]);
    fc.assert(
      fc.property(boxArb, (box) => {
        const f = flipBoxHorizontal(box, 200);
        return f[2] - f[0] === box[2] - box[0] && flipBoxHorizontal(f, 200).every((v, i) => v === box[i]);
      }),
    );
    const packed = packBoxes([a, b]);
    expect(unpackBoxes(flipBoxes(packed, 'h', { width: 20, height: 1 }))).toEqual([flipBoxHorizontal(a, 20), flipBoxHorizontal(b, 20)]);
    expect(boxAt(packed, 0)).toEqual(a); // the input is left alone
  });
});

describe('validity', () => {
  it('needs finite corners and positive size', () => {
    expect(isValidBox(a)).toBe(true);
    expect(isValidBox([0, 0, 0, 5])).toBe(false);
    expect(isValidBox([5, 0, 1, 5])).toBe(false);
    expect(isValidBox([0, 0, Number.NaN, 5])).toBe(false);
    expect(isValidBox([0, 0, Infinity, 5])).toBe(false);
  });

  it('checks the image bounds when given', () => {
    expect(isValidBox([0, 0, 100, 50], { width: 100, height: 50 })).toBe(true);
    expect(isValidBox([0, 0, 101, 50], { width: 100, height: 50 })).toBe(false);
    expect(isValidBox([-1, 0, 10, 10], { width: 100, height: 50 })).toBe(false);
  });
});

describe('packing', () => {
  it('round-trips and computes areas', () => {
    const packed = packBoxes([a, b, c]);
    expect(packed.length).toBe(12);
    expect(unpackBoxes(packed)).toEqual([a, b, c]);
    expect(Array.from(packedAreas(packed))).toEqual([81, 81, 171]);
    expect(() => unpackBoxes(new Float32Array(5))).toThrow(/4N/);
  });
});
