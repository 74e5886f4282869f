/**
 * Pascal VOC annotation XML -> one DetectionRecord.
 *
 * Coordinates: VOC writes 1-based inclusive pixel corners, so a box covering pixels xmin..xmax (1-based) spans the
 * continuous interval [xmin - 1, xmax]. This is the one place that conversion happens:
 *   [x1, y1, x2, y2] = [xmin - 1, ymin - 1, xmax, ymax]        (export_voc.ts does the inverse)
 * The -1 is done on the decimal text (decimal.ts) so fractional corners convert exactly.
 *
 * Missing or zero <size> is not an error: the record gets width = height = 0 ("read it from the image", see
 * repairSizes) and clipping waits until then.
 */
import type { Box } from '../geometry/box';
import { ObjectCollector, issueAt, type Where } from './box_checks';
import { addToDecimalText, parseStrictNumber } from './decimal';
import { stem } from './paths';
import type { DetectionRecord } from './record';
import { DatasetError, type DatasetIssue, type ParseResult } from './report';
import { childElement, childElements, childText, readXml, type XmlElement } from './xml_reader';

export function parseVocXml(text: string, file: string): ParseResult {
  const root = readXml(text, file);
  if (root.name.toLowerCase() !== 'annotation') {
    throw new DatasetError(`root element is <${root.name}>; a Pascal VOC file starts with <annotation>`, file, root.line);
  }
  const issues: DatasetIssue[] = [];
  const imageFile = readFileName(root, file, issues);
  const size = readSize(root, { file, line: root.line, element: 'size', imageFile }, issues);
  const objects = new ObjectCollector(size, issues);
  childElements(root, 'object').forEach((el, i) => {
    const where: Where = { file, line: el.line, element: `object[${i + 1}]`, imageFile };
    readObject(el, where, objects, issues);
  });
  if (objects.objects.length === 0 && childElements(root, 'object').length === 0) {
    issues.push(issueAt({ file, imageFile }, 'warning', 'no-objects', 'no <object>: kept as a background-only image'));
  }
  const record: DetectionRecord = { imageFile, ...size, objects: objects.objects };
  return { records: [record], issues };
}

function readFileName(root: XmlElement, file: string, issues: DatasetIssue[]): string {
  const name = childText(root, 'filename');
  if (name !== undefined && name !== '') return name;
  const guess = `${stem(file)}.jpg`;
  const msg = `no <filename>; assuming '${guess}' (the image is matched by the XML's name)`;
  issues.push(issueAt({ file, line: root.line, imageFile: guess }, 'warning', 'missing-field', msg));
  return guess;
}

function readSize(root: XmlElement, where: Where, issues: DatasetIssue[]): { width: number; height: number } {
  const sizeEl = childElement(root, 'size');
  const w = parseStrictNumber(sizeEl === undefined ? '' : (childText(sizeEl, 'width') ?? ''));
  const h = parseStrictNumber(sizeEl === undefined ? '' : (childText(sizeEl, 'height') ?? ''));
  if (w !== undefined && h !== undefined && w > 0 && h > 0) return { width: w, height: h };
  const said = sizeEl === undefined ? 'no <size>' : `<size> says ${childText(sizeEl, 'width')}x${childText(sizeEl, 'height')}`;
  const msg = `${said}; the size will be read from the image itself`;
  issues.push(issueAt({ ...where, line: sizeEl?.line ?? where.line }, 'repaired', 'size-from-image', msg));
  return { width: 0, height: 0 };
}

const CORNERS = ['xmin', 'ymin', 'xmax', 'ymax'] as const;

function readObject(el: XmlElement, where: Where, objects: ObjectCollector, issues: DatasetIssue[]): void {
  const className = childText(el, 'name') ?? '';
  const bndbox = childElement(el, 'bndbox');
  if (className === '' || bndbox === undefined) {
    const missing = className === '' ? '<name>' : '<bndbox>';
    issues.push(issueAt(where, 'rejected', 'missing-field', `object has no ${missing}`));
    return;
  }
  const raw = CORNERS.map((k) => childText(bndbox, k) ?? '');
  // 1-based inclusive -> continuous: subtract 1 from the min corner only.
  const box = [
    addToDecimalText(raw[0], -1),
    addToDecimalText(raw[1], -1),
    parseStrictNumber(raw[2]),
    parseStrictNumber(raw[3]),
  ];
  const bad = box.findIndex((v) => v === undefined);
  if (bad >= 0) {
    // name the first field at fault and its own line: "<xmax> is 'abc'" is what the user fixes
    const field = CORNERS[bad];
    const msg = `<${field}> is '${raw[bad]}', not a number: the ${className} box (xmin, ymin, xmax, ymax) = ` +
      `(${raw.map((r) => `'${r}'`).join(', ')}) was not imported`;
    const line = childElement(bndbox, field)?.line ?? bndbox.line;
    issues.push(issueAt({ ...where, line, element: `${where.element}.bndbox.${field}` }, 'rejected', 'non-numeric', msg));
    return;
  }
  const difficult = readFlag(el, 'difficult', where, issues) ?? false;
  const truncated = readFlag(el, 'truncated', where, issues);
  objects.add(
    { className, box: box as unknown as Box, difficult, ...(truncated === undefined ? {} : { truncated }) },
    where,
  );
}

/** VOC flags are 0/1; tools also write true/false. Anything else is read as "not set", with a warning. */
function readFlag(el: XmlElement, name: string, where: Where, issues: DatasetIssue[]): boolean | undefined {
  const t = childText(el, name);
  if (t === undefined) return undefined;
  if (/^(1|true|yes)$/i.test(t)) return true;
  if (/^(0|false|no|)$/i.test(t)) return false;
  issues.push(issueAt(where, 'warning', 'bad-flag', `<${name}> is '${t}', expected 0 or 1; read as 0`));
  return false;
}
