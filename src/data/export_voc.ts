/**
 * DetectionRecord -> Pascal VOC annotation XML, the inverse of parse_voc.ts, in the VOC convention: integer
 * 1-based inclusive pixel corners (many VOC readers reject fractions):
 *   [xmin, ymin, xmax, ymax] = [round(x1) + 1, round(y1) + 1, round(x2), round(y2)]
 * A box thinner than a pixel after rounding is widened to one pixel, inside the image. So parseVocXml(export(r))
 * gives r back exactly when its corners are integers, and export ∘ parse ∘ export = export for any corners (each
 * corner moved by at most half a pixel, or one for a sub-pixel box).
 * Limits of the round trip: names are trimmed on read (so edge whitespace is lost), 'truncated' is written only
 * when the record has it, and an unlabelled record would come back as an annotated, empty image (so
 * exportVocFiles leaves unlabelled records out).
 */
import type { Box } from '../geometry/box';
import { stem } from './paths';
import type { Dataset, DetectionRecord } from './record';
import { DatasetError } from './report';

export interface VocExportOptions {
  /** <folder>, JPEGImages by default (the devkit's image folder). */
  readonly folder?: string;
  /** <source><database>. */
  readonly database?: string;
}

// '\r' as a reference: an XML reader turns a raw CR into '\n'
const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#13;');
const num = (v: number) => String(v);

/** Continuous [x1, y1, x2, y2] -> whole pixels [x1, y1, x2, y2] (not yet 1-based), at least one pixel wide and tall. */
export function vocPixelBox(box: Box, width: number, height: number): Box {
  const [x1, x2] = pixelSpan(box[0], box[2], width);
  const [y1, y2] = pixelSpan(box[1], box[3], height);
  return [x1, y1, x2, y2];
}

function pixelSpan(lo: number, hi: number, extent: number): [number, number] {
  let a = Math.round(lo) + 0;
  let b = Math.round(hi) + 0;
  if (extent > 0) {
    a = Math.min(Math.max(a, 0), extent);
    b = Math.min(Math.max(b, 0), extent);
  }
  if (b > a) return [a, b];
  // thinner than a pixel: the pixel holding its centre, inside the image
  let p = Math.floor((lo + hi) / 2) + 0;
  if (extent > 0) p = Math.min(Math.max(p, 0), extent - 1);
  return [p, p + 1];
}

export function exportVocXml(record: DetectionRecord, options: VocExportOptions = {}): string {
  const lines = [
    '<annotation>',
    `\t<folder>${escapeXml(options.folder ?? 'JPEGImages')}</folder>`,
    `\t<filename>${escapeXml(record.imageFile)}</filename>`,
    `\t<source>\n\t\t<database>${escapeXml(options.database ?? 'Unknown')}</database>\n\t</source>`,
    `\t<size>\n\t\t<width>${num(record.width)}</width>\n\t\t<height>${num(record.height)}</height>` +
      '\n\t\t<depth>3</depth>\n\t</size>',
    '\t<segmented>0</segmented>',
  ];
  for (const o of record.objects) {
    const [x1, y1, x2, y2] = vocPixelBox(o.box, record.width, record.height);
    lines.push(
      '\t<object>',
      `\t\t<name>${escapeXml(o.className)}</name>`,
      '\t\t<pose>Unspecified</pose>',
      ...(o.truncated === undefined ? [] : [`\t\t<truncated>${o.truncated ? 1 : 0}</truncated>`]),
      `\t\t<difficult>${o.difficult ? 1 : 0}</difficult>`,
      '\t\t<bndbox>',
      `\t\t\t<xmin>${num(x1 + 1)}</xmin>`,
      `\t\t\t<ymin>${num(y1 + 1)}</ymin>`,
      `\t\t\t<xmax>${num(x2)}</xmax>`,
      `\t\t\t<ymax>${num(y2)}</ymax>`,
      '\t\t</bndbox>',
      '\t</object>',
    );
  }
  lines.push('</annotation>', '');
  return lines.join('\n');
}

/** A devkit's annotation files, Annotations/<image stem>.xml, for every labelled record. */
export function exportVocFiles(dataset: Dataset, options: VocExportOptions = {}): { path: string; text: string }[] {
  const seen = new Map<string, string>();
  return dataset.records.filter((r) => r.unlabelled !== true).map((r) => {
    const path = `Annotations/${stem(r.imageFile)}.xml`;
    const other = seen.get(path);
    if (other !== undefined) {
      throw new DatasetError(`'${r.imageFile}' and '${other}' would both be written to ${path}; rename one`);
    }
    seen.set(path, r.imageFile);
    return { path, text: exportVocXml(r, options) };
  });
}
