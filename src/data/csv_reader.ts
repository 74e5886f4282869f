/**
 * RFC 4180 rows read with papaparse: quoted fields with "" escapes, newlines inside quotes, a leading BOM.
 * Line ends are made '\n' first (CRLF, LF and a lone CR, mixed in one file too: papaparse takes one kind per file),
 * which also makes a line end inside a quoted field '\n'. The delimiter is ',' unless the first line has none and
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
  const src = (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text).replace(/\r\n?/g, '\n');
  const lineAt = lineLocator(src);
  const rows: CsvRow[] = [];
  let rowStart = 0;
  Papa.parse<string[]>(src, {
    delimiter: detectDelimiter(src),
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

function detectDelimiter(src: string): string {
  const end = src.indexOf('\n');
  const first = end < 0 ? src : src.slice(0, end);
  if (first.includes(',')) return ',';
  if (first.includes(';')) return ';';
  if (first.includes('\t')) return '\t';
  return ',';
}
