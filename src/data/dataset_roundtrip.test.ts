/**
 * Every export the app writes, read back by the import the app uses, exported again: the same annotations.
 * VOC: a devkit zip (Annotations/, JPEGImages/, ImageSets/Main) through fflate, then the folder-import path
 * (readZip -> assembleDataset). COCO: the JSON beside the images. The first VOC export rounds corners to whole
 * pixels (the VOC convention); from then on nothing moves. YOLO: classes.txt, labels/, images/ and the split lists;
 * the first export rounds corners to millionths of the image size (export_yolo.ts), from then on nothing moves.
 * CSV: one labels CSV beside the images and the split lists; corners come back bit for bit.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assembleDataset, type DatasetFile } from './assemble';
import { exportCocoJson } from './export_coco';
import { exportLabelsCsv } from './export_csv';
import { exportVocFiles } from './export_voc';
import { exportYoloFiles } from './export_yolo';
import { readImageHeader } from './image_header';
import { isImagePath } from './paths';
import type { Dataset, DetectionObject, DetectionRecord } from './record';
import { pngFile } from './testing/image_files';
import { nameArb } from './testing/arbitraries';
import { readZip, writeZip, type ZipEntry } from './zip_archive';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

const png = (width: number, height: number) => new Uint8Array(pngFile({ width, height, colorType: 0, row: () => new Uint8Array(width) }));

/** The app's VOC devkit zip (ui/annotate/dataset_io.ts exportVocZip): annotations, images, the split lists. */
function vocZip(dataset: Dataset, heldOut: ReadonlySet<string> = new Set()): Uint8Array {
  const entries: ZipEntry[] = exportVocFiles(dataset).map((f) => ({ path: f.path, data: encoder.encode(f.text) }));
  for (const r of dataset.records) entries.push({ path: `JPEGImages/${r.imageFile}`, data: png(r.width, r.height) });
  const list = (test: boolean) => encoder.encode(dataset.records.filter((r) => heldOut.has(r.imageFile) === test)
    .map((r) => `${r.imageFile.replace(/\.png$/, '')}\n`).join(''));
  entries.push({ path: 'ImageSets/Main/train.txt', data: list(false) }, { path: 'ImageSets/Main/test.txt', data: list(true) });
  return writeZip(entries);
}

/** What the Annotate tab's import builds from files: images with their header size, text files read. */
function datasetFiles(entries: readonly ZipEntry[]): DatasetFile[] {
  return entries.map(({ path, data }) => {
    if (!isImagePath(path)) return { path, isImage: false, text: decoder.decode(data) };
    const size = readImageHeader(data)?.uprightSize;
    return { path, isImage: true, width: size?.width, height: size?.height };
  });
}

function importZip(bytes: Uint8Array) {
  return assembleDataset(datasetFiles(readZip(bytes, 'annotations-voc.zip', 'annotations-voc')));
}

/** Records with whole-image sizes and image names the devkit can hold, in name order (as the import sorts). */
const datasetOf = (coordinates: 'any' | 'integer') => fc.uniqueArray(nameArb, { minLength: 1, maxLength: 3 }).chain((classNames) => {
  const object = (w: number, h: number) => fc.record({
    className: fc.constantFrom(...classNames),
    xs: span(w, coordinates), ys: span(h, coordinates), difficult: fc.boolean(),
    truncated: fc.option(fc.boolean(), { nil: undefined }),
  }).map(({ className, xs, ys, difficult, truncated }): DetectionObject => ({ className, box: [xs[0], ys[0], xs[1], ys[1]], difficult,
    ...(truncated === undefined ? {} : { truncated }) }));
  const record = (i: number) => fc.tuple(fc.integer({ min: 4, max: 64 }), fc.integer({ min: 4, max: 64 }))
    .chain(([w, h]) => fc.uniqueArray(object(w, h), { maxLength: 5, selector: (o) => `${o.className}|${o.box.map(Math.round)}` })
      .map((objects): DetectionRecord => ({ imageFile: `img${i}.png`, width: w, height: h, objects })));
  return fc.integer({ min: 1, max: 4 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => record(i))))
    .map((records): Dataset => ({ classNames, records }));
});

function span(extent: number, kind: 'any' | 'integer'): fc.Arbitrary<[number, number]> {
  const coord = kind === 'integer' ? fc.integer({ min: 0, max: extent }) : fc.double({ min: 0, max: extent, noNaN: true });
  // at least 2 px apart: the editor's smallest box, and two corners that round apart
  return fc.tuple(coord, coord).filter(([a, b]) => Math.abs(a - b) >= 2).map(([a, b]) => [Math.min(a, b) + 0, Math.max(a, b) + 0]);
}

const vocTexts = (dataset: Dataset) => new Map(exportVocFiles(dataset).map((f) => [f.path, f.text]));

describe('VOC devkit zip: export -> import -> export', () => {
  it('gives the same files for generated sets (any corners, difficult, truncated, empty images)', () => {
    fc.assert(
      fc.property(datasetOf('any'), (dataset) => {
        const first = importZip(vocZip(dataset));
        expect(first.layout).toBe('voc-devkit');
        expect(first.report.rejected).toEqual([]);
        const again = importZip(vocZip(first.dataset));
        expect(vocTexts(again.dataset)).toEqual(vocTexts(first.dataset));
        expect(vocTexts(first.dataset)).toEqual(vocTexts(dataset));
      }),
      { numRuns: 25 },
    );
  });

  it('gives back integer boxes exactly, with difficult, truncated and the held-out split', () => {
    fc.assert(
      fc.property(datasetOf('integer'), (dataset) => {
        const heldOut = new Set(dataset.records.slice(0, 1).map((r) => r.imageFile));
        const imported = importZip(vocZip(dataset, heldOut));
        expect(imported.dataset.records).toEqual(dataset.records);
        expect(imported.splits.get('test')).toEqual([...heldOut]);
      }),
      { numRuns: 25 },
    );
  });

  it('reads the zip with its files in a nested folder, as a zipped folder holds them', () => {
    const dataset: Dataset = { classNames: ['raccoon'], records: [{ imageFile: 'a.png', width: 20, height: 10,
      objects: [{ className: 'raccoon', box: [2, 1, 12, 9], difficult: false, truncated: true }] }] };
    const nested = readZip(vocZip(dataset), 'x.zip', 'x').map((e) => ({ ...e, path: e.path.replace('x/', 'x/deep/set/') }));
    const imported = assembleDataset(datasetFiles(nested));
    expect(imported.layout).toBe('voc-devkit');
    expect(imported.imagePaths.get('a.png')).toBe('x/deep/set/JPEGImages/a.png');
    expect(imported.dataset.records).toEqual(dataset.records);
  });
});

describe('the other layouts inside a zip', () => {
  const objectsOf = (layout: string) => importZipOf(layout).dataset.records.map((r) => [r.imageFile, r.objects.map((o) => [o.className, ...o.box])]);
  const files: Record<string, Record<string, string>> = {
    yolo: { 'ds/classes.txt': 'cat\ndog\n', 'ds/labels/a.txt': '1 0.5 0.5 0.5 0.5\n' },
    csv: { 'ds/train_labels.csv': 'filename,width,height,class,xmin,ymin,xmax,ymax\na.png,20,10,dog,6,3,15,7\n' },
    coco: { 'ds/annotations/instances.json': exportCocoJson({ classNames: ['dog'], records: [{ imageFile: 'a.png', width: 20, height: 10,
      objects: [{ className: 'dog', box: [5, 2.5, 15, 7.5], difficult: false }] }] }) },
  };
  function importZipOf(layout: string) {
    const entries: ZipEntry[] = Object.entries(files[layout]).map(([path, text]) => ({ path, data: encoder.encode(text) }));
    entries.push({ path: layout === 'yolo' ? 'ds/images/a.png' : 'ds/a.png', data: png(20, 10) });
    const imported = assembleDataset(datasetFiles(readZip(writeZip(entries), `${layout}.zip`, layout)));
    expect(imported.layout).toBe(layout);
    return imported;
  }

  it.each([
    ['yolo', [['a.png', [['dog', 5, 2.5, 15, 7.5]]]]],
    ['csv', [['a.png', [['dog', 5, 2, 15, 7]]]]], // VOC 1-based corners, as the CSVs xml_to_csv writes
    ['coco', [['a.png', [['dog', 5, 2.5, 15, 7.5]]]]],
  ])('%s', (layout, want) => {
    expect(objectsOf(layout)).toEqual(want);
  });
});

describe('COCO JSON: export -> import -> export', () => {
  function importCoco(json: string, dataset: Dataset) {
    return assembleDataset([{ path: 'set/annotations.json', isImage: false, text: json },
      ...dataset.records.map((r) => ({ path: `set/images/${r.imageFile}`, isImage: true, width: r.width, height: r.height }))]);
  }

  it('gives the same JSON, floats kept (generated sets with any corners)', () => {
    fc.assert(
      fc.property(datasetOf('any'), (dataset) => {
        const json = exportCocoJson(dataset);
        const first = importCoco(json, dataset);
        expect(first.layout).toBe('coco');
        expect(first.report.rejected).toEqual([]);
        expect(exportCocoJson(first.dataset)).toBe(json);
        expect(JSON.parse(json).annotations.some((a: { bbox: number[] }) => a.bbox.some((v) => !Number.isInteger(v))) ||
          dataset.records.every((r) => r.objects.every((o) => o.box.every(Number.isInteger)))).toBe(true);
      }),
      { numRuns: 25 },
    );
  });
});

/** The app's YOLO and CSV zips (ui/annotate/dataset_io.ts): annotation files, images, root train.txt / test.txt. */
function zipOf(files: { path: string; text: string }[], imageFolder: string, dataset: Dataset, heldOut: ReadonlySet<string>): Uint8Array {
  const entries: ZipEntry[] = files.map((f) => ({ path: f.path, data: encoder.encode(f.text) }));
  for (const r of dataset.records) entries.push({ path: `${imageFolder}${r.imageFile}`, data: png(r.width, r.height) });
  const list = (test: boolean) => encoder.encode(dataset.records.filter((r) => heldOut.has(r.imageFile) === test)
    .map((r) => `${r.imageFile}\n`).join(''));
  entries.push({ path: 'train.txt', data: list(false) }, { path: 'test.txt', data: list(true) });
  return writeZip(entries);
}

/** Some records unlabelled (objects unknown): they must come back unlabelled, not as empty images. */
const withUnlabelled = (dataset: Dataset): Dataset => ({ ...dataset, records: dataset.records.map((r, i) =>
  i === 1 ? { ...r, objects: [], unlabelled: true } : r) });

describe('YOLO zip: export -> import -> export', () => {
  const yoloZip = (dataset: Dataset, heldOut: ReadonlySet<string> = new Set()) =>
    zipOf(exportYoloFiles(dataset), 'images/', dataset, heldOut);
  const yoloTexts = (dataset: Dataset) => new Map(exportYoloFiles(dataset).map((f) => [f.path, f.text]));
  // classes.txt holds one name per line
  const lineFree = (dataset: Dataset) => dataset.classNames.every((n) => !/[\r\n]/.test(n));

  it('gives the same files, boxes within 0.5e-6 of the image size (any corners, empty and unlabelled images)', () => {
    fc.assert(
      fc.property(datasetOf('any').filter(lineFree).map(withUnlabelled), (dataset) => {
        const heldOut = new Set(dataset.records.slice(0, 1).map((r) => r.imageFile));
        const first = importZip(yoloZip(dataset, heldOut));
        expect(first.layout).toBe('yolo');
        expect(first.report.rejected).toEqual([]);
        expect(first.report.repaired).toEqual([]);
        expect(first.dataset.classNames).toEqual(dataset.classNames);
        expect(first.splits.get('test')).toEqual([...heldOut]);
        expect(yoloTexts(first.dataset)).toEqual(yoloTexts(dataset));
        const again = importZip(yoloZip(first.dataset, heldOut));
        expect(again.dataset).toEqual(first.dataset);
        first.dataset.records.forEach((r, i) => {
          const sent = dataset.records[i];
          expect(r.unlabelled).toBe(sent.unlabelled);
          expect(r.objects.map((o) => [o.className, o.difficult])).toEqual(sent.objects.map((o) => [o.className, false]));
          r.objects.forEach((o, k) => o.box.forEach((v, c) => {
            const extent = c % 2 === 0 ? r.width : r.height;
            expect(Math.abs(v - sent.objects[k].box[c])).toBeLessThanOrEqual(0.5e-6 * extent + 1e-9);
          }));
        });
      }),
      { numRuns: 25 },
    );
  });

  it('writes centre and size relative to the image, and refuses a class name classes.txt cannot hold', () => {
    const dataset: Dataset = { classNames: ['cat', 'dog'], records: [{ imageFile: 'a.png', width: 20, height: 10,
      objects: [{ className: 'dog', box: [5, 2.5, 15, 7.5], difficult: false }] }, { imageFile: 'b.png', width: 3, height: 3, objects: [] }] };
    expect(yoloTexts(dataset)).toEqual(new Map([['classes.txt', 'cat\ndog\n'], ['labels/a.txt', '1 0.5 0.5 0.5 0.5\n'], ['labels/b.txt', '']]));
    expect(() => exportYoloFiles({ ...dataset, classNames: ['two\nlines'] })).toThrow(/classes.txt/);
  });
});

describe('labels CSV zip: export -> import -> export', () => {
  const csvZip = (dataset: Dataset, heldOut: ReadonlySet<string> = new Set()) =>
    zipOf([{ path: 'annotations.csv', text: exportLabelsCsv(dataset) }], '', dataset, heldOut);
  const withoutTruncated = (dataset: Dataset): Dataset => ({ ...dataset, records: dataset.records.map((r) => ({ ...r,
    objects: r.objects.map(({ truncated: _, ...o }) => o) })) });

  it('gives back every record bit for bit (any corners, difficult, empty and unlabelled images, the split)', () => {
    fc.assert(
      fc.property(datasetOf('any').map(withUnlabelled), (dataset) => {
        const heldOut = new Set(dataset.records.slice(0, 1).map((r) => r.imageFile));
        const first = importZip(csvZip(dataset, heldOut));
        expect(first.layout).toBe('csv');
        expect(first.report.rejected).toEqual([]);
        expect(first.report.repaired).toEqual([]);
        // the CSV has no class list: the classes its rows name, sorted
        expect(first.dataset.classNames).toEqual([...new Set(dataset.records.flatMap((r) => r.objects.map((o) => o.className)))].sort());
        expect(first.dataset.records).toEqual(withoutTruncated(dataset).records);
        expect(first.splits.get('test')).toEqual([...heldOut]);
        expect(exportLabelsCsv(importZip(csvZip(first.dataset, heldOut)).dataset)).toBe(exportLabelsCsv(dataset));
      }),
      // the example: a CR inside a quoted class name, once read back as '\n'
      { numRuns: 25, examples: [[{ classNames: ['\0\r\0'], records: [{ imageFile: 'img0.png', width: 4, height: 17,
        objects: [{ className: '\0\r\0', box: [0, 0, 2, 2], difficult: false }] }] }]] },
    );
  });

  it('writes VOC 1-based corners and quotes names with commas', () => {
    const dataset: Dataset = { classNames: ['a, b'], records: [{ imageFile: 'x.png', width: 20, height: 10,
      objects: [{ className: 'a, b', box: [5, 2.5, 15, 7.5], difficult: true }] }, { imageFile: 'y.png', width: 3, height: 3, objects: [] }] };
    expect(exportLabelsCsv(dataset)).toBe('filename,width,height,class,xmin,ymin,xmax,ymax,difficult\n' +
      'x.png,20,10,"a, b",6,3.5,15,7.5,1\ny.png,3,3,,,,,,\n');
  });
});
