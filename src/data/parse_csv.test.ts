import { describe, expect, it } from 'vitest';
import { readCsvRows } from './csv_reader';
import { parseLabelsCsv } from './parse_csv';
import { DatasetError, type DatasetIssue } from './report';

const kinds = (issues: DatasetIssue[]) => issues.map((i) => `${i.severity}:${i.kind}`);
const HEADER = 'filename,width,height,class,xmin,ymin,xmax,ymax';

describe('readCsvRows', () => {
  it('reads quoted fields, "" escapes, newlines in quotes, CRLF, CR and LF mixed and a BOM, with row start lines', () => {
    const rows = readCsvRows('\ufeffa,"b,c","say ""hi"""\r\n"multi\r\nline",x\r"last"\n\nz', 'f.csv');
    expect(rows).toEqual([
      { fields: ['a', 'b,c', 'say "hi"'], line: 1 },
      { fields: ['multi\r\nline', 'x'], line: 2 }, // a quoted field keeps its line end as written
      { fields: ['last'], line: 4 },
      { fields: ['z'], line: 6 },
    ]);
  });

  it('keeps a lone CR inside quotes, ends a row at a CR outside them, and reads a quote inside a field as literal', () => {
    expect(readCsvRows('"a\rb",x\ry"z\r2', 'f.csv').map((r) => r.fields)).toEqual([['a\rb', 'x'], ['y"z'], ['2']]);
    expect(readCsvRows('a;"b\r"\r1;2', 'f.csv').map((r) => r.fields)).toEqual([['a', 'b\r'], ['1', '2']]);
  });

  it('skips blank lines, detects ; and tab delimiters, and throws on an unterminated quote', () => {
    expect(readCsvRows('a;b\n\n1;2\n', 'f.csv').map((r) => r.fields)).toEqual([['a', 'b'], ['1', '2']]);
    expect(readCsvRows('a\tb\n1\t2', 'f.csv').map((r) => r.fields)).toEqual([['a', 'b'], ['1', '2']]);
    expect(() => readCsvRows('a,b\n"open,1\n2,3', 'f.csv')).toThrow(/f\.csv:2: a quoted field is never closed/);
  });
});

describe('parseLabelsCsv', () => {
  it('groups rows by image in first-appearance order, reading VOC 1-based corners by default', () => {
    const text = `${HEADER}\nb.jpg,100,50,cat,1,1,10,10\na.jpg,20,20,dog,2,3,4,5\nb.jpg,100,50,dog,11,11,20,20\n`;
    const { records, issues } = parseLabelsCsv(text, 'l.csv');
    expect(records.map((r) => [r.imageFile, r.width, r.height, r.objects.map((o) => o.box)])).toEqual([
      ['b.jpg', 100, 50, [[0, 0, 10, 10], [10, 10, 20, 20]]],
      ['a.jpg', 20, 20, [[1, 2, 4, 5]]],
    ]);
    expect(issues).toEqual([]);
    expect(parseLabelsCsv(text, 'l.csv', { coordinates: 'pixels' }).records[0].objects[0].box).toEqual([1, 1, 10, 10]);
  });

  it('finds columns by name in any order (aliases, case) and without a header in the default order', () => {
    const named = parseLabelsCsv('Label,XMIN,ymin,xmax,ymax,image,difficult\ncat,1,1,5,5,"a b.jpg",1\n', 'l.csv');
    expect(named.records[0]).toMatchObject({ imageFile: 'a b.jpg', width: 0, height: 0 });
    expect(named.records[0].objects[0]).toEqual({ className: 'cat', box: [0, 0, 5, 5], difficult: true });
    expect(kinds(named.issues)).toEqual(['repaired:size-from-image']);
    const bare = parseLabelsCsv('a.jpg,10,10,cat,1,1,5,5\r\n', 'l.csv');
    expect(bare.records[0].objects[0].box).toEqual([0, 0, 5, 5]);
  });

  it('rejects rows with too few fields, no filename, no class, non-numeric or bad boxes; rejects duplicate rows', () => {
    const text = [HEADER, 'a.jpg,100,50,cat,1,1,10', ',100,50,cat,1,1,10,10', 'a.jpg,100,50,,1,1,10,10',
      'a.jpg,100,50,cat,one,1,10,10', 'a.jpg,100,50,cat,20,1,10,10', 'a.jpg,100,50,cat,1,1,10,10',
      'a.jpg,100,50,cat,1,1,10,10', 'a.jpg,100,50,cat,1,1,300,10'].join('\n');
    const { records, issues } = parseLabelsCsv(text, 'l.csv');
    expect(records[0].objects.map((o) => o.box)).toEqual([[0, 0, 10, 10], [0, 0, 100, 10]]);
    expect(kinds(issues)).toEqual(['rejected:malformed-line', 'rejected:malformed-line', 'rejected:missing-field',
      'rejected:non-numeric', 'rejected:empty-box', 'rejected:duplicate', 'repaired:box-clipped']);
    expect(issues.map((i) => i.line)).toEqual([2, 3, 4, 5, 6, 8, 9]);
    expect(issues[5].message).toMatch(/line 7/);
  });

  it('keeps an image listed without boxes, and warns when rows of one image disagree on its size', () => {
    const text = `${HEADER}\nneg.jpg,10,10,,,,,\na.jpg,10,10,cat,1,1,5,5\na.jpg,20,10,cat,2,2,5,5\n`;
    const { records, issues } = parseLabelsCsv(text, 'l.csv');
    expect(records[0]).toEqual({ imageFile: 'neg.jpg', width: 10, height: 10, objects: [] });
    expect(kinds(issues)).toEqual(['warning:inconsistent-size', 'warning:no-objects']);
  });

  it.each([
    ['', /empty CSV/],
    ['filename,class,xmin\na.jpg,cat,1', /lacks column\(s\) ymin, xmax, ymax/],
    ['id,score\n1,2', /no header row/],
    ['"a,b', /never closed/],
  ])('throws a DatasetError for %j', (text, message) => {
    expect(() => parseLabelsCsv(text, 'l.csv')).toThrow(DatasetError);
    expect(() => parseLabelsCsv(text, 'l.csv')).toThrow(message);
  });
});
