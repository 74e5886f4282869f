import { describe, expect, it } from 'vitest';
import { assembleDataset, type DatasetFile } from './assemble';
import { DatasetError, type DatasetReport } from './report';

const img = (path: string, width = 100, height = 80): DatasetFile => ({ path, isImage: true, width, height });
const file = (path: string, text: string): DatasetFile => ({ path, text, isImage: false });
const voc = (filename: string, boxes: [string, number, number, number, number][], size = '<size><width>100</width><height>80</height></size>') =>
  `<annotation><filename>${filename}</filename>${size}${boxes.map(([n, a, b, c, d]) =>
    `<object><name>${n}</name><difficult>0</difficult><bndbox><xmin>${a}</xmin><ymin>${b}</ymin><xmax>${c}</xmax><ymax>${d}</ymax></bndbox></object>`).join('')}</annotation>`;
const kinds = (r: DatasetReport) =>
  [...r.repaired, ...r.rejected, ...r.warnings].map((i) => `${i.severity}:${i.kind}:${i.imageFile ?? i.file}`).sort();

describe('assembleDataset', () => {
  describe('when the folder is a VOC devkit', () => {
    const files = [
      file('VOC/Annotations/a.xml', voc('a.jpg', [['cat', 1, 1, 10, 10]])),
      file('VOC/Annotations/b.xml', voc('b.jpg', [['dog', 1, 1, 10, 10], ['cat', 5, 5, 20, 20]])),
      file('VOC/Annotations/gone.xml', voc('gone.jpg', [['cat', 1, 1, 10, 10]])),
      img('VOC/JPEGImages/a.jpg'), img('VOC/JPEGImages/b.jpg'), img('VOC/JPEGImages/c.jpg'),
      img('VOC/SegmentationClass/a.png'),
      file('VOC/ImageSets/Main/train.txt', 'a\nc\n'),
      file('VOC/ImageSets/Main/test.txt', 'b\ngone\n'),
      file('VOC/ImageSets/Main/cat_test.txt', 'b  1\ngone -1\n'),
      file('VOC/ImageSets/Segmentation/test.txt', 'a\n'),
      file('VOC/README.md', 'hello'),
    ];

    it('reads every annotated image, keeps unannotated ones as unlabelled, rejects annotations without an image', () => {
      const { dataset, layout, imagePaths, report } = assembleDataset(files);
      expect(layout).toBe('voc-devkit');
      expect(dataset.classNames).toEqual(['cat', 'dog']);
      expect(dataset.records.map((r) => [r.imageFile, r.objects.length, r.unlabelled ?? false])).toEqual([
        ['a.jpg', 1, false], ['b.jpg', 2, false], ['c.jpg', 0, true]]);
      expect(imagePaths.get('a.jpg')).toBe('VOC/JPEGImages/a.jpg');
      expect(report).toMatchObject({ images: 3, unlabelledImages: 1, objects: 3, rejectedObjects: 1 });
      expect(kinds(report)).toEqual([
        'rejected:missing-image:gone.jpg',
        'warning:ignored-file:VOC/SegmentationClass/',
        'warning:unlabelled-image:c.jpg',
      ]);
    });

    it('lists the splits (ImageSets/Main by name) and restricts to one in its order', () => {
      const { dataset, splits, report } = assembleDataset(files, { split: 'test' });
      expect([...splits.keys()]).toEqual(['cat_test', 'test', 'train', 'VOC/ImageSets/Segmentation/test.txt']);
      expect(splits.get('train')).toEqual(['a.jpg', 'c.jpg']);
      expect(dataset.records.map((r) => r.imageFile)).toEqual(['b.jpg']);
      expect(kinds(report)).toEqual(['rejected:missing-image:gone.jpg', 'warning:ignored-file:VOC/SegmentationClass/',
        'warning:split-unknown-id:VOC/ImageSets/Main/test.txt']);
      expect(report.objects).toBe(2);
      expect(assembleDataset(files, { split: 'VOC/ImageSets/Segmentation/test.txt' }).dataset.records).toHaveLength(1);
      expect(assembleDataset(files, { split: { path: '/elsewhere/x.txt', text: 'c\n' } }).dataset.records[0].unlabelled).toBe(true);
    });

    it('throws a DatasetError naming the splits when the split does not exist', () => {
      expect(() => assembleDataset(files, { split: 'val' })).toThrow(/no split 'val'. Splits found: cat_test, test, train/);
    });
  });

  describe('when VOC XML sits beside the images or in a sibling folder', () => {
    it('matches by file name, then by stem, and reports the stem matches', () => {
      const { dataset, layout, imagePaths, report } = assembleDataset([
        file('set/x.xml', voc('x.jpg', [['cat', 1, 1, 5, 5]])),
        img('set/x.jpg'),
        file('ann/y.xml', voc('C:\\\\Users\\\\me\\\\y.png', [['cat', 1, 1, 5, 5]])),
        img('pics/y.jpg'),
        file('ann/z.xml', voc('zz.jpg', [['cat', 1, 1, 5, 5]])),
        img('pics/z.jpg'), img('pics/zz.jpg'),
      ]);
      expect(layout).toBe('voc');
      expect(dataset.records.map((r) => r.imageFile)).toEqual(['x.jpg', 'y.jpg', 'z.jpg', 'zz.jpg']);
      expect(imagePaths.get('y.jpg')).toBe('pics/y.jpg');
      expect(kinds(report)).toEqual(['repaired:image-matched-by-stem:y.jpg', 'repaired:image-matched-by-stem:z.jpg',
        'warning:unlabelled-image:zz.jpg']);
    });

    it('fills sizes missing from the XML from the image entries and clips with them', () => {
      const { dataset, report } = assembleDataset([
        file('a.xml', voc('a.jpg', [['cat', 1, 1, 500, 10]], '')), img('a.jpg', 50, 40)]);
      expect(dataset.records[0]).toMatchObject({ width: 50, height: 40 });
      expect(dataset.records[0].objects[0].box).toEqual([0, 0, 50, 10]);
      expect(kinds(report)).toEqual(['repaired:box-clipped:a.jpg', 'repaired:size-from-image:a.jpg',
        'repaired:size-from-image:a.jpg']);
      expect(report.repaired.find((i) => i.kind === 'box-clipped')).toMatchObject({ file: 'a.xml', element: 'object[1]',
        before: [0, 0, 500, 10], after: [0, 0, 50, 10] });
    });

    it('rejects a second annotation of the same image and names images shared by two folders by path', () => {
      const { dataset, report } = assembleDataset([
        file('a.xml', voc('a.jpg', [['cat', 1, 1, 5, 5]])), file('copy/a.xml', voc('a.jpg', [['cat', 1, 1, 5, 5]])),
        img('a.jpg'), img('other/b.jpg'), img('other2/b.jpg'), file('other/b.xml', voc('b.jpg', [])),
      ]);
      expect(dataset.records.map((r) => r.imageFile)).toEqual(['a.jpg', 'other/b.jpg']);
      expect(report.rejected.map((i) => [i.kind, i.file, i.objects])).toEqual([['duplicate', 'copy/a.xml', 1]]);
    });

    it('reports one unreadable XML and reads the rest; throws when none can be read', () => {
      const { dataset, report } = assembleDataset([file('a.xml', voc('a.jpg', [])), file('b.xml', '<annotation><x></annotation>'),
        img('a.jpg'), img('b.jpg')]);
      expect(dataset.records).toHaveLength(2);
      expect(report.rejected.map((i) => i.kind)).toEqual(['bad-file']);
      expect(() => assembleDataset([file('b.xml', '<annotation><x></annotation>'), img('b.jpg')])).toThrow(DatasetError);
    });
  });

  describe('when the folder holds COCO JSON', () => {
    const coco = JSON.stringify({
      images: [{ id: 1, file_name: 'train/a.jpg', width: 100, height: 80 }, { id: 2, file_name: 'b.jpg' }],
      categories: [{ id: 1, name: 'cat' }],
      annotations: [{ id: 1, image_id: 1, category_id: 1, bbox: [1, 2, 3, 4] }, { id: 2, image_id: 2, category_id: 1, bbox: [0, 0, 500, 5] }],
    });

    it('matches file_name paths and fills missing sizes', () => {
      const { dataset, layout, report } = assembleDataset([file('ann/instances.json', coco), img('images/train/a.jpg'),
        img('images/train/b.jpg', 40, 30), file('ann/other.xml', '<notvoc/>')]);
      expect(layout).toBe('coco');
      expect(dataset.records.map((r) => [r.imageFile, r.width, r.objects[0].box])).toEqual([
        ['a.jpg', 100, [1, 2, 4, 6]], ['b.jpg', 40, [0, 0, 40, 5]]]);
      expect(kinds(report)).toEqual(['repaired:box-clipped:b.jpg', 'repaired:size-from-image:b.jpg',
        'repaired:size-from-image:b.jpg', 'warning:ignored-file:ann/other.xml']);
    });

    it('without image files, keeps the records and says the images were not checked', () => {
      const { dataset, report } = assembleDataset([file('instances.json', coco)]);
      expect(dataset.records.map((r) => r.imageFile)).toEqual(['b.jpg', 'train/a.jpg']);
      expect(report.warnings.map((i) => i.kind)).toEqual(['no-images', 'size-unknown']);
    });
  });

  describe('when the folder holds YOLO labels', () => {
    it('pairs labels/ with images/, denormalises with the image sizes, and uses classes.txt', () => {
      const { dataset, layout, report, splits } = assembleDataset([
        file('train/labels/a.txt', '1 0.5 0.5 0.5 0.5\n'), img('train/images/a.jpg', 200, 100),
        file('train/labels/b.txt', '0 0.5 0.5 0.5 0.5\n7 0.5 0.5 0.1 0.1\n'), img('train/images/b.png', 20, 10),
        file('train/labels/c.txt', '0 0.5 0.5 0.5 0.5\n'), img('train/images/c.jpg', 0, 0),
        file('train/labels/orphan.txt', '0 0.5 0.5 0.5 0.5\n'),
        file('train/labels/classes.txt', 'cat\ndog\n'), file('data.yaml', 'names: [x, y]'),
        file('train.txt', 'train/images/a.jpg\ntrain/images/b.png\n'),
      ]);
      expect(layout).toBe('yolo');
      expect(dataset.classNames).toEqual(['cat', 'dog']);
      expect(dataset.records.map((r) => [r.imageFile, r.objects.map((o) => [o.className, ...o.box])])).toEqual([
        ['a.jpg', [['dog', 50, 25, 150, 75]]], ['b.png', [['cat', 5, 2.5, 15, 7.5]]], ['c.jpg', []]]);
      expect(kinds(report)).toEqual(['rejected:missing-image:train/labels/orphan.txt', 'rejected:size-unknown:c.jpg',
        'rejected:unknown-class:b.png', 'warning:ignored-file:data.yaml']);
      expect(report.unlabelledImages).toBe(1);
      expect(splits.get('train')).toEqual(['a.jpg', 'b.png']);
    });

    it('throws a DatasetError when there is no class list', () => {
      expect(() => assembleDataset([file('labels/a.txt', '0 0.5 0.5 0.1 0.1'), img('images/a.jpg')]))
        .toThrow(/no class list: add classes.txt/);
    });
  });

  describe('when the folder holds labels CSVs', () => {
    const header = 'filename,width,height,class,xmin,ymin,xmax,ymax\n';
    it('reads all CSVs as annotations and offers each as a split', () => {
      const files = [file('train.csv', `${header}a.jpg,100,80,cat,1,1,10,10\n`), file('test.csv', `${header}b.jpg,100,80,dog,1,1,10,10\n`),
        img('img/a.jpg'), img('img/b.jpg')];
      const all = assembleDataset(files);
      expect(all.layout).toBe('csv');
      expect(all.dataset.records.map((r) => r.imageFile)).toEqual(['a.jpg', 'b.jpg']);
      expect(assembleDataset(files, { split: 'test.csv' }).dataset.records.map((r) => r.imageFile)).toEqual(['b.jpg']);
    });

    it('cross-checks a labels CSV used as the split of a VOC folder', () => {
      const { dataset, report } = assembleDataset([
        file('annotations/a.xml', voc('a.jpg', [['cat', 1, 1, 10, 10]])), img('images/a.jpg'),
        file('annotations/b.xml', voc('b.jpg', [['cat', 1, 1, 10, 10]])), img('images/b.jpg'),
        file('test.csv', `${header}a.jpg,100,80,cat,1,1,10,10\nb.jpg,100,80,cat,1,1,12,10\n`),
        file('notes.csv', 'just,two\n1,2\n'),
      ], { split: 'test' });
      expect(dataset.records).toHaveLength(2);
      expect(kinds(report)).toEqual(['warning:ignored-file:notes.csv', 'warning:sources-disagree:b.jpg']);
      expect(report.warnings.find((w) => w.kind === 'sources-disagree')?.message).toMatch(/only in test.csv: cat \[0, 0, 12, 10\]/);
    });

    it('throws the CSV problem when the only CSV is unusable', () => {
      expect(() => assembleDataset([file('l.csv', 'filename,class\na.jpg,cat'), img('a.jpg')])).toThrow(/lacks column/);
    });
  });

  it('honours a fixed class list, rejecting other classes', () => {
    const { dataset, report } = assembleDataset([file('a.xml', voc('a.jpg', [['cat', 1, 1, 5, 5], ['cow', 1, 1, 5, 5]])),
      img('a.jpg')], { classNames: ['dog', 'cat'] });
    expect(dataset.classNames).toEqual(['dog', 'cat']);
    expect(dataset.records[0].objects.map((o) => o.className)).toEqual(['cat']);
    expect(report.rejected.map((i) => i.kind)).toEqual(['unknown-class']);
  });

  it.each([
    [[], /no files/],
    [[img('a.jpg'), file('readme.txt', 'hello world')], /no annotations found/],
    [[file('a.xml', voc('a.jpg', [['cat', 1, 1, 5, 5]])), img('b.jpg')], /empty dataset: no usable image/],
  ])('throws a DatasetError for unusable input %#', (files, message) => {
    expect(() => assembleDataset(files as DatasetFile[])).toThrow(DatasetError);
    expect(() => assembleDataset(files as DatasetFile[])).toThrow(message);
  });
});
