/**
 * One YOLO label file (labels/<stem>.txt) -> one DetectionRecord.
 *
 * Each line is `class cx cy w h`, all four relative to the image size (0..1), centre plus size; so
 *   [x1, y1, x2, y2] = [(cx - w/2)·W, (cy - h/2)·H, (cx + w/2)·W, (cy + h/2)·H].
 * Ultralytics segmentation lines (`class x1 y1 x2 y2 ... xn yn`, n >= 3) are read as their polygon's bounding box.
 * The format has no image size, so the caller must give it (assembly reads it from the image); without it the
 * boxes cannot be placed and every line is rejected. An empty file is a valid background-only image.
 */
import type { Box, ImageSize } from '../geometry/box';
import { ObjectCollector, issueAt, sizeKnown, type Where } from './box_checks';
import { parseStrictNumber } from './decimal';
import type { DatasetIssue, ParseResult } from './report';

export interface YoloImage extends ImageSize {
  readonly imageFile: string;
}

export function parseYoloTxt(text: string, file: string, image: YoloImage, classNames: readonly string[]): ParseResult {
  const issues: DatasetIssue[] = [];
  const { imageFile } = image;
  const lines = text.split(/\r\n|\r|\n/);
  const used = lines.map((l, i) => ({ tokens: l.trim().split(/\s+/), line: i + 1 })).filter((l) => l.tokens[0] !== '');
  if (!sizeKnown(image)) {
    for (const { line } of used) {
      const msg = 'image size unknown: YOLO boxes are relative, so they cannot be placed without it';
      issues.push(issueAt({ file, line, imageFile }, 'rejected', 'size-unknown', msg));
    }
    return { records: [{ imageFile, width: 0, height: 0, objects: [], unlabelled: true }], issues };
  }
  const objects = new ObjectCollector(image, issues);
  for (const { tokens, line } of used) {
    const where: Where = { file, line, imageFile };
    const object = readLine(tokens, where, image, classNames, issues);
    if (object !== undefined) objects.add(object, where);
  }
  if (used.length === 0) {
    issues.push(issueAt({ file, imageFile }, 'warning', 'no-objects', 'empty label file: a background-only image'));
  }
  return { records: [{ imageFile, width: image.width, height: image.height, objects: objects.objects }], issues };
}

function readLine(
  tokens: string[],
  where: Where,
  size: ImageSize,
  classNames: readonly string[],
  issues: DatasetIssue[],
): { className: string; box: Box; difficult: boolean } | undefined {
  const isPolygon = tokens.length >= 7 && tokens.length % 2 === 1;
  if (tokens.length !== 5 && !isPolygon) {
    const msg = `${tokens.length} fields; expected 'class cx cy w h' (5) or a polygon 'class x1 y1 ... xn yn'`;
    issues.push(issueAt(where, 'rejected', 'malformed-line', msg));
    return undefined;
  }
  const values = tokens.slice(1).map(parseStrictNumber);
  if (values.some((v) => v === undefined)) {
    issues.push(issueAt(where, 'rejected', 'non-numeric', `'${tokens.join(' ')}' has a non-numeric coordinate`));
    return undefined;
  }
  const id = /^\d+$/.test(tokens[0]) ? Number(tokens[0]) : Number.NaN;
  if (!(id < classNames.length)) {
    const msg = `class id '${tokens[0]}' is not in the class list (ids 0..${classNames.length - 1})`;
    issues.push(issueAt(where, 'rejected', 'unknown-class', msg));
    return undefined;
  }
  const v = values as number[];
  if (v.some((x) => Math.abs(x) > 1.5)) {
    const msg = `'${tokens.join(' ')}' has values far above 1: YOLO coordinates are relative (0..1), not pixels`;
    issues.push(issueAt(where, 'rejected', 'outside-image', msg));
    return undefined;
  }
  const box = isPolygon ? polygonBox(v, size) : centreBox(v, size);
  if (isPolygon) {
    const msg = `segmentation polygon of ${v.length / 2} points read as its bounding box`;
    issues.push(issueAt(where, 'repaired', 'polygon-to-box', msg, { after: box }));
  }
  return { className: classNames[id], box, difficult: false };
}

function centreBox([cx, cy, w, h]: number[], { width: W, height: H }: ImageSize): Box {
  return [(cx - w / 2) * W, (cy - h / 2) * H, (cx + w / 2) * W, (cy + h / 2) * H];
}

function polygonBox(points: number[], { width: W, height: H }: ImageSize): Box {
  // a loop, not Math.min(...xs): a hostile line could have more points than the call stack takes arguments
  const b = [Infinity, Infinity, -Infinity, -Infinity];
  for (let i = 0; i < points.length; i += 2) {
    b[0] = Math.min(b[0], points[i]);
    b[1] = Math.min(b[1], points[i + 1]);
    b[2] = Math.max(b[2], points[i]);
    b[3] = Math.max(b[3], points[i + 1]);
  }
  return [b[0] * W, b[1] * H, b[2] * W, b[3] * H];
}
