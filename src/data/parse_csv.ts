/**
 * Box-per-row CSV (filename,width,height,class,xmin,ymin,xmax,ymax: the TF Object Detection API layout that
 * xml_to_csv scripts produce) -> DatasetRecords, one per distinct filename in first-appearance order.
 *
 * Coordinates: these CSVs are almost always VOC XML flattened, so by default xmin..ymax are read as VOC 1-based
 * inclusive corners, exactly like parse_voc.ts ([xmin - 1, ymin - 1, xmax, ymax]); that is what makes the raccoon
 * CSV and XML give identical records. Pass coordinates: 'pixels' for CSVs that already hold continuous corners.
 * A row with a filename and empty class and box fields is an image with no objects (how negatives are listed).
 */
import type { Box } from '../geometry/box';
import { ObjectCollector, issueAt, type Where } from './box_checks';
import { readCsvRows, type CsvRow } from './csv_reader';
import { addToDecimalText, parseStrictNumber } from './decimal';
import type { DetectionRecord } from './record';
import { DatasetError, type DatasetIssue, type ParseResult } from './report';

export interface CsvOptions {
  /** 'voc' (default): 1-based inclusive corners. 'pixels': continuous [x1, y1, x2, y2]. */
  readonly coordinates?: 'voc' | 'pixels';
}

const COLUMN_NAMES = {
  filename: ['filename', 'file', 'file_name', 'image', 'image_name', 'image_path', 'path', 'img'],
  class: ['class', 'label', 'class_name', 'classname', 'category', 'name'],
  xmin: ['xmin', 'x_min', 'x1', 'left'],
  ymin: ['ymin', 'y_min', 'y1', 'top'],
  xmax: ['xmax', 'x_max', 'x2', 'right'],
  ymax: ['ymax', 'y_max', 'y2', 'bottom'],
  width: ['width', 'image_width', 'img_width', 'w'],
  height: ['height', 'image_height', 'img_height', 'h'],
  difficult: ['difficult'],
} as const;
type Column = keyof typeof COLUMN_NAMES;
const REQUIRED: readonly Column[] = ['filename', 'class', 'xmin', 'ymin', 'xmax', 'ymax'];
/** Column order when the file has no header row. */
const DEFAULT_ORDER: readonly Column[] = ['filename', 'width', 'height', 'class', 'xmin', 'ymin', 'xmax', 'ymax'];

export const CSV_REQUIRED_COLUMNS = REQUIRED;

export function parseLabelsCsv(text: string, file: string, options: CsvOptions = {}): ParseResult {
  const rows = readCsvRows(text, file);
  if (rows.length === 0) throw new DatasetError(`empty CSV: expected a header ${DEFAULT_ORDER.join(',')}`, file);
  const { columns, body } = readHeader(rows, file);
  const issues: DatasetIssue[] = [];
  const images = new Map<string, { record: { width: number; height: number }; collector: ObjectCollector }>();
  const boxRows = new Map<string, number>(); // rows that carried a box, per image
  for (const row of body) {
    const imageFile = readRow(row, columns, file, options, images, issues);
    if (imageFile !== undefined) boxRows.set(imageFile, (boxRows.get(imageFile) ?? 0) + 1);
  }
  const records: DetectionRecord[] = [];
  for (const [imageFile, { record, collector }] of images) {
    if (boxRows.get(imageFile) === undefined) {
      issues.push(issueAt({ file, imageFile }, 'warning', 'no-objects', 'no boxes: kept as a background-only image'));
    }
    records.push({ imageFile, ...record, objects: collector.objects });
  }
  return { records, issues };
}

/** Column index per known column, and the data rows. */
function readHeader(rows: CsvRow[], file: string): { columns: Partial<Record<Column, number>>; body: CsvRow[] } {
  const first = rows[0].fields.map((f) => f.trim().toLowerCase());
  const columns: Partial<Record<Column, number>> = {};
  for (const col of Object.keys(COLUMN_NAMES) as Column[]) {
    const idx = first.findIndex((f) => (COLUMN_NAMES[col] as readonly string[]).includes(f));
    if (idx >= 0) columns[col] = idx;
  }
  if (Object.keys(columns).length > 0) {
    const missing = REQUIRED.filter((c) => columns[c] === undefined);
    if (missing.length > 0) {
      throw new DatasetError(
        `the header lacks column(s) ${missing.join(', ')}; found '${rows[0].fields.join(',')}'. ` +
          `Expected ${DEFAULT_ORDER.join(',')} (width and height optional)`,
        file,
        rows[0].line,
      );
    }
    return { columns, body: rows.slice(1) };
  }
  const numericBox = rows[0].fields.slice(4, 8).every((f) => parseStrictNumber(f) !== undefined);
  if (rows[0].fields.length === DEFAULT_ORDER.length && numericBox) {
    return { columns: Object.fromEntries(DEFAULT_ORDER.map((c, i) => [c, i])), body: rows };
  }
  throw new DatasetError(
    `no header row naming the columns: the first line should be ${DEFAULT_ORDER.join(',')}`,
    file,
    rows[0].line,
  );
}

function readRow(
  row: CsvRow,
  columns: Partial<Record<Column, number>>,
  file: string,
  options: CsvOptions,
  images: Map<string, { record: { width: number; height: number }; collector: ObjectCollector }>,
  issues: DatasetIssue[],
): string | undefined {
  const get = (c: Column) => (columns[c] === undefined ? '' : (row.fields[columns[c]!] ?? '').trim());
  const imageFile = get('filename');
  const where: Where = { file, line: row.line, imageFile: imageFile || undefined };
  const needed = Math.max(...REQUIRED.map((c) => columns[c]!)) + 1;
  if (row.fields.length < needed || imageFile === '') {
    const why = imageFile === '' ? 'no filename' : `${row.fields.length} fields, the header has ${needed}`;
    issues.push(issueAt(where, 'rejected', 'malformed-line', `row cannot be read: ${why}`));
    return undefined;
  }
  const image = images.get(imageFile) ?? addImage(imageFile, get('width'), get('height'), where, images, issues);
  checkSameSize(image.record, get('width'), get('height'), where, issues);
  const raw = [get('xmin'), get('ymin'), get('xmax'), get('ymax')];
  const className = get('class');
  if (className === '' && raw.every((r) => r === '')) return undefined; // a listed image without objects
  if (className === '') {
    issues.push(issueAt(where, 'rejected', 'missing-field', 'row has a box but no class'));
    return imageFile;
  }
  const shift = options.coordinates === 'pixels' ? 0 : -1;
  const box = [addToDecimalText(raw[0], shift), addToDecimalText(raw[1], shift), parseStrictNumber(raw[2]),
    parseStrictNumber(raw[3])];
  if (box.some((v) => v === undefined)) {
    const msg = `xmin, ymin, xmax, ymax = ${raw.map((r) => `'${r}'`).join(', ')} is not numeric`;
    issues.push(issueAt(where, 'rejected', 'non-numeric', msg));
    return imageFile;
  }
  const difficult = /^(1|true|yes)$/i.test(get('difficult'));
  image.collector.add({ className, box: box as unknown as Box, difficult }, where);
  return imageFile;
}

function addImage(
  imageFile: string,
  width: string,
  height: string,
  where: Where,
  images: Map<string, { record: { width: number; height: number }; collector: ObjectCollector }>,
  issues: DatasetIssue[],
) {
  const w = parseStrictNumber(width) ?? 0;
  const h = parseStrictNumber(height) ?? 0;
  const size = w > 0 && h > 0 ? { width: w, height: h } : { width: 0, height: 0 };
  if (size.width === 0) {
    const msg = `width/height '${width}'x'${height}'; the size will be read from the image itself`;
    issues.push(issueAt(where, 'repaired', 'size-from-image', msg));
  }
  const image = { record: size, collector: new ObjectCollector(size, issues) };
  images.set(imageFile, image);
  return image;
}

function checkSameSize(size: { width: number; height: number }, width: string, height: string, where: Where,
  issues: DatasetIssue[]): void {
  const w = parseStrictNumber(width) ?? 0;
  const h = parseStrictNumber(height) ?? 0;
  if (size.width > 0 && w > 0 && h > 0 && (w !== size.width || h !== size.height)) {
    const msg = `this row says ${w}x${h} but an earlier row of the image said ${size.width}x${size.height}; kept the first`;
    issues.push(issueAt(where, 'warning', 'inconsistent-size', msg));
  }
}
