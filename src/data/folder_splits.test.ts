import { describe, expect, it } from 'vitest';
import { assembleDataset, type DatasetFile } from './assemble';
import { folderSplitOf, folderSplits } from './folder_splits';

const img = (path: string): DatasetFile => ({ path, isImage: true, width: 100, height: 80 });
const file = (path: string, text: string): DatasetFile => ({ path, text, isImage: false });
const coco = (names: string[]) => JSON.stringify({
  images: names.map((n, i) => ({ id: i, file_name: n, width: 100, height: 80 })),
  annotations: names.map((_, i) => ({ id: i, image_id: i, category_id: 1, bbox: [10, 10, 30, 20], iscrowd: 0 })),
  // Roboflow's exports carry the set's own name as an unused category 0
  categories: [{ id: 0, name: 'pets' }, { id: 1, name: 'cat' }],
});

describe('folder splits', () => {
  it('reads the first train / valid / test folder on the path, under any case and alias', () => {
    expect(folderSplitOf('train/images/a.jpg')).toEqual({ split: 'train', folder: 'train' });
    expect(folderSplitOf('set/Valid/b.jpg')).toEqual({ split: 'val', folder: 'Valid' });
    expect(folderSplitOf('validation/test/c.jpg')).toEqual({ split: 'val', folder: 'validation' });
    expect(folderSplitOf('images/test.jpg')).toBeUndefined(); // a file name is not a folder
  });

  it('needs two splits and every image in one of them', () => {
    expect([...folderSplits(new Map([['a.jpg', 'train/a.jpg'], ['b.jpg', 'valid/b.jpg']]))].map(([k, v]) => [k, v.images])).toEqual([['train', ['a.jpg']], ['val', ['b.jpg']]]);
    expect(folderSplits(new Map([['a.jpg', 'train/a.jpg'], ['b.jpg', 'train/b.jpg']])).size).toBe(0);
    expect(folderSplits(new Map([['a.jpg', 'train/a.jpg'], ['b.jpg', 'valid/b.jpg'], ['c.jpg', 'extra/c.jpg']])).size).toBe(0);
  });

  it('splits a Roboflow COCO export (one JSON per folder) so train, val and test are told apart', () => {
    const files = [
      file('train/_annotations.coco.json', coco(['a.jpg', 'b.jpg'])), img('train/a.jpg'), img('train/b.jpg'),
      file('valid/_annotations.coco.json', coco(['c.jpg'])), img('valid/c.jpg'),
      file('test/_annotations.coco.json', coco(['d.jpg'])), img('test/d.jpg'),
    ];
    const all = assembleDataset(files);
    expect(all.dataset.records).toHaveLength(4);
    expect([...all.splits.keys()].sort()).toEqual(['test', 'train', 'val']);
    expect(assembleDataset(files, { split: 'train' }).dataset.records.map((r) => r.imageFile).sort()).toHaveLength(2);
    expect(assembleDataset(files, { split: 'valid' }).dataset.records).toHaveLength(1);
    expect(assembleDataset(files, { split: 'test' }).dataset.records[0].objects).toHaveLength(1);
  });

  it('leaves a list file its own split name', () => {
    const voc = (n: string) => `<annotation><filename>${n}</filename><size><width>100</width><height>80</height></size><object><name>cat</name><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>9</xmax><ymax>9</ymax></bndbox></object></annotation>`;
    const files = [
      file('train/a.xml', voc('a.jpg')), img('train/a.jpg'), file('test/b.xml', voc('b.jpg')), img('test/b.jpg'),
      file('test.txt', 'a\n'),
    ];
    expect(assembleDataset(files, { split: 'test' }).dataset.records.map((r) => r.imageFile)).toEqual(['a.jpg']);
    expect(assembleDataset(files, { split: 'train' }).dataset.records.map((r) => r.imageFile)).toEqual(['a.jpg']);
  });
});
