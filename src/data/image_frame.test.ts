import { describe, expect, it } from 'vitest';
import type { Box } from '../geometry/box';
import { applyImageChecks, orientBox, orientPoint, type ImageFileCheck } from './image_frame';
import type { DetectionRecord } from './record';
import type { DatasetIssue } from './report';

const stored = { width: 200, height: 100 };

describe('orientPoint', () => {
  it('takes the stored top-left corner where each EXIF orientation shows it', () => {
    // the stored (0, 0) pixel ends up at: 1 top-left, 2 top-right, 3 bottom-right, 4 bottom-left, 5 top-left,
    // 6 top-right, 7 bottom-right, 8 bottom-left (upright frame 200x100 for 1..4, 100x200 for 5..8)
    const corners = [1, 2, 3, 4, 5, 6, 7, 8].map((o) => orientPoint(0, 0, o, stored));
    expect(corners).toEqual([[0, 0], [200, 0], [200, 100], [0, 100], [0, 0], [100, 0], [100, 200], [0, 200]]);
  });

  it('keeps every point inside the upright frame and is undone by the inverse orientation', () => {
    const inverse: Record<number, number> = { 1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 6: 8, 7: 7, 8: 6 };
    for (let o = 1; o <= 8; o++) {
      const upright = o >= 5 ? { width: 100, height: 200 } : stored;
      const [x, y] = orientPoint(30, 70, o, stored);
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThanOrEqual(upright.width);
      expect(y).toBeLessThanOrEqual(upright.height);
      expect(orientPoint(x, y, inverse[o], upright)).toEqual([30, 70]);
    }
  });
});

describe('orientBox', () => {
  it('turns a box of the stored pixels 90° clockwise (orientation 6)', () => {
    expect(orientBox([10, 20, 50, 40], 6, stored)).toEqual([60, 10, 80, 50]);
  });
});

describe('applyImageChecks', () => {
  const box: Box = [10, 20, 50, 40];
  const record = (width: number, height: number): DetectionRecord => ({ imageFile: 'a.jpg', width, height, objects: [{ className: 'cat', box, difficult: false }] });
  const mismatch: DatasetIssue = { severity: 'warning', kind: 'size-mismatch', message: 'annotated as 200x100 but the image is 100x200', file: 'a.xml', imageFile: 'a.jpg' };

  it('rejects an image that does not decode, accounting for its boxes', () => {
    const checks = new Map<string, ImageFileCheck>([['a.jpg', { ok: false, message: '“a.jpg” could not be read as an image: the JPEG file is truncated.' }]]);
    const out = applyImageChecks([record(200, 100)], [], checks);
    expect(out.records).toEqual([]);
    expect(out.issues).toEqual([{
      severity: 'rejected', kind: 'bad-image', file: 'a.jpg', imageFile: 'a.jpg', objects: 1,
      message: '“a.jpg” could not be read as an image: the JPEG file is truncated. The image and its 1 box were not imported.',
    }]);
  });

  it('turns boxes annotated on the unrotated pixels (size = stored size, orientation 6) and drops the size warning', () => {
    const checks = new Map<string, ImageFileCheck>([['a.jpg', { ok: true, orientation: 6, storedSize: stored }]]);
    const out = applyImageChecks([record(200, 100)], [mismatch], checks);
    expect(out.records).toEqual([{ imageFile: 'a.jpg', width: 100, height: 200, objects: [{ className: 'cat', box: [60, 10, 80, 50], difficult: false }] }]);
    expect(out.issues.map((i) => [i.severity, i.kind])).toEqual([['repaired', 'exif-rotated']]);
  });

  it('keeps boxes already in the upright frame (size = upright size) without a word', () => {
    const checks = new Map<string, ImageFileCheck>([['a.jpg', { ok: true, orientation: 6, storedSize: stored }]]);
    const out = applyImageChecks([record(100, 200)], [], checks);
    expect(out.records).toEqual([record(100, 200)]);
    expect(out.issues).toEqual([]);
  });

  it('warns for a square photo turned 90°: its size cannot tell the frames apart either', () => {
    const square = { width: 100, height: 100 };
    const checks = new Map<string, ImageFileCheck>([['a.jpg', { ok: true, orientation: 6, storedSize: square }]]);
    const out = applyImageChecks([record(100, 100)], [], checks);
    expect(out.records).toEqual([record(100, 100)]);
    expect(out.issues.map((i) => [i.severity, i.kind])).toEqual([['warning', 'exif-orientation']]);
  });

  it('warns where the size cannot tell the frames apart (180°)', () => {
    const checks = new Map<string, ImageFileCheck>([['a.jpg', { ok: true, orientation: 3, storedSize: stored }]]);
    const out = applyImageChecks([record(200, 100)], [], checks);
    expect(out.records).toEqual([record(200, 100)]);
    expect(out.issues.map((i) => [i.severity, i.kind])).toEqual([['warning', 'exif-orientation']]);
  });
});
