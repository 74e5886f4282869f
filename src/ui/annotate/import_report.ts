/**
 * The Annotate tab's import report: one row per file of the last import (read, repaired and how, rejected and
 * why, with the line at fault), filterable, kept until the next import, and downloadable as text. The rows are
 * built in src/data/report_files.ts; this is only their view.
 */
import { pluralize } from '../../data/plural';
import { formatFileReport, outcomeCounts, type FileOutcome, type FileReportRow } from '../../data/report_files';
import type { DatasetIssue } from '../../data/report';
import { section } from '../controls';
import { h, setChildren, uniqueId } from '../dom';
import type { AnnotateController } from './annotate_controller';
import type { ImportReport } from './annotate_state';
import { downloadBlob } from './dataset_io';

export type ReportFilter = 'all' | 'problems' | 'rejected' | 'repaired' | 'warning';

const FILTERS: readonly [ReportFilter, string][] = [
  ['all', 'All files'], ['problems', 'Problems only'], ['rejected', 'Rejected'], ['repaired', 'Repaired'], ['warning', 'Warnings'],
];
const OUTCOME_TEXT: Record<FileOutcome, string> = { read: 'read', repaired: 'repaired', warning: 'warning', rejected: 'rejected' };
/** Rows drawn at once; the download has them all. */
const MAX_ROWS = 300;

/** Rows the filter keeps: problems are rows with any issue; a severity keeps rows with an issue of that severity. */
export function filterRows(rows: readonly FileReportRow[], filter: ReportFilter): FileReportRow[] {
  if (filter === 'all') return [...rows];
  if (filter === 'problems') return rows.filter((r) => r.issues.length > 0);
  return rows.filter((r) => r.issues.some((i) => i.severity === filter));
}

export function importReportSection(controller: AnnotateController): HTMLElement {
  const { store } = controller;
  const filterId = uniqueId('report-filter');
  const filter = h('select', { id: filterId, testid: 'annotate.report-filter' },
    ...FILTERS.map(([value, label]) => h('option', { value }, label)));
  const counts = h('p', { class: 'hint', testid: 'annotate.report-counts', 'aria-live': 'polite' });
  const list = h('ul', { class: 'report-list', testid: 'annotate.report-rows', 'aria-label': 'Files of the last import' });
  const download = h('button', { type: 'button', testid: 'annotate.report-download', onclick: () => {
    const report = store.get().importReport;
    if (report) downloadBlob(new Blob([formatFileReport(report.rows, report.title)], { type: 'text/plain' }), 'import-report.txt');
  } }, 'Download report (.txt)');
  const element = section('Import report', 'annotate.report',
    counts,
    h('div', { class: 'row' }, h('label', { for: filterId }, 'Show'), filter, download),
    list);
  let shown: ImportReport | null | undefined;
  const render = (force = false): void => {
    const report = store.get().importReport;
    if (report === shown && !force) return;
    if (report !== shown) filter.value = report && report.rows.some((r) => r.issues.length > 0) ? 'problems' : 'all';
    shown = report;
    element.hidden = report === null;
    if (!report) return;
    const c = outcomeCounts(report.rows);
    const kept = filterRows(report.rows, filter.value as ReportFilter);
    counts.textContent = `${report.title}: ${pluralize(report.rows.length, 'file')}, ${c.read} read, ${c.repaired} repaired, ` +
      `${c.rejected} rejected, ${pluralize(c.warning, 'warning')}. Showing ${kept.length}.`;
    setChildren(list, kept.length === 0 ? h('li', { class: 'hint' }, 'No file matches this filter.')
      : kept.slice(0, MAX_ROWS).map(rowElement),
    kept.length > MAX_ROWS ? h('li', { class: 'hint' }, `… ${kept.length - MAX_ROWS} more: download the report to see them all.`) : null);
  };
  filter.addEventListener('change', () => render(true));
  store.subscribe(() => render());
  render();
  return element;
}

function rowElement(row: FileReportRow): HTMLElement {
  return h('li', { class: `report-row ${row.outcome}`, testid: 'annotate.report-row', 'data-file': row.file, 'data-outcome': row.outcome },
    h('div', { class: 'report-head' },
      h('span', { class: `report-outcome ${row.outcome}` }, OUTCOME_TEXT[row.outcome]),
      h('span', { class: 'report-file' }, row.file),
      h('span', { class: 'report-summary' }, row.summary)),
    row.issues.length === 0 ? null : h('ul', { class: 'report-issues' }, ...row.issues.map(issueElement)));
}

function issueElement(issue: DatasetIssue): HTMLElement {
  const at = [issue.line === undefined ? null : `line ${issue.line}`, issue.element ?? null].filter(Boolean).join(', ');
  return h('li', { class: `report-issue ${issue.severity}`, testid: 'annotate.report-issue' },
    h('span', { class: 'report-severity' }, issue.severity), ' ',
    at ? h('span', { class: 'report-at' }, `${at}: `) : null,
    issue.message,
    issue.source === undefined ? null : h('code', { class: 'report-source' }, issue.source));
}
