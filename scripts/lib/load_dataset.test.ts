import { existsSync, mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parseLabelsCsv } from '../../src/data/parse_csv';
import { pngFile } from '../../src/data/testing/image_files';
import { DatasetError } from '../../src/data/report';
import { loadDatasetDir } from './load_dataset';

const SHARED = fileURLToPath(new URL('../../../shared/datasets/', import.meta.url));
const BCCD = join(SHARED, 'bccd');
const RACCOON = join(SHARED, 'raccoon');

describe('loadDatasetDir on BCCD (VOC devkit)', () => {
  it('test split: 72 images, 945 objects, none difficult, nothing repaired or rejected', async () => {
    const { dataset, layout, report, imagePaths } = await loadDatasetDir(BCCD, { split: 'test' });
    expect(layout).toBe('voc-devkit');
    expect(dataset.classNames).toEqual(['Platelets', 'RBC', 'WBC']);
    expect(report).toMatchObject({ images: 72, objects: 945, difficultObjects: 0, unlabelledImages: 0, rejectedObjects: 0,
      objectsPerClass: { RBC: 805, WBC: 71, Platelets: 69 } });
    expect([...report.repaired, ...report.rejected, ...report.warnings]).toEqual([]);
    const first = dataset.records[0];
    expect(first.imageFile).toBe('BloodImage_00007.jpg'); // the split's order
    expect(first).toMatchObject({ width: 640, height: 480 });
    expect(imagePaths.get(first.imageFile)).toBe(join(BCCD, 'JPEGImages', 'BloodImage_00007.jpg'));
    expect([...imagePaths.values()].every(existsSync)).toBe(true);
  });

  it('whole set: 364 images, 4888 objects; the two 1-pixel boxes are kept with a warning', async () => {
    const { report, splits } = await loadDatasetDir(BCCD);
    expect(report).toMatchObject({ images: 364, objects: 4888, rejectedObjects: 0 });
    expect(report.warnings.map((w) => `${w.kind} ${w.file}:${w.line}`)).toEqual([
      'tiny-box Annotations/BloodImage_00338.xml:158', 'tiny-box Annotations/BloodImage_00343.xml:50']);
    expect(Object.fromEntries([...splits].map(([k, v]) => [k, v.length]))).toEqual({ test: 72, train: 205, trainval: 292, val: 87 });
    const test = new Set(splits.get('test'));
    expect(splits.get('trainval')!.some((f) => test.has(f))).toBe(false);
  });
});

describe('loadDatasetDir on raccoon (VOC XML per image + labels CSVs)', () => {
  it('test_labels.csv as split: 40 images, 44 objects, and the CSV agrees with the XML', async () => {
    const { dataset, layout, report, splits } = await loadDatasetDir(RACCOON, { split: join(RACCOON, 'test_labels.csv') });
    expect(layout).toBe('voc');
    expect(report).toMatchObject({ images: 40, objects: 44, rejectedObjects: 0, objectsPerClass: { raccoon: 44 } });
    expect([...report.repaired, ...report.rejected, ...report.warnings]).toEqual([]); // no 'sources-disagree'
    expect(dataset.records[0].imageFile).toBe('raccoon-146.jpg');
    expect([...splits.keys()].sort()).toEqual(['test_labels', 'train_labels']);
  });

  it('train_labels.csv: 160 images, 173 objects; whole set 200 images, 217 objects', async () => {
    expect((await loadDatasetDir(RACCOON, { split: 'train_labels.csv' })).report).toMatchObject({ images: 160, objects: 173 });
    expect((await loadDatasetDir(RACCOON)).report).toMatchObject({ images: 200, objects: 217, rejectedObjects: 0 });
  });

  it('CSV records equal the XML records box for box (both read as VOC 1-based corners)', async () => {
    const { dataset } = await loadDatasetDir(RACCOON);
    const xml = new Map(dataset.records.map((r) => [r.imageFile, r]));
    for (const name of ['train_labels.csv', 'test_labels.csv']) {
      const { records, issues } = parseLabelsCsv(readFileSync(join(RACCOON, name), 'utf8'), name);
      expect(issues).toEqual([]);
      for (const r of records) {
        const x = xml.get(r.imageFile)!;
        expect({ ...r, objects: sortObjects(r.objects) }).toEqual({ ...x, objects: sortObjects(x.objects.map(
          ({ truncated: _t, ...o }) => o)) });
      }
    }
  });
});

describe('loadDatasetDir on a YOLO folder', () => {
  const dir = mkdtempSync(join(tmpdir(), 'yolo-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads image sizes from the file headers to place the relative boxes', async () => {
    mkdirSync(join(dir, 'images'));
    mkdirSync(join(dir, 'labels'));
    writeFileSync(join(dir, 'images', 'a.png'), png(300, 200));
    writeFileSync(join(dir, 'images', 'b.png'), png(10, 10));
    writeFileSync(join(dir, 'labels', 'a.txt'), '0 0.5 0.5 0.25 0.125\n');
    writeFileSync(join(dir, 'data.yaml'), 'names:\n  - cat\n');
    const { dataset, report, imagePaths } = await loadDatasetDir(dir);
    expect(dataset.records.map((r) => [r.imageFile, r.width, r.height, r.objects.map((o) => o.box)])).toEqual([
      ['a.png', 300, 200, [[112.5, 87.5, 187.5, 112.5]]], ['b.png', 10, 10, []]]);
    expect(report.warnings.map((w) => w.kind)).toEqual(['unlabelled-image']);
    expect(imagePaths.get('a.png')).toBe(join(dir, 'images', 'a.png'));
  });

  it('rejects a truncated image in the report, with its boxes, and keeps the rest', async () => {
    const cut = mkdtempSync(join(tmpdir(), 'yolo-cut-'));
    try {
      mkdirSync(join(cut, 'images'));
      mkdirSync(join(cut, 'labels'));
      writeFileSync(join(cut, 'images', 'a.png'), png(300, 200));
      writeFileSync(join(cut, 'images', 'c.png'), png(300, 200).subarray(0, 40));
      writeFileSync(join(cut, 'labels', 'a.txt'), '0 0.5 0.5 0.25 0.125\n');
      writeFileSync(join(cut, 'labels', 'c.txt'), '0 0.5 0.5 0.25 0.125\n0 0.2 0.2 0.1 0.1\n');
      writeFileSync(join(cut, 'data.yaml'), 'names:\n  - cat\n');
      const { dataset, report, imagePaths } = await loadDatasetDir(cut);
      expect(dataset.records.map((r) => r.imageFile)).toEqual(['a.png']);
      expect(report.rejected.map((i) => [i.kind, i.objects])).toEqual([['bad-image', 2]]);
      expect(report.rejected[0].message).toContain('“images/c.png” could not be read as an image: the PNG file is truncated');
      expect([...imagePaths.keys()]).toEqual(['a.png']);
    } finally {
      rmSync(cut, { recursive: true, force: true });
    }
  });

  it('throws a DatasetError for a missing directory or an unknown split', async () => {
    await expect(loadDatasetDir(join(dir, 'nope'))).rejects.toThrow(DatasetError);
    await expect(loadDatasetDir(BCCD, { split: 'nosuch' })).rejects.toThrow(/Splits found: test, train, trainval, val/);
  });
});

function sortObjects<T extends { className: string; box: readonly number[] }>(objects: readonly T[]): T[] {
  return [...objects].sort((a, b) => `${a.className}${a.box}`.localeCompare(`${b.className}${b.box}`));
}

/** A whole (gray) PNG: a header alone is a truncated file, which the loader rejects. */
function png(width: number, height: number): Uint8Array {
  return pngFile({ width, height, colorType: 0, row: () => new Uint8Array(width) });
}
