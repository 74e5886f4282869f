/**
 * When a dataset carries the same boxes twice (raccoon: per-image VOC XML and train/test labels CSVs), the copy
 * used as a split is compared with the annotations actually loaded, image by image, so a stale CSV is noticed.
 */
import { issueAt } from './box_checks';
import { baseName } from './paths';
import type { DetectionObject, DetectionRecord } from './record';
import type { DatasetIssue } from './report';

const key = (o: DetectionObject) => `${o.className} [${o.box.join(', ')}]${o.difficult ? ' difficult' : ''}`;

export function compareSources(
  loaded: readonly DetectionRecord[],
  other: readonly DetectionRecord[],
  otherFile: string,
): DatasetIssue[] {
  const byName = new Map(loaded.map((r) => [baseName(r.imageFile).toLowerCase(), r]));
  const issues: DatasetIssue[] = [];
  for (const o of other) {
    const mine = byName.get(baseName(o.imageFile).toLowerCase());
    if (mine === undefined) continue; // reported by the split resolution
    const a = mine.objects.map(key).sort();
    const b = o.objects.map(key).sort();
    if (a.length === b.length && a.every((k, i) => k === b[i])) continue;
    const onlyHere = b.filter((k) => !a.includes(k));
    const onlyLoaded = a.filter((k) => !b.includes(k));
    const msg = `${otherFile} has ${b.length} box(es) for this image, the annotations ${a.length}` +
      (onlyHere.length > 0 ? `; only in ${otherFile}: ${onlyHere.slice(0, 3).join('; ')}` : '') +
      (onlyLoaded.length > 0 ? `; only in the annotations: ${onlyLoaded.slice(0, 3).join('; ')}` : '') +
      '. The annotations are used';
    issues.push(issueAt({ file: otherFile, imageFile: mine.imageFile }, 'warning', 'sources-disagree', msg));
  }
  return issues;
}
