import { describe, expect, it } from 'vitest';
import type { DetectionRecord } from './record';
import { repairSizes } from './repair_sizes';

const rec = (imageFile: string, width: number, height: number, boxes: [number, number, number, number][]): DetectionRecord =>
  ({ imageFile, width, height, objects: boxes.map((box) => ({ className: 'c', box, difficult: false })) });

describe('repairSizes', () => {
  it('fills a zero size from the image, then clips and rejects against it', () => {
    const sizes = new Map([['a.jpg', { width: 10, height: 10 }]]);
    const { records, issues } = repairSizes([rec('a.jpg', 0, 0, [[1, 1, 5, 5], [5, 5, 20, 8], [12, 0, 15, 5]])],
      (f) => sizes.get(f));
    expect(records[0]).toMatchObject({ width: 10, height: 10 });
    expect(records[0].objects.map((o) => o.box)).toEqual([[1, 1, 5, 5], [5, 5, 10, 8]]);
    expect(issues.map((i) => `${i.severity}:${i.kind}:${i.element ?? ''}`)).toEqual([
      'repaired:size-from-image:', 'repaired:box-clipped:object[2]', 'rejected:outside-image:object[3]']);
  });

  it('leaves known sizes alone, warning on a mismatch only when asked to verify', () => {
    const sizeOf = () => ({ width: 20, height: 10 });
    const r = [rec('a.jpg', 10, 10, [[1, 1, 5, 5]])];
    expect(repairSizes(r, sizeOf).issues).toEqual([]);
    const verified = repairSizes(r, sizeOf, { verify: true });
    expect(verified.records[0]).toBe(r[0]);
    expect(verified.issues.map((i) => i.kind)).toEqual(['size-mismatch']);
  });

  it('warns when a size stays unknown', () => {
    const { records, issues } = repairSizes([rec('a.jpg', 0, 0, [[1, 1, 5, 5]])], () => undefined);
    expect(records[0].width).toBe(0);
    expect(issues.map((i) => `${i.severity}:${i.kind}`)).toEqual(['warning:size-unknown']);
  });
});
