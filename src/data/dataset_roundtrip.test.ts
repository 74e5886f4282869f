/**
 * Every export the app writes, read back by the import the app uses, exported again: the same annotations.
 * VOC: a devkit zip (Annotations/, JPEGImages/, ImageSets/Main) through fflate, then the folder-import path
 * (readZip -> assembleDataset). COCO: the JSON beside the images. The first VOC export rounds corners to whole
 * pixels (the VOC convention); from then on nothing moves.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assembleDataset, type DatasetFile } from './assemble';
import { exportCocoJson } from './export_coco';
import { exportVocFiles } from './export_voc';
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
