import { describe, expect, it } from 'vitest';
import { parseYoloTxt } from './parse_yolo';
import type { DatasetIssue } from './report';
import { parseYoloClassList } from './yolo_classes';

const kinds = (issues: DatasetIssue[]) => issues.map((i) => `${i.severity}:${i.kind}`);
const image = { imageFile: 'a.jpg', width: 200, height: 100 };
const classes = ['cat', 'dog'];

describe('parseYoloTxt', () => {
  it('denormalises centre/size lines against the given image size', () => {
    const { records, issues } = parseYoloTxt('0 0.5 0.5 0.5 0.2\r\n1 0.25 0.75 0.1 0.1\n\n', 'labels/a.txt', image, classes);
    expect(records).toEqual([{ imageFile: 'a.jpg', width: 200, height: 100, objects: [
      { className: 'cat', box: [50, 40, 150, 60], difficult: false },
      { className: 'dog', box: [40, 70, 60, 80], difficult: false },
    ] }]);
    expect(issues).toEqual([]);
  });

  it('reads a segmentation polygon as its bounding box', () => {
    const { records, issues } = parseYoloTxt('1 0.1 0.2 0.3 0.2 0.2 0.6', 'a.txt', image, classes);
    expect(records[0].objects[0].box).toEqual([20, 20, 60, 60]);
    expect(kinds(issues)).toEqual(['repaired:polygon-to-box']);
  });

  it('rejects unknown class ids, non-numeric values, wrong field counts and pixel coordinates, naming the line', () => {
    const text = ['2 0.5 0.5 0.1 0.1', '-1 0.5 0.5 0.1 0.1', 'cat 0.5 0.5 0.1 0.1', '0 0.5 x 0.1 0.1', '0 0.5 0.5 0.1',
      '0 0.5 0.5 0.1 0.1 0.9', '0 120 40 30 20', '0 0.5 0.5 -0.1 0.1', '0 0.5 0.5 0.1 0.1'].join('\n');
    const { records, issues } = parseYoloTxt(text, 'a.txt', image, classes);
    expect(records[0].objects).toHaveLength(1);
    expect(kinds(issues)).toEqual(['rejected:unknown-class', 'rejected:unknown-class', 'rejected:unknown-class',
      'rejected:non-numeric', 'rejected:malformed-line', 'rejected:malformed-line', 'rejected:outside-image',
      'rejected:empty-box']);
    expect(issues.map((i) => i.line)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(issues[6].message).toMatch(/not pixels/);
  });

  it('clips boxes that reach over the border', () => {
    const { records, issues } = parseYoloTxt('0 0.0625 0.5 0.25 0.25', 'a.txt', image, classes);
    expect(records[0].objects[0].box).toEqual([0, 37.5, 37.5, 62.5]);
    expect(issues[0]).toMatchObject({ kind: 'box-clipped', before: [-12.5, 37.5, 37.5, 62.5], after: [0, 37.5, 37.5, 62.5] });
  });

  it('rejects every line when the image size is unknown, and keeps the image as unlabelled', () => {
    const { records, issues } = parseYoloTxt('0 0.5 0.5 0.1 0.1\n1 0.5 0.5 0.1 0.1', 'a.txt',
      { imageFile: 'a.jpg', width: 0, height: 0 }, classes);
    expect(records[0]).toMatchObject({ objects: [], unlabelled: true });
    expect(kinds(issues)).toEqual(['rejected:size-unknown', 'rejected:size-unknown']);
  });

  it('reads an empty file as a background-only image', () => {
    const { records, issues } = parseYoloTxt('  \n', 'a.txt', image, classes);
    expect(records[0].objects).toEqual([]);
    expect(records[0].unlabelled).toBeUndefined();
    expect(kinds(issues)).toEqual(['warning:no-objects']);
  });
});

describe('parseYoloClassList', () => {
  it('reads classes.txt / obj.names, one per line; a blank line keeps its id', () => {
    expect(parseYoloClassList('cat\r\ndog\n\n', 'classes.txt')).toEqual({ classNames: ['cat', 'dog'], issues: [] });
    const { classNames, issues } = parseYoloClassList('cat\n\nbird\n', 'obj.names');
    expect(classNames).toEqual(['cat', 'class1', 'bird']);
    expect(kinds(issues)).toEqual(['warning:missing-field']);
  });

  it.each([
    ['names: [cat, "dog", \'bird man\']\nnc: 3', ['cat', 'dog', 'bird man']],
    ['path: x\nnames: [cat,\n  dog]  # two\n', ['cat', 'dog']],
    ['names:\n  - cat\n  - dog # comment\ntrain: x', ['cat', 'dog']],
    ['names:\n  0: cat\n  1: "dog"\nnc: 2', ['cat', 'dog']],
  ])('reads data.yaml %j', (text, names) => {
    expect(parseYoloClassList(text, 'data.yaml').classNames).toEqual(names);
  });

  it('warns when nc disagrees, throws when names are missing, malformed or empty', () => {
    expect(kinds(parseYoloClassList('nc: 3\nnames: [a, b]', 'data.yaml').issues)).toEqual(['warning:inconsistent-size']);
    expect(() => parseYoloClassList('nc: 2\n', 'data.yaml')).toThrow(/no top-level 'names:'/);
    expect(() => parseYoloClassList('names: cat', 'data.yaml')).toThrow(/must be a list/);
    expect(() => parseYoloClassList('names:\n  0: a\n  2: b', 'data.yaml')).toThrow(/without gaps/);
    expect(() => parseYoloClassList('names: [a, b', 'data.yaml')).toThrow(/never closed/);
    expect(() => parseYoloClassList('\n\n', 'classes.txt')).toThrow(/class list is empty/);
  });
});
