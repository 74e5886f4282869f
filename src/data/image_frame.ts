/**
 * What an import learns from the image files themselves, folded into its records and report (pure; the page
 * decodes, src/ui/annotate/dataset_io.ts calls this):
 * - an image that cannot be decoded: its record is taken out and a 'rejected' issue names the file, the reason and
 *   the boxes it had (the report's accounting rule holds: every input box is in the records or in a rejection);
 * - an EXIF-rotated JPEG: the app's frame is the upright one (image_header.ts). Annotations made on the stored,
 *   unrotated pixels (LabelImg does that) give themselves away for orientations 5..8 by their size, which is the
 *   stored one: their boxes are turned into the upright frame and the repair is reported. For 2..4 (and square
 *   photos) the size cannot tell, so the boxes are read as upright and a warning says so.
 */
import type { Box, ImageSize } from '../geometry/box';
import { issueAt } from './box_checks';
import { checkBeforeDecode, classifyDecodeFailure } from './image_checks';
import { readImageHeader } from './image_header';
import type { DetectionRecord } from './record';
import type { DatasetIssue } from './report';

/** What the page found out about one record's image file. */
export type ImageFileCheck =
  | { readonly ok: true; readonly orientation: number; readonly storedSize?: ImageSize }
  | { readonly ok: false; readonly message: string };

const ORIENTATION_NAMES: Record<number, string> = {
  2: 'mirrored left to right', 3: 'turned 180°', 4: 'mirrored top to bottom', 5: 'mirrored and turned 90° anticlockwise',
  6: 'turned 90° clockwise', 7: 'mirrored and turned 90° clockwise', 8: 'turned 90° anticlockwise',
};

/**
 * The check a reader without a decoder can make (the Node commands): the whole file's bytes against its header
 * (not an image, empty, 0 x 0, too large, truncated). A file that passes may still fail to decode in a browser.
 */
export function checkImageBytes(name: string, bytes: Uint8Array): ImageFileCheck {
  const header = readImageHeader(bytes);
  const error = checkBeforeDecode(name, bytes.length, header) ?? (header === null || !header.complete ? classifyDecodeFailure(name, bytes, header) : null);
  if (error) return { ok: false, message: error.message };
  return { ok: true, orientation: header!.orientation, storedSize: header!.storedSize };
}

/** A point of the stored W x H pixels in the upright frame of EXIF `orientation` (1..8). */
export function orientPoint(x: number, y: number, orientation: number, stored: ImageSize): [number, number] {
  const { width: w, height: h } = stored;
  switch (orientation) {
    case 2: return [w - x, y];
    case 3: return [w - x, h - y];
    case 4: return [x, h - y];
    case 5: return [y, x];
    case 6: return [h - y, x];
    case 7: return [h - y, w - x];
    case 8: return [y, w - x];
    default: return [x, y];
  }
}

/** A box of the stored pixels in the upright frame (its corners turned, then ordered again). */
export function orientBox(box: Box, orientation: number, stored: ImageSize): Box {
  const [ax, ay] = orientPoint(box[0], box[1], orientation, stored);
  const [bx, by] = orientPoint(box[2], box[3], orientation, stored);
  return [Math.min(ax, bx), Math.min(ay, by), Math.max(ax, bx), Math.max(ay, by)];
}

export interface CheckedRecords {
  readonly records: DetectionRecord[];
  /** The issues given, without size warnings this pass explained, plus its own. */
  readonly issues: DatasetIssue[];
}

/** Applies the image files' checks (keyed by record.imageFile; records without a check are kept as they are). */
export function applyImageChecks(records: readonly DetectionRecord[], issues: readonly DatasetIssue[], checks: ReadonlyMap<string, ImageFileCheck>): CheckedRecords {
  const kept: DetectionRecord[] = [];
  const added: DatasetIssue[] = [];
  const explained = new Set<string>();
  for (const record of records) {
    const check = checks.get(record.imageFile);
    const at = { file: record.imageFile, imageFile: record.imageFile };
    if (check && !check.ok) {
      const boxes = record.objects.length;
      added.push(issueAt(at, 'rejected', 'bad-image', `${check.message} The image and its ${boxes} box${boxes === 1 ? '' : 'es'} were not imported.`, { objects: boxes }));
      continue;
    }
    if (!check || check.orientation === 1 || !check.storedSize) {
      kept.push(record);
      continue;
    }
    const { orientation, storedSize: stored } = check;
    const how = ORIENTATION_NAMES[orientation];
    const annotatedStored = orientation >= 5 && record.width === stored.width && record.height === stored.height && stored.width !== stored.height;
    if (annotatedStored) {
      const upright = { width: stored.height, height: stored.width };
      kept.push({ ...record, ...upright, objects: record.objects.map((o) => ({ ...o, box: orientBox(o.box, orientation, stored) })) });
      explained.add(record.imageFile);
      added.push(issueAt(at, 'repaired', 'exif-rotated',
        `the photo is shown ${how} (EXIF orientation ${orientation}) but was annotated unrotated (${stored.width}x${stored.height}): its boxes were turned with it (now ${upright.width}x${upright.height})`));
    } else {
      kept.push(record);
      // 2..4 keep the size, and so does any turn of a square photo: the size cannot tell the frames apart
      if (orientation < 5 || stored.width === stored.height) {
        added.push(issueAt(at, 'warning', 'exif-orientation',
          `the photo is shown ${how} (EXIF orientation ${orientation}); its boxes are read in that upright frame, so check them if they were drawn on the unrotated pixels`));
      }
    }
  }
  const rest = issues.filter((i) => !(i.kind === 'size-mismatch' && i.imageFile !== undefined && explained.has(i.imageFile)));
  return { records: kept, issues: [...rest, ...added] };
}
