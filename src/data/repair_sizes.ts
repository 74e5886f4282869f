/**
 * Fill in image sizes the annotations did not give (width or height 0), then clip the boxes of those images,
 * which could not be checked against the border before.
 */
import type { ImageSize } from '../geometry/box';
import { ObjectCollector, issueAt, sizeKnown } from './box_checks';
import type { DetectionRecord } from './record';
import type { DatasetIssue } from './report';

/** The image's own size (decoded, or read from its header), or undefined when it is not available. */
export type SizeOf = (imageFile: string) => ImageSize | undefined;

export interface RepairOptions {
  /** Also compare sizes the annotations did give with the image's own, and warn when they differ. */
  readonly verify?: boolean;
  /** The annotation file of an image, named in the issues (default: the image file itself). */
  readonly annotationFileOf?: (imageFile: string) => string | undefined;
}

export function repairSizes(
  records: readonly DetectionRecord[],
  sizeOf: SizeOf,
  options: RepairOptions = {},
): { records: DetectionRecord[]; issues: DatasetIssue[] } {
  const issues: DatasetIssue[] = [];
  const out = records.map((r) => {
    const at = { file: options.annotationFileOf?.(r.imageFile) ?? r.imageFile, imageFile: r.imageFile };
    const actual = sizeOf(r.imageFile);
    const usable = actual !== undefined && sizeKnown(actual);
    if (sizeKnown(r)) {
      if (options.verify && usable && (actual.width !== r.width || actual.height !== r.height)) {
        const msg = `annotated as ${r.width}x${r.height} but the image is ${actual.width}x${actual.height}; ` +
          'boxes kept in the annotated frame, check the annotation';
        issues.push(issueAt(at, 'warning', 'size-mismatch', msg));
      }
      return r;
    }
    if (!usable) {
      if (r.objects.length > 0 || r.unlabelled !== true) {
        const msg = 'image size still unknown: boxes are not clipped until the image is decoded';
        issues.push(issueAt(at, 'warning', 'size-unknown', msg));
      }
      return r;
    }
    const size = { width: actual.width, height: actual.height };
    issues.push(issueAt(at, 'repaired', 'size-from-image', `size read from the image: ${size.width}x${size.height}`));
    const collector = new ObjectCollector(size, issues);
    r.objects.forEach((o, i) => collector.add(o, { ...at, element: `object[${i + 1}]` }));
    return { ...r, ...size, objects: collector.objects };
  });
  return { records: out, issues };
}
