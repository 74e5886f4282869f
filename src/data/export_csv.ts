/**
 * Dataset -> the box-per-row labels CSV parse_csv.ts reads: filename,width,height,class,xmin,ymin,xmax,ymax,difficult
 * with VOC 1-based corners (the parser's default), written as exact decimals (formatWithOffset), so every corner,
 * fractional ones included, reads back bit for bit. A labelled image without boxes is one row with empty class
 * and box fields (the parser's "listed, no objects"); an unlabelled image gets no row, so with its image beside
 * the CSV it reads back as unlabelled. 'truncated' has no column and is lost.
 */
import { formatWithOffset } from './decimal';
import type { Dataset } from './record';

export const CSV_EXPORT_HEADER = 'filename,width,height,class,xmin,ymin,xmax,ymax,difficult';

export function exportLabelsCsv(dataset: Dataset): string {
  const rows = [CSV_EXPORT_HEADER];
  for (const r of dataset.records) {
    if (r.unlabelled === true) continue;
    const image = [csvField(r.imageFile), String(r.width), String(r.height)];
    if (r.objects.length === 0) rows.push([...image, '', '', '', '', '', ''].join(','));
    for (const o of r.objects) {
      const [x1, y1, x2, y2] = o.box;
      rows.push([...image, csvField(o.className), formatWithOffset(x1, 1), formatWithOffset(y1, 1), String(x2), String(y2),
        o.difficult ? '1' : '0'].join(','));
    }
  }
  return `${rows.join('\n')}\n`;
}

/** RFC 4180 quoting where needed; edge spaces are quoted too, though the parser trims them (names are trimmed). */
function csvField(text: string): string {
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
