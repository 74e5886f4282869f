import { describe, expect, it } from 'vitest';
import { createEditor, reduce } from './editor';
import { smallestAt } from './handles';
import {
  acceptSuggestions, classTarget, suggestionLabel, suggestionsFromDetections, unknownClasses, visibleSuggestions,
  type Suggestion,
} from './suggestions';

const CLASSES = [{ id: 1, name: 'Raccoon' }, { id: 2, name: 'dog' }];
const NONE = new Map<string, number>();

const s = (id: string, modelClass: string, score: number, box: [number, number, number, number] = [0, 0, 10, 10]): Suggestion =>
  ({ id, modelClass, score, box });

describe('suggestions from detections', () => {
  it('keeps every detection, best first, with ids under the prefix; drops empty boxes and NaN scores', () => {
    const out = suggestionsFromDetections([
      { className: 'raccoon', score: 0.6, box: [1, 2, 30, 40] },
      { className: 'raccoon', score: 0.9, box: [5, 5, 50, 50] },
      { className: 'raccoon', score: 0.8, box: [5, 5, 5, 50] },
      { className: 'raccoon', score: Number.NaN, box: [5, 5, 50, 50] },
    ], 'img3');
    expect(out).toEqual([
      { id: 'img3.1', modelClass: 'raccoon', score: 0.9, box: [5, 5, 50, 50] },
      { id: 'img3.2', modelClass: 'raccoon', score: 0.6, box: [1, 2, 30, 40] },
    ]);
  });
});

describe('class mapping by name', () => {
  it('matches a dataset class whatever the case and surrounding spaces', () => {
    expect(classTarget('raccoon', CLASSES, NONE)).toEqual({ kind: 'existing', classId: 1, how: 'name' });
    expect(classTarget(' DOG ', CLASSES, NONE)).toEqual({ kind: 'existing', classId: 2, how: 'name' });
  });

  it('offers an unknown class as a new one, named as the model names it', () => {
    expect(classTarget('cat', CLASSES, NONE)).toEqual({ kind: 'new', name: 'cat' });
  });

  it("the user's choice wins over the name, and is forgotten when its class no longer exists", () => {
    const mapping = new Map([['raccoon', 2], ['cat', 9]]);
    expect(classTarget('Raccoon', CLASSES, mapping)).toEqual({ kind: 'existing', classId: 2, how: 'chosen' });
    expect(classTarget('cat', CLASSES, mapping)).toEqual({ kind: 'new', name: 'cat' });
  });

  it('lists each unknown class once, in order of appearance, and none once mapped', () => {
    const list = [s('a', 'cat', 0.9), s('b', 'raccoon', 0.9), s('c', 'Cat', 0.8), s('d', 'owl', 0.7)];
    expect(unknownClasses(list, CLASSES, NONE)).toEqual(['cat', 'owl']);
    expect(unknownClasses(list, CLASSES, new Map([['cat', 2]]))).toEqual(['owl']);
  });
});

describe('the suggestions offered', () => {
  it('are those at or above the threshold', () => {
    const list = [s('a', 'raccoon', 0.9), s('b', 'raccoon', 0.5), s('c', 'raccoon', 0.49)];
    expect(visibleSuggestions(list, 0.5, [], CLASSES, NONE).map((x) => x.id)).toEqual(['a', 'b']);
    expect(visibleSuggestions(list, 0.95, [], CLASSES, NONE)).toEqual([]);
  });

  it('leave out one that repeats a box the user has of the same class, not one of another class', () => {
    const list = [s('a', 'raccoon', 0.9, [0, 0, 100, 100]), s('b', 'dog', 0.9, [0, 0, 100, 100]), s('c', 'raccoon', 0.9, [200, 0, 300, 100])];
    const boxes = [{ id: 'b1', classId: 1, box: [2, 2, 100, 100] as const }];
    expect(visibleSuggestions(list, 0.5, boxes, CLASSES, NONE).map((x) => x.id)).toEqual(['b', 'c']);
  });

  it('a click picks the smallest suggestion under it', () => {
    const list = [s('big', 'raccoon', 0.9, [0, 0, 100, 100]), s('small', 'raccoon', 0.6, [40, 40, 60, 60])];
    expect(smallestAt(list, { x: 50, y: 50 }, 2)?.id).toBe('small');
    expect(smallestAt(list, { x: 10, y: 10 }, 2)?.id).toBe('big');
    expect(smallestAt(list, { x: 103, y: 50 }, 2)).toBeNull();
    expect(suggestionLabel(list[1], 'Raccoon')).toBe('Raccoon 0.60');
  });
});

describe('accepting suggestions', () => {
  it('gives boxes of the mapped classes and adds one class per unknown name, keeping existing ids', () => {
    const list = [s('a', 'raccoon', 0.9, [1, 1, 5, 5]), s('b', 'cat', 0.8, [2, 2, 6, 6]), s('c', 'CAT', 0.7, [3, 3, 7, 7])];
    const { classes, boxes } = acceptSuggestions(list, CLASSES, NONE);
    expect(classes).toEqual([...CLASSES, { id: 3, name: 'cat' }]);
    expect(boxes).toEqual([{ classId: 1, box: [1, 1, 5, 5] }, { classId: 3, box: [2, 2, 6, 6] }, { classId: 3, box: [3, 3, 7, 7] }]);
  });

  it('keeps the same class list object when no class is new (the editor then records no class change)', () => {
    expect(acceptSuggestions([s('a', 'dog', 0.9)], CLASSES, NONE).classes).toBe(CLASSES);
  });

  it('in the editor: one undo step that adds the boxes, selects the last, and undoes them with the new class', () => {
    const editor = reduce(createEditor(CLASSES), { type: 'load', boxes: [{ id: 'b1', classId: 2, box: [0, 0, 9, 9] }], imageSize: { width: 50, height: 50 } });
    const accepted = acceptSuggestions([s('a', 'raccoon', 0.9, [1, 1, 5, 5]), s('b', 'cat', 0.8, [2, 2, 6, 6])], CLASSES, NONE);
    const after = reduce(editor, { type: 'addBoxes', ...accepted });
    expect(after.doc.boxes.map((b) => [b.id, b.classId])).toEqual([['b1', 2], ['b2', 1], ['b3', 3]]);
    expect(after.doc.classes.map((c) => c.name)).toEqual(['Raccoon', 'dog', 'cat']);
    expect(after.selectedId).toBe('b3');
    const undone = reduce(after, { type: 'undo' });
    expect(undone.doc.boxes.map((b) => b.id)).toEqual(['b1']);
    expect(undone.doc.classes).toBe(CLASSES);
  });
});
