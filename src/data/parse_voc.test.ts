import { describe, expect, it } from 'vitest';
import { parseVocXml } from './parse_voc';
import { DatasetError, type DatasetIssue } from './report';

interface Obj {
  name?: string;
  box?: (string | number)[];
  difficult?: string;
  truncated?: string;
  extra?: string;
}

function voc(objects: Obj[], size = '<size><width>100</width><height>50</height><depth>3</depth></size>'): string {
  const objs = objects.map((o) => {
    const box = o.box === undefined ? '' : `<bndbox><xmin>${o.box[0]}</xmin><ymin>${o.box[1]}</ymin>` +
      `<xmax>${o.box[2]}</xmax><ymax>${o.box[3]}</ymax></bndbox>`;
    return `<object>${o.name === undefined ? '' : `<name>${o.name}</name>`}` +
      `${o.truncated === undefined ? '' : `<truncated>${o.truncated}</truncated>`}` +
      `${o.difficult === undefined ? '' : `<difficult>${o.difficult}</difficult>`}${o.extra ?? ''}${box}</object>`;
  });
  return `<annotation><filename>img.jpg</filename>${size}\n${objs.join('\n')}\n</annotation>`;
}

const kinds = (issues: DatasetIssue[]) => issues.map((i) => `${i.severity}:${i.kind}`);

describe('parseVocXml', () => {
  it('converts 1-based inclusive corners to continuous [xmin-1, ymin-1, xmax, ymax]', () => {
    const { records, issues } = parseVocXml(voc([{ name: 'cat', box: [1, 1, 100, 50] }]), 'a.xml');
    expect(records).toEqual([
      { imageFile: 'img.jpg', width: 100, height: 50, objects: [{ className: 'cat', box: [0, 0, 100, 50], difficult: false }] },
    ]);
    expect(issues).toEqual([]);
  });

  it('reads difficult and truncated flags (0/1, true/false) and warns on others', () => {
    const { records, issues } = parseVocXml(voc([
      { name: 'a', box: [1, 1, 10, 10], difficult: '1', truncated: '0' },
      { name: 'b', box: [2, 2, 10, 10], difficult: 'True', truncated: 'false' },
      { name: 'c', box: [3, 3, 10, 10], difficult: 'maybe' },
    ]), 'a.xml');
    expect(records[0].objects.map((o) => [o.difficult, o.truncated])).toEqual([[true, false], [true, false], [false, undefined]]);
    expect(kinds(issues)).toEqual(['warning:bad-flag']);
    expect(issues[0]).toMatchObject({ file: 'a.xml', line: 4, element: 'object[3]' });
  });

  it('marks a missing or zero size to be read from the image, and does not clip until then', () => {
    for (const size of ['', '<size><width>0</width><height>0</height></size>', '<size><width>x</width></size>']) {
      const { records, issues } = parseVocXml(voc([{ name: 'a', box: [1, 1, 900, 900] }], size), 'a.xml');
      expect(records[0]).toMatchObject({ width: 0, height: 0 });
      expect(records[0].objects[0].box).toEqual([0, 0, 900, 900]);
      expect(kinds(issues)).toEqual(['repaired:size-from-image']);
    }
  });

  it('clips a box crossing the border and reports before/after (xmin = 0 from a 0-based tool, xmax > width)', () => {
    const { records, issues } = parseVocXml(voc([{ name: 'a', box: [0, 5, 120, 50] }]), 'a.xml');
    expect(records[0].objects[0].box).toEqual([0, 4, 100, 50]);
    expect(issues).toEqual([expect.objectContaining({ severity: 'repaired', kind: 'box-clipped',
      before: [-1, 4, 120, 50], after: [0, 4, 100, 50], element: 'object[1]', line: 2 })]);
  });

  it('rejects boxes that are empty, wholly outside, non-numeric, or lack a name or bndbox; each counts one box', () => {
    const { records, issues } = parseVocXml(voc([
      { name: 'empty', box: [10, 10, 8, 20] },
      { name: 'outside', box: [150, 10, 160, 20] },
      { name: 'nan', box: ['a', 1, 2, 3] },
      { box: [1, 1, 5, 5] },
      { name: 'nobox' },
      { name: 'ok', box: [1, 1, 5, 5] },
    ]), 'a.xml');
    expect(records[0].objects.map((o) => o.className)).toEqual(['ok']);
    expect(kinds(issues)).toEqual(['rejected:empty-box', 'rejected:outside-image', 'rejected:non-numeric',
      'rejected:missing-field', 'rejected:missing-field']);
    expect(issues.every((i) => i.objects === 1)).toBe(true);
    expect(issues[0].message).toMatch(/x2 <= x1/);
  });

  it('keeps a 1-pixel box (xmin = xmax is one inclusive pixel) with a warning', () => {
    const { records, issues } = parseVocXml(voc([{ name: 'a', box: [5, 5, 5, 5] }]), 'a.xml');
    expect(records[0].objects[0].box).toEqual([4, 4, 5, 5]);
    expect(kinds(issues)).toEqual(['warning:tiny-box']);
  });

  it('rejects an exact duplicate object', () => {
    const { records, issues } = parseVocXml(voc([{ name: 'a', box: [1, 1, 9, 9] }, { name: 'a', box: [1, 1, 9, 9] }]), 'a.xml');
    expect(records[0].objects).toHaveLength(1);
    expect(kinds(issues)).toEqual(['rejected:duplicate']);
    expect(issues[0].message).toMatch(/object\[1\]/);
  });

  it('reads fractional corners exactly, entities and CDATA in names, and ignores <part> boxes', () => {
    const part = '<part><name>head</name><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>2</xmax><ymax>2</ymax></bndbox></part>';
    const { records } = parseVocXml(voc([
      { name: 'R&amp;D', box: ['1.1', '2.5', '10.25', 20], extra: part },
      { name: '<![CDATA[a<b]]>', box: [1, 1, 5, 5] },
    ]), 'a.xml');
    expect(records[0].objects.map((o) => [o.className, o.box])).toEqual([
      ['R&D', [0.1, 1.5, 10.25, 20]],
      ['a<b', [0, 0, 5, 5]],
    ]);
  });

  it('warns about a file without objects and guesses the image name when <filename> is missing', () => {
    const { records, issues } = parseVocXml('<annotation verified="yes"><size><width>4</width><height>4</height></size></annotation>', 'dir/x1.xml');
    expect(records).toEqual([{ imageFile: 'x1.jpg', width: 4, height: 4, objects: [] }]);
    expect(kinds(issues)).toEqual(['warning:missing-field', 'warning:no-objects']);
  });

  it('throws a DatasetError for non-XML and for XML that is not VOC', () => {
    expect(() => parseVocXml('not xml at all', 'a.xml')).toThrow(DatasetError);
    expect(() => parseVocXml('<html><body/></html>', 'a.xml')).toThrow(/starts with <annotation>/);
  });
});
