import { describe, expect, it } from 'vitest';
import type { DuplicateChoice } from '../../data/duplicates';
import type { AnnotatedImage } from './annotation_set';
import { placeImported } from './duplicate_import';

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
  it.each<[DuplicateChoice, string[], number[], string[]]>([
    ['skip', ['a.jpg', 'b.jpg', 'c.jpg'], [1, 0, 0], ['img1', 'img2', 'img4']],
    ['replace', ['a.jpg', 'b.jpg', 'c.jpg'], [2, 0, 0], ['img2', 'img3', 'img4']],
    ['keep', ['a.jpg', 'b.jpg', 'a (2).jpg', 'c.jpg'], [1, 0, 2, 0], ['img1', 'img2', 'img3', 'img4']],
  ])('%s', async (choice, names, boxes, blobIds) => {
    const { blobs, existing, incoming } = setUp();
    const asked: string[][] = [];
    const placed = await placeImported(existing, incoming, blobs, async (n) => {
      asked.push([...n]);
      return choice;
    });
    expect(asked).toEqual([['a.jpg']]);
    expect(placed.images.map((i) => i.name)).toEqual(names);
    expect(placed.images.map((i) => i.boxes.length)).toEqual(boxes);
    expect([...blobs.keys()].sort()).toEqual(blobIds);
    expect(placed.choice).toBe(choice);
  });

  it('does not ask when nothing is a duplicate', async () => {
    const { blobs, existing } = setUp();
    const placed = await placeImported(existing, [image('img4', 'c.jpg')], blobs, () => Promise.reject(new Error('asked')));
    expect(placed.choice).toBeNull();
    expect(placed.images.map((i) => i.id)).toEqual(['img1', 'img2', 'img4']);
  });
});
