/**
 * The checks every parser applies to every box, so all formats repair and reject the same way:
 * empty (x2 <= x1 or y2 <= y1) -> rejected; wholly outside the image -> rejected; crossing the border -> clipped
 * and reported with before/after; under 2 px -> kept with a warning (PF filters such boxes, reference §4);
 * the same class and box twice in one image -> the second is rejected as a duplicate.
 * When the image size is not known yet (0), only the emptiness check runs; `repairSizes` clips later.
 */
import { clipBox, type Box, type ImageSize } from '../geometry/box';
import type { DetectionObject } from './record';
import type { DatasetIssue, IssueKind, IssueSeverity } from './report';

/** Where an input item came from, copied into every issue about it. */
export interface Where {
  readonly file: string;
  readonly line?: number;
  readonly element?: string;
  readonly imageFile?: string;
}

export function issueAt(
  where: Where,
  severity: IssueSeverity,
  kind: IssueKind,
  message: string,
  extra: Partial<Pick<DatasetIssue, 'objects' | 'before' | 'after'>> = {},
): DatasetIssue {
  const objects = severity === 'rejected' && extra.objects === undefined ? { objects: 1 } : {};
  return { severity, kind, message, ...where, ...objects, ...extra };
}

export const TINY_BOX_PX = 2;

export function sizeKnown(size: ImageSize): boolean {
  return size.width > 0 && size.height > 0;
}

const fmt = (b: Box) => `[${b.join(', ')}]`;

/**
 * Checks one box against the image; returns the (possibly clipped) box or undefined when it was rejected.
 * Pushes the issues it raises onto `issues`.
 */
export function checkBox(box: Box, size: ImageSize, where: Where, issues: DatasetIssue[]): Box | undefined {
  const [x1, y1, x2, y2] = box;
  if (![x1, y1, x2, y2].every(Number.isFinite)) {
    issues.push(issueAt(where, 'rejected', 'non-numeric', `box ${fmt(box)} has a non-finite coordinate`));
    return undefined;
  }
  if (!(x2 > x1 && y2 > y1)) {
    const which = x2 > x1 ? 'y2 <= y1' : 'x2 <= x1';
    issues.push(issueAt(where, 'rejected', 'empty-box', `empty box ${fmt(box)}: ${which}`, { before: box }));
    return undefined;
  }
  let out = box;
  if (sizeKnown(size)) {
    const { width: w, height: h } = size;
    if (x2 <= 0 || y2 <= 0 || x1 >= w || y1 >= h) {
      const msg = `box ${fmt(box)} lies wholly outside the ${w}x${h} image`;
      issues.push(issueAt(where, 'rejected', 'outside-image', msg, { before: box }));
      return undefined;
    }
    out = clipBox(box, size);
    if (out.some((v, i) => v !== box[i])) {
      const msg = `box ${fmt(box)} crossed the border of the ${w}x${h} image; clipped to ${fmt(out)}`;
      issues.push(issueAt(where, 'repaired', 'box-clipped', msg, { before: box, after: out }));
    }
  }
  if (out[2] - out[0] < TINY_BOX_PX || out[3] - out[1] < TINY_BOX_PX) {
    const msg = `box ${fmt(out)} is under ${TINY_BOX_PX} px wide or high; kept, but check it is not a mis-click`;
    issues.push(issueAt(where, 'warning', 'tiny-box', msg));
  }
  return out;
}

/**
 * Collects the objects of one image: runs checkBox, then rejects exact repeats (same class and box), which
 * double-count in training and turn into false positives in evaluation.
 */
export class ObjectCollector {
  readonly objects: DetectionObject[] = [];
  private readonly seen = new Map<string, string>();

  constructor(
    private readonly size: ImageSize,
    private readonly issues: DatasetIssue[],
  ) {}

  add(object: DetectionObject, where: Where): void {
    const box = checkBox(object.box, this.size, where, this.issues);
    if (box === undefined) return;
    const key = `${object.className}\u0000${box.join(',')}`;
    const first = this.seen.get(key);
    if (first !== undefined) {
      const msg = `same class '${object.className}' and box [${box.join(', ')}] as ${first}; the repeat is dropped`;
      this.issues.push(issueAt(where, 'rejected', 'duplicate', msg));
      return;
    }
    this.seen.set(key, describe(where));
    this.objects.push(box === object.box ? object : { ...object, box });
  }
}

function describe(where: Where): string {
  const parts = [where.element, where.line === undefined ? undefined : `line ${where.line}`].filter(Boolean);
  return parts.length > 0 ? parts.join(', ') : 'an earlier entry';
}
