/**
 * RFC 4180 rows: quoted fields with "" escapes, newlines inside quotes, CRLF / LF / CR line ends, a leading BOM.
 * The delimiter is ',' unless the first line has none and has ';' or a tab (spreadsheet exports in some locales).
 * Lenient where it costs nothing (a quote inside an unquoted field is literal); an unterminated quote throws,
 * because it would silently swallow every row after it.
 */
import { DatasetError } from './report';

export interface CsvRow {
  readonly fields: string[];
  /** 1-based line where the row starts. */
  readonly line: number;
}

export function readCsvRows(text: string, file: string): CsvRow[] {
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const delim = detectDelimiter(src);
  const rows: CsvRow[] = [];
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let rowLine = 1;
  let i = 0;
  const endRow = () => {
    fields.push(field);
    if (!(fields.length === 1 && fields[0].trim() === '')) rows.push({ fields, line: rowLine });
    fields = [];
    field = '';
  };
  while (i < src.length) {
    const c = src[i];
    if (c === '"' && field.trim() === '') {
      // quoted field: read to the closing quote
      const open = line;
      field = '';
      i++;
      for (;;) {
        if (i >= src.length) throw new DatasetError('a quoted field is never closed (missing ")', file, open);
        const q = src[i];
        if (q === '"' && src[i + 1] === '"') {
          field += '"';
          i += 2;
        } else if (q === '"') {
          i++;
          break;
        } else {
          if (q === '\n' || (q === '\r' && src[i + 1] !== '\n')) line++;
          field += q;
          i++;
        }
      }
    } else if (c === delim) {
      fields.push(field);
      field = '';
      i++;
    } else if (c === '\n' || c === '\r') {
      endRow();
      i += c === '\r' && src[i + 1] === '\n' ? 2 : 1;
      line++;
      rowLine = line;
    } else {
      field += c;
      i++;
    }
  }
  if (field !== '' || fields.length > 0) endRow();
  return rows;
}

function detectDelimiter(src: string): string {
  const end = src.search(/\r|\n/);
  const first = end < 0 ? src : src.slice(0, end);
  if (first.includes(',')) return ',';
  if (first.includes(';')) return ';';
  if (first.includes('\t')) return '\t';
  return ',';
}
