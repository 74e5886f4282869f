import { describe, expect, it } from 'vitest';
import { classNamesOf, mergeClasses, toDataset, uniqueName, type AnnotationSet } from './annotation_set';

const SET: AnnotationSet = {
  classes: [{ id: 2, name: 'WBC' }, { id: 1, name: 'RBC' }],
  images: [
    { id: 'i1', name: 'a.jpg', width: 640, height: 480, split: 'train', boxes: [{ id: 'b1', classId: 2, box: [1, 2, 30, 40] }] },
    { id: 'i2', name: 'b.jpg', width: 320, height: 200, split: 'test', boxes: [] },
  ],
};

describe('annotation set', () => {
  it('class names follow the ids', () => {
    expect(classNamesOf(SET)).toEqual(['RBC', 'WBC']);
  });

  it('converts to the canonical Dataset', () => {
    expect(toDataset(SET)).toEqual({
      classNames: ['RBC', 'WBC'],
      records: [
        { imageFile: 'a.jpg', width: 640, height: 480, objects: [{ className: 'WBC', box: [1, 2, 30, 40], difficult: false }] },
        { imageFile: 'b.jpg', width: 320, height: 200, objects: [] },
      ],
    });
  });

  it('merging classes keeps existing ids and appends new names', () => {
    const { classes, idOf } = mergeClasses(SET, ['Platelets', 'RBC']);
    expect(classes.map((c) => [c.id, c.name])).toEqual([[2, 'WBC'], [1, 'RBC'], [3, 'Platelets']]);
    expect(idOf.get('RBC')).toBe(1);
  });

  it('names stay unique', () => {
    expect(uniqueName(SET, 'c.jpg')).toBe('c.jpg');
    expect(uniqueName(SET, 'a.jpg')).toBe('a (2).jpg');
  });
});
