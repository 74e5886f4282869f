import { describe, expect, it } from 'vitest';
import type { DuplicateChoice } from '../../data/duplicates';
import type { FileReportRow } from '../../data/report_files';
import type { AnnotatedImage } from './annotation_set';
import { markDuplicateRows, placeImported, withoutDuplicateFiles } from './duplicate_import';

const image = (id: string, name: string, boxes = 0): AnnotatedImage => ({ id, name, width: 10, height: 10, split: 'train',
  boxes: Array.from({ length: boxes }, (_, i) => ({ id: `b${i + 1}`, classId: 1, box: [0, 0, 5, 5] as const })) });

function setUp() {
  const blobs = new Map<string, Blob>([
    ['img1', new Blob(['AAA'])], ['img2', new Blob(['BBB'])],
    ['img3', new Blob(['AAA'])], ['img4', new Blob(['CCC'])], // img3: the same bytes as img1
  ]);
  const existing = [image('img1', 'a.jpg', 1), image('img2', 'b.jpg')];
  const incoming = [image('img3', 'a.jpg', 2), image('img4', 'c.jpg')];
  return { blobs, existing, incoming };
}

describe('placeImported', () => {
  it.each<[DuplicateChoice, string[], number[], string[], string]>([
    ['skip', ['a.jpg', 'b.jpg', 'c.jpg'], [1, 0, 0], ['img1', 'img2', 'img4'], 'skipped'],
    ['replace', ['a.jpg', 'b.jpg', 'c.jpg'], [2, 0, 0], ['img2', 'img3', 'img4'], 'replaced'],
    ['keep', ['a.jpg', 'b.jpg', 'a (2).jpg', 'c.jpg'], [1, 0, 2, 0], ['img1', 'img2', 'img3', 'img4'], 'copy'],
  ])('%s', async (choice, names, boxes, blobIds, outcome) => {
    const { blobs, existing, incoming } = setUp();
    const asked: unknown[] = [];
    const placed = await placeImported(existing, incoming, blobs, async (n, options) => {
      asked.push([[...n], options]);
      return choice;
    });
    expect(asked).toEqual([[['a.jpg'], { replace: true }]]);
    expect(placed.images.map((i) => i.name)).toEqual(names);
    expect(placed.images.map((i) => i.boxes.length)).toEqual(boxes);
    expect([...blobs.keys()].sort()).toEqual(blobIds);
    expect(placed.choice).toBe(choice);
    expect(placed.duplicates).toEqual([{ id: 'img3', name: 'a.jpg', existingName: 'a.jpg', outcome,
      ...(choice === 'keep' ? { newName: 'a (2).jpg' } : {}) }]);
  });

  it('does not ask when nothing is a duplicate', async () => {
    const { blobs, existing } = setUp();
    const placed = await placeImported(existing, [image('img4', 'c.jpg')], blobs, () => Promise.reject(new Error('asked')));
    expect(placed.choice).toBeNull();
    expect(placed.images.map((i) => i.id)).toEqual(['img1', 'img2', 'img4']);
  });
});

describe('withoutDuplicateFiles (plain images)', () => {
  it('offers skip or keep both, and skip leaves the copies out', async () => {
    const { blobs, existing } = setUp();
    const files = [new File(['AAA'], 'copy.jpg'), new File(['DDD'], 'new.jpg')];
    const asked: unknown[] = [];
    const result = await withoutDuplicateFiles(existing, blobs, files, async (n, options) => {
      asked.push([[...n], options]);
      return 'skip';
    });
    expect(asked).toEqual([[['copy.jpg'], { replace: false }]]);
    expect(result.files.map((f) => f.name)).toEqual(['new.jpg']);
    expect(result.duplicates).toEqual([{ id: '0', name: 'copy.jpg', existingName: 'a.jpg', outcome: 'skipped' }]);
  });
});

describe('markDuplicateRows', () => {
  it("marks a duplicate's row with what became of it, and adds a row for one without", () => {
    const rows: FileReportRow[] = [{ file: 'set/a.jpg', outcome: 'read', summary: 'image', issues: [] }];
    const marked = markDuplicateRows(rows, [
      { id: 'x', name: 'a.jpg', existingName: 'a.jpg', outcome: 'skipped' },
      { id: 'y', name: 'b.jpg', existingName: 'old.jpg', outcome: 'copy', newName: 'b (2).jpg' },
    ], (d) => `set/${d.name}`);
    expect(marked.map((r) => [r.file, r.outcome, r.summary, r.issues.map((i) => i.message)])).toEqual([
      ['set/a.jpg', 'warning', 'not imported: already in the set', ["the same bytes as 'a.jpg', already in the set: not added (you chose Skip)"]],
      ['set/b.jpg', 'warning', 'image', ["the same bytes as 'old.jpg', already in the set: added again as 'b (2).jpg' (you chose Keep both)"]],
    ]);
  });
});
