/**
 * RFC 4180 rows read with papaparse: quoted fields with "" escapes, newlines inside quotes, a leading BOM.
 * Row ends are made '\n' first (CRLF, LF and a lone CR, mixed in one file too: papaparse takes one kind per file);
 * a quoted field keeps its text verbatim, CRs included (RFC 4180), so a name the CSV export quoted reads back
 * bit for bit. The delimiter is ',' unless the first line has none and
 * has ';' or a tab (spreadsheet exports in some locales). A quote inside an unquoted field is literal; an
 * unterminated quote throws, because it would silently swallow every row after it.
 */
import Papa from 'papaparse';
import { lineLocator } from './line_locator';
import { DatasetError } from './report';

export interface CsvRow {
  readonly fields: string[];
  /** 1-based line where the row starts. */
  readonly line: number;
}

export function readCsvRows(text: string, file: string): CsvRow[] {
  const raw = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const delimiter = detectDelimiter(raw);
  const src = rowEndsToLf(raw, delimiter);
  const lineAt = lineLocator(src);
  const rows: CsvRow[] = [];
  let rowStart = 0;
  Papa.parse<string[]>(src, {
    delimiter,
    newline: '\n',
    // step: each row's end offset (meta.cursor) is where the next row starts, which gives every row its line
    step: (result) => {
      const line = lineAt(rowStart);
      rowStart = result.meta.cursor;
      const quote = result.errors.find((e) => e.code === 'MissingQuotes');
      if (quote) throw new DatasetError('a quoted field is never closed (missing ")', file, line);
      const fields = result.data;
      if (!(fields.length === 1 && fields[0].trim() === '')) rows.push({ fields, line });
    },
  });
  return rows;
}

/** CRLF and a lone CR outside quoted fields become '\n'; a quote opens a quoted field only at a field's start. */
function rowEndsToLf(src: string, delimiter: string): string {
  if (!src.includes('\r')) return src;
  const parts: string[] = [];
  let copiedTo = 0;
  let inQuotes = false;
  let fieldStart = true;
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (inQuotes) {
      if (c === '"') {
        if (src[i + 1] === '"') i++;
        else inQuotes = false;
      }
      continue;
    }
    if (c === '"' && fieldStart) {
      inQuotes = true;
      fieldStart = false;
    } else if (c === '\r') {
      parts.push(src.slice(copiedTo, i), '\n');
      if (src[i + 1] === '\n') i++;
      copiedTo = i + 1;
      fieldStart = true;
    } else {
      fieldStart = c === '\n' || c === delimiter;
    }
  }
  parts.push(src.slice(copiedTo));
  return parts.join('');
}

function detectDelimiter(src: string): string {
  const end = src.search(/[\r\n]/);
  const first = end < 0 ? src : src.slice(0, end);
  if (first.includes(',')) return ',';
  if (first.includes(';')) return ';';
  if (first.includes('\t')) return '\t';
  return ',';
}
