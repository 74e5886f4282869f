import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { exportCocoJson, toCoco } from './export_coco';
import { exportVocFiles, exportVocXml, vocPixelBox } from './export_voc';
import { parseCocoJson } from './parse_coco';
import { parseVocXml } from './parse_voc';
import type { DetectionRecord } from './record';
import { datasetArb, recordArb } from './testing/arbitraries';

const BCCD = fileURLToPath(new URL('../../../shared/datasets/bccd/Annotations/', import.meta.url));

describe('VOC export', () => {
  it('writes integer 1-based inclusive corners: [round(x1) + 1, round(y1) + 1, round(x2), round(y2)]', () => {
    const xml = exportVocXml({ imageFile: 'a&b.jpg', width: 10, height: 8, objects: [
      { className: 'cat', box: [0, 0.4, 10, 7.6], difficult: true, truncated: false },
      { className: 'dot', box: [9.8, 3.2, 9.9, 3.3], difficult: false }, // thinner than a pixel, at the border
    ] });
    expect(xml).toContain('<filename>a&amp;b.jpg</filename>');
    expect(xml).toMatch(/<xmin>1<\/xmin>\s*<ymin>1<\/ymin>\s*<xmax>10<\/xmax>\s*<ymax>8<\/ymax>/);
    expect(xml).toMatch(/<xmin>10<\/xmin>\s*<ymin>4<\/ymin>\s*<xmax>10<\/xmax>\s*<ymax>4<\/ymax>/);
    expect(xml).toContain('<difficult>1</difficult>');
    expect(xml).toContain('<truncated>0</truncated>');
    expect(xml).not.toMatch(/<[xy](min|max)>[^<]*\./);
  });

  it('round-trips every BCCD annotation exactly', () => {
    for (const f of readdirSync(BCCD)) {
      const [record] = parseVocXml(readFileSync(BCCD + f, 'utf8'), f).records;
      expect(parseVocXml(exportVocXml(record), f).records[0]).toEqual(record);
    }
  });

  it('parse ∘ export = identity for generated records with integer corners (odd names, unknown sizes)', () => {
    fc.assert(
      fc.property(recordArb(['a', 'b&<c>', ' ]]> x'.trim()], { truncated: true, coordinates: 'integer' }), (record) => {
        const { records, issues } = parseVocXml(exportVocXml(record), 'x.xml');
        expect(records).toEqual([record]);
        expect(issues.filter((i) => i.severity === 'rejected')).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('export ∘ parse ∘ export = export for any corners; each corner moves by at most half a pixel (one if sub-pixel)', () => {
    fc.assert(
      fc.property(recordArb(['a', 'b'], { truncated: true, coordinates: 'any' }), (record) => {
        // two boxes that round to the same pixels come back as one and a rejected duplicate (see the next test)
        const pixels = record.objects.map((o) => `${o.className}|${vocPixelBox(o.box, record.width, record.height).join()}`);
        fc.pre(new Set(pixels).size === pixels.length);
        const first = exportVocXml(record);
        const { records, issues } = parseVocXml(first, 'x.xml');
        expect(issues.filter((i) => i.severity === 'rejected')).toEqual([]);
        expect(exportVocXml(records[0])).toBe(first);
        records[0].objects.forEach((o, i) => {
          const want = record.objects[i];
          expect({ ...o, box: [] }).toEqual({ ...want, box: [] });
          const thin = want.box[2] - want.box[0] < 1 || want.box[3] - want.box[1] < 1;
          o.box.forEach((v, k) => expect(Math.abs(v - want.box[k])).toBeLessThanOrEqual(thin ? 1 : 0.5));
        });
      }),
      { numRuns: 300 },
    );
  });

  it('two boxes that round to the same pixels are one box and a rejected duplicate on import, not a silent loss', () => {
    const xml = exportVocXml({ imageFile: 'a.jpg', width: 10, height: 10, objects: [
      { className: 'a', box: [1, 1, 5, 5], difficult: false }, { className: 'a', box: [1.2, 1, 5, 5.3], difficult: false }] });
    const { records, issues } = parseVocXml(xml, 'a.xml');
    expect(records[0].objects.map((o) => o.box)).toEqual([[1, 1, 5, 5]]);
    expect(issues.map((i) => `${i.severity}:${i.kind}`)).toEqual(['rejected:duplicate']);
  });

  it('writes one Annotations/<stem>.xml per labelled record and refuses colliding stems', () => {
    const r = (imageFile: string, unlabelled?: boolean): DetectionRecord => ({ imageFile, width: 1, height: 1, objects: [],
      ...(unlabelled ? { unlabelled } : {}) });
    const files = exportVocFiles({ classNames: [], records: [r('a.jpg'), r('b.png', true)] });
    expect(files.map((f) => f.path)).toEqual(['Annotations/a.xml']);
    expect(() => exportVocFiles({ classNames: [], records: [r('a.jpg'), r('a.png')] })).toThrow(/rename one/);
  });
});

describe('COCO export', () => {
  it('numbers images and categories from 1 and writes difficult as iscrowd', () => {
    const coco = toCoco({ classNames: ['cat', 'dog'], records: [{ imageFile: 'a.jpg', width: 10, height: 10, objects: [
      { className: 'dog', box: [1, 2, 4, 6], difficult: true },
    ] }] });
    expect(coco.categories.map((c) => [c.id, c.name])).toEqual([[1, 'cat'], [2, 'dog']]);
    expect(coco.annotations).toEqual([{ id: 1, image_id: 1, category_id: 2, bbox: [1, 2, 3, 4], area: 12, iscrowd: 1 }]);
  });

  it('parse ∘ export = identity for generated datasets with integer and 1/64 corners, bit-exact', () => {
    fc.assert(
      fc.property(datasetArb({ truncated: false, coordinates: 'dyadic' }), (dataset) => {
        const { records, classNames, issues } = parseCocoJson(exportCocoJson(dataset), 'c.json');
        expect(classNames).toEqual(dataset.classNames);
        expect(records).toEqual(dataset.records);
        expect(issues.filter((i) => i.severity === 'rejected')).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('for arbitrary doubles, x2 and y2 come back within one ulp (a rounding tie in x + w can make x2 unreachable)', () => {
    fc.assert(
      fc.property(datasetArb({ truncated: false, coordinates: 'any' }), (dataset) => {
        const { records } = parseCocoJson(exportCocoJson(dataset), 'c.json');
        records.forEach((r, i) => r.objects.forEach((o, j) => {
          const want = dataset.records[i].objects[j];
          expect({ ...o, box: [] }).toEqual({ ...want, box: [] });
          o.box.forEach((v, k) => expect(Math.abs(v - want.box[k])).toBeLessThanOrEqual(Number.EPSILON * Math.abs(want.box[k])));
          expect([o.box[0], o.box[1]]).toEqual([want.box[0], want.box[1]]);
        }));
      }),
      { numRuns: 300 },
    );
  });

  it('a known tie: x = 399.679, x2 = 1906.561 has no exact w, and lands one ulp off', () => {
    const dataset = { classNames: ['a'], records: [{ imageFile: 'x', width: 2000, height: 10,
      objects: [{ className: 'a', box: [399.679, 0, 1906.561, 1] as const, difficult: false }] }] };
    const x2 = parseCocoJson(exportCocoJson(dataset), 'c.json').records[0].objects[0].box[2];
    expect(x2).not.toBe(1906.561);
    expect(Math.abs(x2 - 1906.561)).toBeLessThanOrEqual(2 ** -42);
  });
});
