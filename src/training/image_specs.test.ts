import { describe, expect, it } from 'vitest';
import { imageLabels } from './image_specs';

describe('imageLabels', () => {
  const classes = ['cat', 'dog'];

  it('packs boxes and gives 1-based class ids in the class order, with difficult flags', () => {
    const labels = imageLabels('a.jpg', [
      { className: 'dog', box: [1, 2, 30, 40], difficult: true },
      { className: 'cat', box: [5, 6, 7, 8] },
    ], classes);
    expect(labels).toEqual({ gtBoxes: [1, 2, 30, 40, 5, 6, 7, 8], gtClasses: [2, 1], difficult: [true, false], issues: [] });
  });

  it('leaves out unknown labels and empty or non-finite boxes, and reports each with the image id', () => {
    const labels = imageLabels('b.jpg', [
      { className: 'bird', box: [0, 0, 10, 10] },
      { className: 'cat', box: [10, 0, 10, 5] },
      { className: 'dog', box: [0, Number.NaN, 4, 4] },
      { className: 'cat', box: [0, 0, 4, 4] },
    ], classes);
    expect(labels.gtClasses).toEqual([1]);
    expect(labels.gtBoxes).toEqual([0, 0, 4, 4]);
    expect(labels.issues.map((i) => i.kind)).toEqual(['unknown-label', 'bad-box', 'bad-box']);
    expect(labels.issues.every((i) => i.imageId === 'b.jpg' && i.message.startsWith('image b.jpg has'))).toBe(true);
    expect(labels.issues[0].message).toBe("image b.jpg has the label 'bird', which is not one of cat, dog");
  });
});
