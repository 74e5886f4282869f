import { describe, expect, it } from 'vitest';
import { assembleDataset, type DatasetFile } from './assemble';
import { pluralize } from './plural';
import { DatasetError } from './report';
import { fileReportRows, formatFileReport, outcomeCounts, withSourceLines } from './report_files';

const voc = (name: string, xmax: string) => `<annotation>
  <filename>${name}.jpg</filename>
  <size><width>100</width><height>80</height></size>
  <object>
    <name>raccoon</name>
    <bndbox>
      <xmin>10</xmin><ymin>10</ymin>
      <xmax>${xmax}</xmax>
      <ymax>50</ymax>
    </bndbox>
  </object>
</annotation>
`;
const image = (name: string): DatasetFile => ({ path: `${name}.jpg`, isImage: true, width: 100, height: 80 });
const xml = (name: string, text: string): DatasetFile => ({ path: `${name}.xml`, isImage: false, text });

function rowsOf(files: DatasetFile[]) {
  const a = assembleDataset(files);
  const texts = new Map(files.map((f) => [f.path, f.text]));
  const issues = withSourceLines([...a.report.repaired, ...a.report.rejected, ...a.report.warnings], (f) => texts.get(f));
  return fileReportRows({ files, records: a.dataset.records, imagePaths: a.imagePaths, annotationFiles: a.annotationFiles, issues });
}

describe('the import report by file', () => {
  const files = [image('a'), xml('a', voc('a', '60')), image('b'), xml('b', voc('b', 'abc')), image('c'),
    xml('c', voc('c', '60').slice(0, 90))];
  const rows = rowsOf(files);
  const byFile = new Map(rows.map((r) => [r.file, r]));

  it('gives every input file one row, in the order given', () => {
    expect(rows.map((r) => r.file)).toEqual(['a.jpg', 'a.xml', 'b.jpg', 'b.xml', 'c.jpg', 'c.xml']);
    expect(outcomeCounts(rows)).toEqual({ read: 3, repaired: 0, warning: 1, rejected: 2 });
  });

  it('a coordinate that is not a number: the file, the line and the field, and the line itself', () => {
    const row = byFile.get('b.xml')!;
    expect(row.outcome).toBe('rejected');
    expect(row.summary).toBe('0 boxes for b.jpg');
    expect(row.issues).toHaveLength(1);
    expect(row.issues[0]).toMatchObject({ kind: 'non-numeric', line: 8, source: '<xmax>abc</xmax>' });
    expect(row.issues[0].message).toContain("<xmax> is 'abc'");
  });

  it('a truncated XML is rejected with its line, and its image says why it came in unlabelled', () => {
    expect(byFile.get('c.xml')).toMatchObject({ outcome: 'rejected', summary: 'not used' });
    expect(byFile.get('c.xml')!.issues[0]).toMatchObject({ kind: 'bad-file' });
    expect(byFile.get('c.xml')!.issues[0].line).toBeGreaterThan(0);
    expect(byFile.get('c.jpg')).toMatchObject({ outcome: 'warning', summary: 'image, unlabelled' });
    expect(byFile.get('c.jpg')!.issues[0].message).toMatch(/its annotation file c\.xml line \d+ was rejected/);
    expect(byFile.get('a.jpg')).toMatchObject({ outcome: 'read', summary: 'image, 1 box', issues: [] });
  });

  it('several bad files when none can be read: the error carries a row for each', () => {
    let error: unknown;
    try {
      assembleDataset([image('a'), xml('a', '<annotation><size>'), image('b'), xml('b', '<annotation><object><name>x</name>')]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DatasetError);
    expect((error as DatasetError).issues.map((i) => [i.file, i.kind])).toEqual([['a.xml', 'bad-file'], ['b.xml', 'bad-file']]);
  });

  it('prints as text with the outcome, the issues and the line at fault', () => {
    const text = formatFileReport(rows, 'Import of 6 files');
    expect(text).toContain('6 files: 3 read, 0 repaired, 2 rejected, 1 warning');
    expect(text).toContain('REJECTED b.xml: 0 boxes for b.jpg');
    expect(text).toContain('        > <xmax>abc</xmax>');
  });
});

describe('pluralize', () => {
  it('one is singular, everything else plural', () => {
    expect([pluralize(1, 'image'), pluralize(0, 'image'), pluralize(2, 'box', 'boxes')]).toEqual(['1 image', '0 images', '2 boxes']);
  });
});

describe('the line at fault in a COCO file', () => {
  const coco = JSON.stringify({
    images: [{ id: 1, file_name: 'a.jpg', width: 100, height: 80 }],
    categories: [{ id: 1, name: 'cat' }],
    annotations: [{ id: 7, image_id: 1, category_id: 1, bbox: [1, 1, 10, 10] }, { id: 57, image_id: 1, category_id: 9, bbox: [1, 1, 10, 10] }],
  }, null, 1);
  const issue = { severity: 'rejected' as const, kind: 'unknown-class' as const, message: 'no category 9', file: 'c.json', element: 'annotations[1] (id 57)' };

  it('is found by the object id in its section, pretty-printed or on one line', () => {
    const [pretty] = withSourceLines([issue], () => coco);
    expect(coco.split('\n')[pretty.line! - 1].trim()).toBe('{');
    expect(coco.split('\n')[pretty.line!].trim()).toBe('"id": 57,');
    const oneLine = JSON.stringify(JSON.parse(coco)) + ' '.repeat(400);
    const [flat] = withSourceLines([issue], () => oneLine);
    expect(flat.line).toBe(1);
    expect(flat.source).toMatch(/^….*\{"id":57,"image_id":1,"category_id":9/);
    expect(withSourceLines([{ ...issue, element: 'annotations[1] (id 99)' }], () => coco)[0].line).toBeUndefined();
  });
});
