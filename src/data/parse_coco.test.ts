import { describe, expect, it } from 'vitest';
import { parseCocoJson } from './parse_coco';
import { DatasetError, type DatasetIssue } from './report';

const kinds = (issues: DatasetIssue[]) => issues.map((i) => `${i.severity}:${i.kind}`);

const base = () => ({
  images: [
    { id: 7, file_name: 'a.jpg', width: 100, height: 50 },
    { id: 8, file_name: 'b.jpg', width: 20, height: 20 },
  ],
  categories: [
    { id: 3, name: 'dog' },
    { id: 1, name: 'cat' },
  ],
  annotations: [] as unknown[],
});

describe('parseCocoJson', () => {
  it('reads [x, y, w, h] as [x, y, x + w, y + h] and orders classes by category id', () => {
    const doc = base();
    doc.annotations.push({ id: 1, image_id: 7, category_id: 3, bbox: [10, 5, 20.5, 10], iscrowd: 0 });
    const { records, classNames, issues } = parseCocoJson(JSON.stringify(doc), 'c.json');
    expect(classNames).toEqual(['cat', 'dog']);
    expect(records[0]).toEqual({ imageFile: 'a.jpg', width: 100, height: 50,
      objects: [{ className: 'dog', box: [10, 5, 30.5, 15], difficult: false }] });
    expect(records[1].objects).toEqual([]);
    expect(kinds(issues)).toEqual(['warning:no-objects']);
  });

  it('keeps crowd annotations as difficult and says so', () => {
    const doc = base();
    doc.annotations.push({ id: 1, image_id: 7, category_id: 1, bbox: [0, 0, 5, 5], iscrowd: 1 });
    doc.annotations.push({ id: 2, image_id: 8, category_id: 1, bbox: [0, 0, 5, 5] });
    const { records, issues } = parseCocoJson(JSON.stringify(doc), 'c.json');
    expect(records[0].objects[0].difficult).toBe(true);
    expect(records[1].objects[0].difficult).toBe(false);
    expect(kinds(issues)).toEqual(['warning:crowd-as-difficult']);
    expect(issues[0].message).toMatch(/1 crowd/);
  });

  it('rejects annotations with an unknown image, unknown category, bad bbox, empty or outside box', () => {
    const doc = base();
    doc.annotations.push(
      { id: 1, image_id: 99, category_id: 1, bbox: [0, 0, 5, 5] },
      { id: 2, image_id: 7, category_id: 42, bbox: [0, 0, 5, 5] },
      { id: 3, image_id: 7, category_id: 1, bbox: [0, 0, 'x', 5] },
      { id: 4, image_id: 7, category_id: 1 },
      { id: 5, image_id: 7, category_id: 1, bbox: [0, 0, 0, 5] },
      { id: 6, image_id: 8, category_id: 1, bbox: [30, 0, 5, 5] },
      { id: 7, image_id: 8, category_id: 1, bbox: [15, -5, 10, 10] },
      'garbage',
    );
    const { records, issues } = parseCocoJson(JSON.stringify(doc), 'c.json');
    expect(kinds(issues)).toEqual(['rejected:unknown-image', 'rejected:unknown-class', 'rejected:non-numeric',
      'rejected:missing-field', 'rejected:empty-box', 'rejected:outside-image', 'repaired:box-clipped',
      'rejected:unknown-image']);
    expect(issues[1]).toMatchObject({ file: 'c.json', element: 'annotations[1] (id 2)', imageFile: 'a.jpg' });
    expect(records[1].objects[0].box).toEqual([15, 0, 20, 5]);
    expect(issues.filter((i) => i.severity === 'rejected').reduce((s, i) => s + (i.objects ?? 0), 0)).toBe(7);
  });

  it('marks missing image sizes to be read from the image, and reports bad images and categories', () => {
    const doc = base();
    doc.images.push({ id: 9, file_name: 'c.jpg' } as never, { id: 7, file_name: 'dup.jpg' } as never, { file_name: 'x' } as never);
    doc.categories.push({ id: 5 } as never, { id: 1, name: 'again' });
    doc.annotations.push({ id: 1, image_id: 9, category_id: 1, bbox: [1, 1, 500, 500] });
    const { records, issues } = parseCocoJson(JSON.stringify(doc), 'c.json');
    expect(records.find((r) => r.imageFile === 'c.jpg')).toMatchObject({ width: 0, height: 0 });
    expect(records.find((r) => r.imageFile === 'c.jpg')?.objects[0].box).toEqual([1, 1, 501, 501]);
    expect(kinds(issues)).toEqual(expect.arrayContaining(['repaired:size-from-image', 'warning:duplicate',
      'warning:missing-field']));
  });

  it.each([
    ['{not json', /not valid JSON/],
    ['[1, 2]', /one JSON object/],
    ['{"images": [], "categories": []}', /no 'annotations' array/],
    ['{"annotations": [], "categories": []}', /no 'images' array/],
    ['{"images": [], "annotations": []}', /no 'categories' array/],
  ])('throws a DatasetError for %j', (text, message) => {
    expect(() => parseCocoJson(text, 'c.json')).toThrow(DatasetError);
    expect(() => parseCocoJson(text, 'c.json')).toThrow(message);
  });
});
