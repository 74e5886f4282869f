/**
 * DetectionRecord -> Pascal VOC annotation XML, the inverse of parse_voc.ts:
 *   [xmin, ymin, xmax, ymax] = [x1 + 1, y1 + 1, x2, y2]       (1-based inclusive corners)
 * The +1 is done on decimal text, so parseVocXml(exportVocXml(r)) gives r back exactly, fractional corners too.
 * Limits of the round trip: names are trimmed on read (so edge whitespace is lost), 'truncated' is written only
 * when the record has it, and an unlabelled record would come back as an annotated, empty image (so
 * exportVocFiles leaves unlabelled records out).
 */
import { formatWithOffset } from './decimal';
import { stem } from './paths';
import type { Dataset, DetectionRecord } from './record';
import { DatasetError } from './report';

export interface VocExportOptions {
  /** <folder>, JPEGImages by default (the devkit's image folder). */
  readonly folder?: string;
  /** <source><database>. */
  readonly database?: string;
}

const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const num = (v: number) => String(v);

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
    const [x1, y1, x2, y2] = o.box;
    lines.push(
      '\t<object>',
      `\t\t<name>${escapeXml(o.className)}</name>`,
      '\t\t<pose>Unspecified</pose>',
      ...(o.truncated === undefined ? [] : [`\t\t<truncated>${o.truncated ? 1 : 0}</truncated>`]),
      `\t\t<difficult>${o.difficult ? 1 : 0}</difficult>`,
      '\t\t<bndbox>',
      `\t\t\t<xmin>${formatWithOffset(x1, 1)}</xmin>`,
      `\t\t\t<ymin>${formatWithOffset(y1, 1)}</ymin>`,
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
