import { describe, expect, it } from 'vitest';
import { DatasetError, buildReport, formatIssue, formatReport, type DatasetIssue } from './report';

const issue = (severity: DatasetIssue['severity'], kind: DatasetIssue['kind'], extra: Partial<DatasetIssue> = {}): DatasetIssue =>
  ({ severity, kind, message: `${kind} happened`, file: 'a.xml', ...extra });

describe('buildReport', () => {
  it('counts from the records and sums the boxes accounted for by rejections', () => {
    const report = buildReport([
      { imageFile: 'a.jpg', width: 1, height: 1, objects: [
        { className: 'cat', box: [0, 0, 1, 1], difficult: true }, { className: 'dog', box: [0, 0, 1, 1], difficult: false }] },
      { imageFile: 'b.jpg', width: 0, height: 0, objects: [], unlabelled: true },
    ], [issue('rejected', 'empty-box', { objects: 1 }), issue('rejected', 'missing-image', { objects: 3 }),
      issue('repaired', 'box-clipped'), issue('warning', 'tiny-box')]);
    expect(report).toMatchObject({ images: 2, unlabelledImages: 1, objects: 2, difficultObjects: 1,
      objectsPerClass: { cat: 1, dog: 1 }, rejectedObjects: 4 });
    expect([report.repaired.length, report.rejected.length, report.warnings.length]).toEqual([1, 2, 1]);
  });
});

describe('formatting', () => {
  it('prints file:line element: message, and a summary grouped by kind', () => {
    expect(formatIssue(issue('warning', 'tiny-box', { line: 3, element: 'object[2]' }))).toBe('a.xml:3 object[2]: tiny-box happened');
    const text = formatReport(buildReport([], Array.from({ length: 4 }, () => issue('rejected', 'duplicate'))), 2);
    expect(text).toContain('read 0 images (0 unlabelled), 0 objects (0 difficult): no objects');
    expect(text).toContain('  rejected duplicate (4):');
    expect(text).toContain('    ... 2 more');
  });

  it('DatasetError carries the file and line in its message', () => {
    const e = new DatasetError('bad', 'x.csv', 4);
    expect(e).toBeInstanceOf(Error);
    expect([e.name, e.message, e.file, e.line]).toEqual(['DatasetError', 'x.csv:4: bad', 'x.csv', 4]);
  });
});
