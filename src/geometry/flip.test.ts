import { describe, expect, it } from 'vitest';
import { flipBoxHorizontal, packBoxes, unpackBoxes } from './box';
import { FLIPS, flipBoxes, flipViews } from './flip';

const size = { width: 20, height: 10 };
const boxes = Float32Array.from([1, 2, 5, 9, 0, 0, 20, 10]);

describe('flipBoxes', () => {
  it('mirrors left-right as flipBoxHorizontal does', () => {
    expect(flipBoxes(boxes, 'h', size)).toEqual(packBoxes(unpackBoxes(boxes).map((box) => flipBoxHorizontal(box, 20))));
  });
  it('mirrors top-bottom in the continuous convention', () => {
    expect(Array.from(flipBoxes(boxes, 'v', size))).toEqual([1, 1, 5, 8, 0, 0, 20, 10]);
    expect(Array.from(flipBoxes(boxes, 'hv', size))).toEqual([15, 1, 19, 8, 0, 0, 20, 10]);
  });
  it('is its own inverse and leaves its input alone', () => {
    const copy = boxes.slice();
    for (const flip of FLIPS) expect(flipBoxes(flipBoxes(boxes, flip, size), flip, size)).toEqual(boxes);
    expect(boxes).toEqual(copy);
    expect(flipBoxes(boxes, 'none', size)).not.toBe(boxes);
  });
});

describe('flipViews', () => {
  it('puts the image itself first, then each other flip once, in order', () => {
    expect(flipViews([])).toEqual(['none']);
    expect(flipViews(['hv', 'none', 'h', 'hv'])).toEqual(['none', 'hv', 'h']);
  });
});
