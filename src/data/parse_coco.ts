/**
 * COCO detection JSON -> DetectionRecords (one per entry of 'images', in file order).
 *
 * bbox is [x, y, w, h] in continuous pixels (top-left corner plus size), so the box is [x, y, x + w, y + h] with
 * no +1. Crowd regions (iscrowd = 1) have no single-object box; COCO evaluation ignores them, which is exactly what
 * 'difficult' means to VOC evaluation, so they are kept as difficult objects and the report says so.
 * Class names come from 'categories' in ascending id order.
 */
import type { Box } from '../geometry/box';
import { ObjectCollector, issueAt, type Where } from './box_checks';
import type { DetectionRecord } from './record';
import { DatasetError, type DatasetIssue, type ParseResult } from './report';

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isId = (v: unknown): v is number | string =>
  (typeof v === 'number' && Number.isFinite(v)) || (typeof v === 'string' && v !== '');
const positive = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : 0);

export function parseCocoJson(text: string, file: string): ParseResult {
  const doc = parseJson(text, file);
  for (const key of ['images', 'annotations', 'categories'] as const) {
    if (!Array.isArray(doc[key])) {
      throw new DatasetError(
        `no '${key}' array: a COCO detection file needs 'images', 'annotations' and 'categories' arrays`,
        file,
      );
    }
  }
  const issues: DatasetIssue[] = [];
  const classOf = readCategories(doc.categories as unknown[], file, issues);
  const images = readImages(doc.images as unknown[], file, issues);
  let crowd = 0;
  (doc.annotations as unknown[]).forEach((ann, i) => {
    if (readAnnotation(ann, i, file, images, classOf, issues)) crowd++;
  });
  if (crowd > 0) {
    const msg = `${crowd} crowd annotation(s) (iscrowd = 1) kept as difficult objects: ignored by evaluation`;
    issues.push(issueAt({ file }, 'warning', 'crowd-as-difficult', msg));
  }
  const records: DetectionRecord[] = [];
  for (const img of new Set(images.values())) {
    if (img.collector.objects.length === 0 && !img.hasAnnotations) {
      const msg = 'no annotations: kept as a background-only image';
      issues.push(issueAt({ file, element: img.element, imageFile: img.imageFile }, 'warning', 'no-objects', msg));
    }
    records.push({ imageFile: img.imageFile, width: img.width, height: img.height, objects: img.collector.objects });
  }
  return { records, issues, classNames: [...new Set(classOf.values())] };
}

function parseJson(text: string, file: string): Json {
  let doc: unknown;
  try {
    doc = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (e) {
    throw new DatasetError(`not valid JSON (${(e as Error).message}); a COCO file is one JSON object`, file);
  }
  if (!isObject(doc)) throw new DatasetError('a COCO file is one JSON object with an images array', file);
  return doc;
}

/** category id -> name, ascending id order (Map keeps insertion order). */
function readCategories(list: unknown[], file: string, issues: DatasetIssue[]): Map<number | string, string> {
  const valid: { id: number | string; name: string }[] = [];
  list.forEach((c, i) => {
    const element = `categories[${i}]`;
    if (!isObject(c) || !isId(c.id) || typeof c.name !== 'string' || c.name.trim() === '') {
      issues.push(issueAt({ file, element }, 'warning', 'missing-field', 'category without an id or a name: skipped'));
    } else if (valid.some((v) => v.id === c.id)) {
      issues.push(issueAt({ file, element }, 'warning', 'duplicate', `category id ${c.id} repeated: first kept`));
    } else valid.push({ id: c.id, name: c.name.trim() });
  });
  valid.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return new Map(valid.map((c) => [c.id, c.name]));
}

interface ImageEntry {
  readonly imageFile: string;
  readonly width: number;
  readonly height: number;
  readonly element: string;
  readonly collector: ObjectCollector;
  hasAnnotations: boolean;
}

function readImages(list: unknown[], file: string, issues: DatasetIssue[]): Map<number | string, ImageEntry> {
  const byId = new Map<number | string, ImageEntry>();
  const byName = new Map<string, ImageEntry>();
  list.forEach((img, i) => {
    const element = `images[${i}]`;
    if (!isObject(img) || !isId(img.id) || typeof img.file_name !== 'string' || img.file_name === '') {
      const msg = "image without an id or a file_name: skipped (annotations pointing at it are rejected)";
      issues.push(issueAt({ file, element }, 'warning', 'missing-field', msg));
      return;
    }
    const where: Where = { file, element: `${element} (id ${img.id})`, imageFile: img.file_name };
    if (byId.has(img.id)) {
      issues.push(issueAt(where, 'warning', 'duplicate', `image id ${img.id} repeated: first kept`));
      return;
    }
    const same = byName.get(img.file_name);
    if (same !== undefined) {
      issues.push(issueAt(where, 'warning', 'duplicate', `file_name repeated: merged into ${same.element}`));
      byId.set(img.id, same);
      return;
    }
    const size = { width: positive(img.width), height: positive(img.height) };
    if (size.width === 0 || size.height === 0) {
      const msg = `width/height ${String(img.width)}x${String(img.height)}; the size will be read from the image itself`;
      issues.push(issueAt(where, 'repaired', 'size-from-image', msg));
      Object.assign(size, { width: 0, height: 0 });
    }
    const entry = { imageFile: img.file_name, ...size, element: where.element!, hasAnnotations: false,
      collector: new ObjectCollector(size, issues) };
    byId.set(img.id, entry);
    byName.set(img.file_name, entry);
  });
  return byId;
}

/** Returns true for a crowd annotation that was kept. */
function readAnnotation(
  ann: unknown,
  i: number,
  file: string,
  images: Map<number | string, ImageEntry>,
  classOf: Map<number | string, string>,
  issues: DatasetIssue[],
): boolean {
  const a = isObject(ann) ? ann : {};
  const where: Where = { file, element: `annotations[${i}]${a.id === undefined ? '' : ` (id ${String(a.id)})`}` };
  const image = isId(a.image_id) ? images.get(a.image_id) : undefined;
  if (image === undefined) {
    issues.push(issueAt(where, 'rejected', 'unknown-image', `image_id ${String(a.image_id)} is not in 'images'`));
    return false;
  }
  const at: Where = { ...where, imageFile: image.imageFile };
  image.hasAnnotations = true;
  const className = isId(a.category_id) ? classOf.get(a.category_id) : undefined;
  if (className === undefined) {
    const msg = `category_id ${String(a.category_id)} is not in 'categories'`;
    issues.push(issueAt(at, 'rejected', 'unknown-class', msg));
    return false;
  }
  const bbox = a.bbox;
  if (!Array.isArray(bbox) || bbox.length !== 4 || !bbox.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    const msg = `bbox ${JSON.stringify(bbox) ?? 'missing'} is not four finite numbers [x, y, w, h]`;
    issues.push(issueAt(at, 'rejected', Array.isArray(bbox) ? 'non-numeric' : 'missing-field', msg));
    return false;
  }
  const [x, y, w, h] = bbox as number[];
  const box: Box = [x, y, x + w, y + h];
  const crowd = a.iscrowd === 1 || a.iscrowd === true;
  const difficult = crowd || a.difficult === 1 || a.difficult === true || a.ignore === 1 || a.ignore === true;
  const before = image.collector.objects.length;
  image.collector.add({ className, box, difficult }, at);
  return crowd && image.collector.objects.length > before;
}
