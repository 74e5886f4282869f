/**
 * The import report by file: one row per input file (image or annotation) saying what became of it (read,
 * repaired, rejected, or warned about) with every issue about it, so nothing given is dropped without a row.
 * Built from the same `DatasetIssue`s as `buildReport`; the page shows the rows (src/ui/annotate/import_report.ts)
 * and exports them as text.
 */
import { lineLocator } from './line_locator';
import { pluralize } from './plural';
import { stem } from './paths';
import type { DetectionRecord } from './record';
import { formatIssue, type DatasetIssue, type IssueSeverity } from './report';

/** What became of a file: the worst of its issues, or 'read' when it has none. */
export type FileOutcome = 'read' | IssueSeverity;

export interface FileReportRow {
  /** The file's path as given (or the folder / dataset an issue is about: 'images/', '.'). */
  readonly file: string;
  readonly outcome: FileOutcome;
  /** What was read from it: "image, 2 boxes", "1 box for raccoon-2.jpg", "not imported". */
  readonly summary: string;
  readonly issues: readonly DatasetIssue[];
}

/** What an import knew about its files, after every check. */
export interface FileFacts {
  readonly files: readonly { readonly path: string; readonly isImage: boolean }[];
  /** The records imported (after the image checks). */
  readonly records: readonly DetectionRecord[];
  /** record.imageFile -> the image's path among the files (also for records taken out later). */
  readonly imagePaths: ReadonlyMap<string, string>;
  /** record.imageFile -> the annotation file it came from. */
  readonly annotationFiles: ReadonlyMap<string, string>;
  readonly issues: readonly DatasetIssue[];
}

const RANK: Record<FileOutcome, number> = { read: 0, repaired: 1, warning: 2, rejected: 3 };

export function fileReportRows(facts: FileFacts): FileReportRow[] {
  const paths = new Set(facts.files.map((f) => f.path));
  const issuesOf = new Map<string, DatasetIssue[]>();
  for (const issue of facts.issues) {
    // image-level issues may name the image as the records do; the row is the image file's
    addTo(issuesOf, paths.has(issue.file) ? issue.file : facts.imagePaths.get(issue.file) ?? issue.file, issue);
  }
  const recordOfImage = new Map<string, DetectionRecord>();
  const recordsOfAnnotation = new Map<string, DetectionRecord[]>();
  for (const r of facts.records) {
    const path = facts.imagePaths.get(r.imageFile);
    if (path !== undefined) recordOfImage.set(path, r);
    const file = facts.annotationFiles.get(r.imageFile);
    if (file !== undefined) addTo(recordsOfAnnotation, file, r);
  }
  const kept = new Set(facts.records.map((r) => r.imageFile));
  // boxes whose image could not be decoded: the image's row rejects them, the annotation's row says where they went
  const lostOf = new Map<string, string[]>();
  for (const [image, file] of facts.annotationFiles) if (!kept.has(image)) addTo(lostOf, file, image);
  const rejectedByStem = new Map<string, DatasetIssue>();
  for (const issue of facts.issues) {
    const key = stem(issue.file).toLowerCase();
    if (issue.kind === 'bad-file' && !rejectedByStem.has(key)) rejectedByStem.set(key, issue);
  }
  const rows: FileReportRow[] = [];
  for (const { path, isImage } of facts.files) {
    let issues = issuesOf.get(path) ?? [];
    let summary: string;
    if (isImage) {
      const record = recordOfImage.get(path);
      issues = issues.map((i) => (i.kind === 'unlabelled-image' ? explainUnlabelled(i, rejectedByStem.get(stem(path).toLowerCase())) : i));
      summary = record === undefined ? 'not imported' : record.unlabelled ? 'image, unlabelled'
        : `image, ${pluralize(record.objects.length, 'box', 'boxes')}`;
      if (record === undefined && issues.length === 0) issues = [notUsed(path, issuesOf)];
    } else {
      const records = recordsOfAnnotation.get(path) ?? [];
      const lost = lostOf.get(path) ?? [];
      const lostText = `${lost.length === 1 ? `its image ${lost[0]} was` : `${pluralize(lost.length, 'image')} were`} rejected`;
      summary = lost.length === 0 ? annotationSummary(records, issues)
        : records.length === 0 ? `not used: ${lostText}` : `${annotationSummary(records, issues)}; ${lostText}`;
    }
    rows.push(row(path, summary, issues));
  }
  for (const [key, issues] of issuesOf) {
    if (!paths.has(key)) rows.push(row(key, key === '.' || key.endsWith('/') ? 'folder' : 'not among the files', issues));
  }
  return rows;
}

function addTo<V>(map: Map<string, V[]>, key: string, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}

function row(file: string, summary: string, issues: readonly DatasetIssue[]): FileReportRow {
  const outcome = issues.reduce<FileOutcome>((worst, i) => (RANK[i.severity] > RANK[worst] ? i.severity : worst), 'read');
  return { file, outcome, summary, issues };
}

function annotationSummary(records: readonly DetectionRecord[], issues: readonly DatasetIssue[]): string {
  const boxes = pluralize(records.reduce((n, r) => n + r.objects.length, 0), 'box', 'boxes');
  if (records.length === 1) return `${boxes} for ${records[0].imageFile}`;
  if (records.length > 1) return `${pluralize(records.length, 'image')}, ${boxes}`;
  return issues.some((i) => i.severity === 'rejected' || i.kind === 'ignored-file') ? 'not used' : 'read';
}

/**
 * An image kept unlabelled because its own annotation file could not be read says so, with that file's fault
 * (`cause`: the first rejected file of the image's stem).
 */
function explainUnlabelled(issue: DatasetIssue, cause: DatasetIssue | undefined): DatasetIssue {
  if (cause === undefined) return issue;
  const at = `${cause.file}${cause.line === undefined ? '' : ` line ${cause.line}`}`;
  return { ...issue, message: `its annotation file ${at} was rejected (${cause.message}): kept as unlabelled, so its boxes are missing` };
}

/** An image that became no record and has no issue of its own: the folder's issue, else a plain "not used". */
function notUsed(path: string, issuesOf: ReadonlyMap<string, readonly DatasetIssue[]>): DatasetIssue {
  const dir = path.includes('/') ? `${path.slice(0, path.lastIndexOf('/'))}/` : '.';
  const why = issuesOf.get(dir)?.[0]?.message ?? 'no annotation used it and it was not added as an unlabelled image';
  return { severity: 'warning', kind: 'ignored-file', message: `not used: ${why}`, file: path };
}

const SOURCE_CHARS = 160;

/**
 * Each issue gets the text of its line from `textOf(file)` (when the text is known). A COCO issue names no line
 * but its object ("annotations[12] (id 57)"): its line is found by that id inside the section, and a line too long
 * to show (one-line JSON) is cut around the object.
 */
export function withSourceLines(issues: readonly DatasetIssue[], textOf: (file: string) => string | undefined): DatasetIssue[] {
  const files = new Map<string, { text: string; lines: string[]; lineAt: (offset: number) => number } | null>();
  const fileText = (file: string) => {
    if (!files.has(file)) {
      const text = textOf(file);
      files.set(file, text === undefined ? null : { text, lines: text.split(/\r\n|\r|\n/), lineAt: lineLocator(text) });
    }
    return files.get(file)!;
  };
  return issues.map((issue) => {
    if (issue.source !== undefined || (issue.line === undefined && issue.element === undefined)) return issue;
    const known = fileText(issue.file);
    if (known === null) return issue;
    const offset = issue.line === undefined ? jsonObjectOffset(known.text, issue.element) : undefined;
    const line = issue.line ?? (offset === undefined ? undefined : known.lineAt(offset));
    if (line === undefined) return issue;
    const whole = known.lines[line - 1] ?? '';
    const column = offset === undefined ? 0 : offset - (known.text.lastIndexOf('\n', offset - 1) + 1);
    const from = Math.max(0, column - 40);
    const shown = whole.length <= SOURCE_CHARS ? whole.trim()
      : `${from > 0 ? '…' : ''}${whole.slice(from, from + SOURCE_CHARS).trim()}…`;
    return shown ? { ...issue, line, source: shown } : { ...issue, line };
  });
}

/** Where "section[i] (id N)" starts in a JSON text: the `"id": N` after the section's key. */
function jsonObjectOffset(text: string, element: string | undefined): number | undefined {
  const m = element === undefined ? null : /^(\w+)\[\d+\] \(id (-?[\w.]+)\)$/.exec(element);
  if (!m) return undefined;
  const section = text.search(new RegExp(`"${m[1]}"\\s*:`));
  if (section < 0) return undefined;
  const id = new RegExp(`"id"\\s*:\\s*"?${m[2].replace(/\./g, '\\.')}"?(?![\\w.])`, 'g');
  id.lastIndex = section;
  const found = id.exec(text);
  if (!found) return undefined;
  const open = text.lastIndexOf('{', found.index);
  return open > section ? open : found.index;
}

/** Counts of rows by outcome, for the panel's title and the text's first line. */
export function outcomeCounts(rows: readonly FileReportRow[]): Record<FileOutcome, number> {
  const counts: Record<FileOutcome, number> = { read: 0, repaired: 0, warning: 0, rejected: 0 };
  for (const r of rows) counts[r.outcome]++;
  return counts;
}

/** The rows as plain text (the panel's "Download report"): one block per file, its issues indented. */
export function formatFileReport(rows: readonly FileReportRow[], title: string): string {
  const c = outcomeCounts(rows);
  const lines = [title, `${pluralize(rows.length, 'file')}: ${c.read} read, ${c.repaired} repaired, ${c.rejected} rejected, ` +
    `${pluralize(c.warning, 'warning')}`, ''];
  for (const r of rows) {
    lines.push(`${r.outcome.toUpperCase().padEnd(8)} ${r.file}: ${r.summary}`);
    for (const i of r.issues) {
      lines.push(`    ${i.severity}: ${formatIssue(i)}`);
      if (i.source !== undefined) lines.push(`        > ${i.source}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
