/**
 * What a dataset import read, repaired, rejected and warned about. Every parser returns its records plus a list of
 * `DatasetIssue`s; `buildReport` folds them into one `DatasetReport` for the page and the headless commands.
 *
 * Accounting rule (tested): every input box ends up either as an object in the records or in a rejected issue;
 * `objects` on an issue says how many input boxes it accounts for (1 for a rejected box, N for a rejected image).
 */
import type { Box } from '../geometry/box';
import { pluralize } from './plural';
import type { DetectionRecord } from './record';

/** Unusable input (not XML, no annotations, missing CSV columns...): the message says what to fix. */
export class DatasetError extends Error {
  override readonly name = 'DatasetError';
  /** The message without the "file:line: " in front (for a report row that names the file already). */
  readonly reason: string;
  constructor(
    message: string,
    /** The file at fault, when there is one. */
    readonly file?: string,
    /** 1-based line in that file, when known. */
    readonly line?: number,
    /** Every file's issue behind a dataset that could not be read at all (each bad file, not only the first). */
    readonly issues: readonly DatasetIssue[] = [],
  ) {
    super(file === undefined ? message : `${file}${line === undefined ? '' : `:${line}`}: ${message}`);
    this.reason = message;
  }
}

export type IssueSeverity = 'repaired' | 'rejected' | 'warning';

export type IssueKind =
  // repaired
  | 'size-from-image' // width/height 0 or missing: to be (or was) read from the image itself
  | 'box-clipped' // box crossed the image border; before/after given
  | 'polygon-to-box' // YOLO segmentation line: its bounding box was used
  | 'image-matched-by-stem' // annotation's file name did not exist; the image with the same stem was used
  | 'exif-rotated' // annotated on a photo's unrotated pixels (EXIF 5..8): boxes turned into the upright frame
  // rejected
  | 'empty-box' // x2 <= x1 or y2 <= y1 (after clipping)
  | 'outside-image' // box wholly outside the image
  | 'non-numeric' // coordinate (or size) is not a finite number
  | 'missing-field' // no class name, no bndbox, wrong bbox length...
  | 'unknown-class' // class id/name not in the class list
  | 'unknown-image' // COCO annotation whose image_id is not in 'images'
  | 'missing-image' // annotation for an image that is not in the dataset
  | 'size-unknown' // relative (YOLO) boxes without an image size (rejected); any size still 0 (warning)
  | 'duplicate' // same class and box twice in one image, or two annotation files for one image
  | 'malformed-line' // CSV row / YOLO line that cannot be read
  | 'bad-file' // one annotation file that could not be parsed at all
  | 'bad-image' // an image file that cannot be decoded (corrupt, truncated, not an image, too large)
  // warnings
  | 'unlabelled-image' // image with no annotation file: kept, objects unknown
  | 'duplicate-image' // the same bytes as an image already in the set: skipped, replaced or added again, as the user chose
  | 'no-objects' // annotation file with zero objects: kept as a background-only image
  | 'crowd-as-difficult' // COCO iscrowd=1 kept as difficult
  | 'tiny-box' // box under 2 px wide or high: kept, but probably a mis-click
  | 'bad-flag' // difficult/truncated neither 0 nor 1
  | 'size-mismatch' // annotated size differs from the image's own size
  | 'inconsistent-size' // CSV rows of one image disagree on width/height
  | 'ignored-file' // annotation-looking file not used (another format was chosen)
  | 'split-unknown-id' // split lists an image that is not in the dataset
  | 'sources-disagree' // a labels CSV used as split disagrees with the annotation files
  | 'no-images' // no image files given: image files could not be checked
  | 'exif-orientation'; // EXIF-flipped or 180°-turned photo: boxes read in the upright frame

export interface DatasetIssue {
  readonly severity: IssueSeverity;
  readonly kind: IssueKind;
  /** One sentence for the user. */
  readonly message: string;
  /** The file at fault (annotation file, or the image for image-level issues). */
  readonly file: string;
  /** 1-based line, when the format has lines (CSV, YOLO, XML). */
  readonly line?: number;
  /** The text of that line (trimmed, shortened), when the reader had the file's text: what the user looks for. */
  readonly source?: string;
  /** Where inside the file: "object[3]", "annotations[12] (id 57)", "row 4". */
  readonly element?: string;
  /** The image the issue is about, when known (used to restrict a report to a split). */
  readonly imageFile?: string;
  /** Input boxes this entry accounts for (rejected entries only). */
  readonly objects?: number;
  /** Box before and after a repair (continuous coordinates). */
  readonly before?: Box;
  readonly after?: Box;
}

export interface DatasetReport {
  /** Images in the records, with and without annotation files. */
  readonly images: number;
  readonly unlabelledImages: number;
  readonly objects: number;
  readonly difficultObjects: number;
  readonly objectsPerClass: Readonly<Record<string, number>>;
  /** Input boxes that did not make it into the records (sum of `objects` over `rejected`). */
  readonly rejectedObjects: number;
  readonly repaired: readonly DatasetIssue[];
  readonly rejected: readonly DatasetIssue[];
  readonly warnings: readonly DatasetIssue[];
}

/** Records + issues -> report. Counts come from the records, so they describe what consumers will actually see. */
export function buildReport(records: readonly DetectionRecord[], issues: readonly DatasetIssue[]): DatasetReport {
  const perClass: Record<string, number> = {};
  let objects = 0;
  let difficult = 0;
  for (const r of records) {
    for (const o of r.objects) {
      perClass[o.className] = (perClass[o.className] ?? 0) + 1;
      objects++;
      if (o.difficult) difficult++;
    }
  }
  const rejected = issues.filter((i) => i.severity === 'rejected');
  return {
    images: records.length,
    unlabelledImages: records.filter((r) => r.unlabelled === true).length,
    objects,
    difficultObjects: difficult,
    objectsPerClass: perClass,
    rejectedObjects: rejected.reduce((s, i) => s + (i.objects ?? 0), 0),
    repaired: issues.filter((i) => i.severity === 'repaired'),
    rejected,
    warnings: issues.filter((i) => i.severity === 'warning'),
  };
}

/** "file:line element: message", the form every entry is printed in. */
export function formatIssue(issue: DatasetIssue): string {
  const at = `${issue.file}${issue.line === undefined ? '' : `:${issue.line}`}`;
  return `${at}${issue.element === undefined ? '' : ` ${issue.element}`}: ${issue.message}`;
}

/** Plain-text summary for the command line; at most `maxPerKind` entries of each kind are listed. */
export function formatReport(report: DatasetReport, maxPerKind = 5): string {
  const classes = Object.entries(report.objectsPerClass)
    .map(([c, n]) => `${c} ${n}`)
    .join(', ');
  const lines = [
    `read ${pluralize(report.images, 'image')} (${report.unlabelledImages} unlabelled), ` +
      `${pluralize(report.objects, 'object')} (${report.difficultObjects} difficult): ${classes || 'no objects'}`,
    `repaired ${report.repaired.length}, rejected ${report.rejected.length} ` +
      `(${pluralize(report.rejectedObjects, 'box', 'boxes')}), warnings ${report.warnings.length}`,
  ];
  for (const [title, list] of [
    ['repaired', report.repaired],
    ['rejected', report.rejected],
    ['warning', report.warnings],
  ] as const) {
    const byKind = new Map<string, DatasetIssue[]>();
    for (const i of list) byKind.set(i.kind, [...(byKind.get(i.kind) ?? []), i]);
    for (const [kind, items] of byKind) {
      lines.push(`  ${title} ${kind} (${items.length}):`);
      for (const i of items.slice(0, maxPerKind)) lines.push(`    ${formatIssue(i)}`);
      if (items.length > maxPerKind) lines.push(`    ... ${items.length - maxPerKind} more`);
    }
  }
  return lines.join('\n');
}

/** What every parser returns: the records it could read, and everything it repaired, rejected or noticed. */
export interface ParseResult {
  readonly records: DetectionRecord[];
  readonly issues: DatasetIssue[];
  /** The class list, when the format carries one (COCO categories, YOLO class file), in id order. */
  readonly classNames?: string[];
}
