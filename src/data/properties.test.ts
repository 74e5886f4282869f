/**
 * Properties every importer must have, whatever it is fed:
 * 1. it returns a report or throws a DatasetError, never anything else, and never hangs;
 * 2. nothing is dropped silently: input boxes = objects in the records + boxes counted by rejected issues;
 * 3. every box it returns is usable: finite, x2 > x1, y2 > y1, inside the image when the size is known.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assembleDataset, type DatasetFile } from './assemble';
import { exportVocXml } from './export_voc';
import { parseCocoJson } from './parse_coco';
import { parseLabelsCsv } from './parse_csv';
import { parseVocXml } from './parse_voc';
import { parseYoloTxt } from './parse_yolo';
import type { DetectionRecord } from './record';
import { DatasetError, type DatasetIssue, type ParseResult } from './report';
import { parseYoloClassList } from './yolo_classes';

const RUNS = 400;

/** Calls `fn`; a DatasetError is fine, any other throw fails the property. */
function survives<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch (e) {
    if (e instanceof DatasetError) return undefined;
    throw e;
  }
}

const rejectedBoxes = (issues: readonly DatasetIssue[]) =>
  issues.filter((i) => i.severity === 'rejected').reduce((s, i) => s + (i.objects ?? 0), 0);
const keptBoxes = (records: readonly DetectionRecord[]) => records.reduce((s, r) => s + r.objects.length, 0);

function expectUsableBoxes(records: readonly DetectionRecord[]): void {
  for (const r of records) {
    for (const { box: [x1, y1, x2, y2] } of r.objects) {
      expect([x1, y1, x2, y2].every(Number.isFinite)).toBe(true);
      expect(x2 > x1 && y2 > y1).toBe(true);
      if (r.width > 0 && r.height > 0) expect(x1 >= 0 && y1 >= 0 && x2 <= r.width && y2 <= r.height).toBe(true);
    }
  }
}

// ---- 1. garbage in: a DatasetError or a report ----

const VALID_VOC = exportVocXml({ imageFile: 'a.jpg', width: 50, height: 40, objects: [
  { className: 'cat', box: [1, 2, 30, 20], difficult: false, truncated: true }] });
const VALID_COCO = JSON.stringify({ images: [{ id: 1, file_name: 'a.jpg', width: 50, height: 40 }],
  categories: [{ id: 1, name: 'cat' }], annotations: [{ id: 1, image_id: 1, category_id: 1, bbox: [1, 2, 3, 4] }] });
const VALID_CSV = 'filename,width,height,class,xmin,ymin,xmax,ymax\n"a.jpg",50,40,cat,1,2,30,20\r\nb.jpg,50,40,dog,5,5,9,9\n';
const VALID_YOLO = '0 0.5 0.5 0.2 0.2\n1 0.1 0.2 0.3 0.4 0.5 0.6\n';
const VALID_YAML = 'nc: 2\nnames:\n  - cat\n  - "dog"\n';

/** Random edits biased towards the characters that carry structure in these formats. */
function mutated(valid: string): fc.Arbitrary<string> {
  const piece = fc.oneof(
    fc.constantFrom('<', '>', '/', '"', "'", '&', ';', '=', '[', ']', '!', '?', '-', ',', '\n', '\r', ' ', '.', 'e',
      '0', '1', '9', '{', '}', ':', '#', '<!--', ']]>', '<![CDATA[', '&#x', '\u0000', '\ufeff'),
    fc.string({ maxLength: 4 }),
  );
  const edit = fc.tuple(fc.nat(), fc.nat({ max: 4 }), fc.array(piece, { maxLength: 3 }));
  return fc.array(edit, { minLength: 1, maxLength: 6 }).map((edits) => {
    let s = valid;
    for (const [at, del, ins] of edits) {
      const i = at % (s.length + 1);
      s = s.slice(0, i) + ins.join('') + s.slice(i + del);
    }
    return s;
  });
}

const garbage = (valid: string) => fc.oneof(mutated(valid), fc.string({ unit: 'binary', maxLength: 200 }));

function checkResult(result: ParseResult | undefined): void {
  if (result === undefined) return;
  expect(Array.isArray(result.records) && Array.isArray(result.issues)).toBe(true);
  expectUsableBoxes(result.records);
}

describe('on garbage, every parser returns a report or throws a DatasetError', () => {
  const image = { imageFile: 'a.jpg', width: 50, height: 40 };
  it.each([
    ['VOC XML', VALID_VOC, (t: string) => parseVocXml(t, 'a.xml')],
    ['COCO JSON', VALID_COCO, (t: string) => parseCocoJson(t, 'c.json')],
    ['CSV', VALID_CSV, (t: string) => parseLabelsCsv(t, 'l.csv')],
    ['YOLO labels', VALID_YOLO, (t: string) => parseYoloTxt(t, 'a.txt', image, ['cat', 'dog'])],
    ['YOLO class list', VALID_YAML, (t: string) => ({ records: [], issues: parseYoloClassList(t, 'data.yaml').issues })],
  ])('%s', (_name, valid, parse) => {
    fc.assert(fc.property(garbage(valid), (text) => checkResult(survives(() => parse(text)))), { numRuns: RUNS });
  });

  it('assembleDataset, with garbage in every kind of file', () => {
    const files = fc.tuple(garbage(VALID_VOC), garbage(VALID_COCO), garbage(VALID_CSV), garbage(VALID_YOLO),
      garbage(VALID_YAML), fc.constantFrom('voc', 'coco', 'csv', 'yolo'));
    fc.assert(
      fc.property(files, ([xml, json, csv, yolo, yaml, only]) => {
        const all: Record<string, DatasetFile[]> = {
          voc: [{ path: 'a.xml', text: xml, isImage: false }],
          coco: [{ path: 'c.json', text: json, isImage: false }],
          csv: [{ path: 'l.csv', text: csv, isImage: false }],
          yolo: [{ path: 'labels/a.txt', text: yolo, isImage: false }, { path: 'data.yaml', text: yaml, isImage: false }],
        };
        const images: DatasetFile[] = [{ path: 'images/a.jpg', isImage: true, width: 50, height: 40 }];
        const result = survives(() => assembleDataset([...all[only], ...images]));
        if (result) expectUsableBoxes(result.dataset.records);
      }),
      { numRuns: RUNS },
    );
  });

  it.each([
    ['deep XML nesting', () => parseVocXml('<annotation>' + '<a>'.repeat(200_000), 'a.xml')],
    ['many attributes', () => parseVocXml(`<annotation ${'x="1" '.repeat(100_000)}>`, 'a.xml')],
    ['unclosed comments', () => parseVocXml('<annotation>' + '<!--'.repeat(50_000), 'a.xml')],
    ['a huge quoted CSV field', () => parseLabelsCsv('"'.repeat(200_001), 'l.csv')],
    ['a CSV of empty rows', () => parseLabelsCsv(',\n'.repeat(200_000), 'l.csv')],
    ['a YOLO polygon of 100k points', () => parseYoloTxt(`0${' 0.5'.repeat(200_001)}`, 'a.txt', { imageFile: 'a', width: 9, height: 9 }, ['c'])],
    ['a long YAML flow list', () => parseYoloClassList(`names: [${'a, '.repeat(100_000)}b]`, 'data.yaml')],
  ])('does not hang on %s', (_name, run) => {
    const t0 = performance.now();
    survives<unknown>(run);
    expect(performance.now() - t0).toBeLessThan(5000);
  });
});

// ---- 2. accounting: every input box is kept or rejected ----

/** A coordinate as written in a file: usually a number, sometimes not. */
const coordText = (lo: number, hi: number) => fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: lo, max: hi }).map(String) },
  { weight: 2, arbitrary: fc.double({ min: lo, max: hi, noNaN: true }).map(String) },
  { weight: 1, arbitrary: fc.constantFrom('', 'x', 'NaN', '1e999', '12px', ' 7 ') },
);

describe('nothing is dropped silently: input boxes = kept + rejected', () => {
  it('VOC XML', () => {
    const object = fc.record({ name: fc.constantFrom('cat', 'dog', ''), c: fc.array(coordText(-20, 80), { minLength: 4, maxLength: 4 }),
      difficult: fc.constantFrom('0', '1', 'x') });
    fc.assert(
      fc.property(fc.array(object, { maxLength: 8 }), fc.constantFrom('<size><width>50</width><height>40</height></size>', ''),
        (objects, size) => {
          const xml = `<annotation><filename>a.jpg</filename>${size}${objects.map((o) => `<object><name>${o.name}</name>` +
            `<difficult>${o.difficult}</difficult><bndbox><xmin>${o.c[0]}</xmin><ymin>${o.c[1]}</ymin>` +
            `<xmax>${o.c[2]}</xmax><ymax>${o.c[3]}</ymax></bndbox></object>`).join('')}</annotation>`;
          const { records, issues } = parseVocXml(xml, 'a.xml');
          expect(keptBoxes(records) + rejectedBoxes(issues)).toBe(objects.length);
          expectUsableBoxes(records);
        }),
      { numRuns: RUNS },
    );
  });

  it('CSV', () => {
    const row = fc.tuple(fc.constantFrom('a.jpg', 'b.jpg', '"c,d.jpg"'), fc.constantFrom('50', '0', ''), fc.constantFrom('40', ''),
      fc.constantFrom('cat', 'dog', ''), fc.array(coordText(-20, 80), { minLength: 4, maxLength: 4 }));
    fc.assert(
      fc.property(fc.array(row, { maxLength: 12 }), (rows) => {
        const text = ['filename,width,height,class,xmin,ymin,xmax,ymax',
          ...rows.map(([f, w, h, c, box]) => [f, w, h, c, ...box].join(','))].join('\r\n');
        const { records, issues } = parseLabelsCsv(text, 'l.csv');
        const boxes = rows.filter(([, , , c, box]) => c !== '' || box.some((v) => v !== '')).length;
        expect(keptBoxes(records) + rejectedBoxes(issues)).toBe(boxes);
        expectUsableBoxes(records);
      }),
      { numRuns: RUNS },
    );
  });

  it('YOLO labels', () => {
    const line = fc.tuple(fc.constantFrom('0', '1', '2', '-1', 'x', '1.5'),
      fc.array(fc.oneof(fc.double({ min: -0.6, max: 1.6, noNaN: true }).map(String), fc.constantFrom('x', '')), { minLength: 3, maxLength: 7 }));
    fc.assert(
      fc.property(fc.array(line, { maxLength: 10 }), fc.constantFrom(0, 64), (lines, size) => {
        const text = lines.map(([c, v]) => [c, ...v].join(' ')).join('\n');
        const nonBlank = text.split('\n').filter((l) => l.trim() !== '').length;
        const { records, issues } = parseYoloTxt(text, 'a.txt', { imageFile: 'a.jpg', width: size, height: size }, ['cat', 'dog']);
        expect(keptBoxes(records) + rejectedBoxes(issues)).toBe(nonBlank);
        expectUsableBoxes(records);
      }),
      { numRuns: RUNS },
    );
  });

  it('COCO JSON', () => {
    const ann = fc.record({ image_id: fc.constantFrom(1, 2, 3), category_id: fc.constantFrom(1, 2, 9),
      bbox: fc.oneof(fc.array(fc.double({ min: -20, max: 80, noNaN: true }), { minLength: 4, maxLength: 4 }),
        fc.constant('x'), fc.constant([1, 2, 3])), iscrowd: fc.constantFrom(0, 1) });
    fc.assert(
      fc.property(fc.array(ann, { maxLength: 10 }), (annotations) => {
        const text = JSON.stringify({ images: [{ id: 1, file_name: 'a.jpg', width: 50, height: 40 }, { id: 2, file_name: 'b.jpg' }],
          categories: [{ id: 1, name: 'cat' }, { id: 2, name: 'dog' }], annotations });
        const { records, issues } = parseCocoJson(text, 'c.json');
        expect(keptBoxes(records) + rejectedBoxes(issues)).toBe(annotations.length);
        expectUsableBoxes(records);
      }),
      { numRuns: RUNS },
    );
  });

  it('assembleDataset, with missing images, duplicate annotation files and a split', () => {
    const ann = fc.record({ stem: fc.constantFrom('a', 'b', 'c', 'd'), dir: fc.constantFrom('ann', 'ann2'),
      boxes: fc.array(fc.tuple(fc.integer({ min: -5, max: 60 }), fc.integer({ min: -5, max: 60 }), fc.integer({ min: 1, max: 30 })), { maxLength: 4 }) });
    fc.assert(
      fc.property(fc.uniqueArray(ann, { maxLength: 6, selector: (a) => `${a.dir}/${a.stem}` }),
        fc.subarray(['a', 'b', 'c']), (anns, present) => {
          const files: DatasetFile[] = anns.map((a) => ({ path: `${a.dir}/${a.stem}.xml`, isImage: false, text: exportVocXml({
            imageFile: `${a.stem}.jpg`, width: 50, height: 40,
            objects: a.boxes.map(([x, y, s], i) => ({ className: 'cat', box: [x, y, x + s, y + s + i], difficult: false })) }) }));
          files.push(...present.map((s) => ({ path: `img/${s}.jpg`, isImage: true, width: 50, height: 40 })));
          const result = survives(() => assembleDataset(files));
          if (result === undefined) return;
          const input = anns.reduce((s, a) => s + a.boxes.length, 0);
          expect(result.report.objects + result.report.rejectedObjects).toBe(input);
          expectUsableBoxes(result.dataset.records);
        }),
      { numRuns: RUNS },
    );
  });
});
