/**
 * Runs the parser of the chosen layout over its annotation files. One broken file does not sink the dataset: it is
 * reported as a rejected 'bad-file' and the rest is read; only when every file fails is the first error thrown,
 * so a single unusable input still tells the user what to fix.
 */
import { issueAt } from './box_checks';
import type { ImageIndex } from './image_index';
import type { ClassifiedFiles, DatasetFile, LayoutKind } from './layout';
import { parseCocoJson } from './parse_coco';
import { parseLabelsCsv, type CsvOptions } from './parse_csv';
import { parseVocXml } from './parse_voc';
import { parseYoloTxt } from './parse_yolo';
import { baseName, stem } from './paths';
import type { DetectionRecord } from './record';
import { DatasetError, type DatasetIssue, type ParseResult } from './report';
import { parseYoloClassList } from './yolo_classes';

/** A parsed record and where it came from, before it is matched to an image file. */
export interface SourceRecord {
  readonly record: DetectionRecord;
  readonly file: string;
  /** Stem that names the image more reliably than the record's imageFile (VOC: the XML's own name). */
  readonly stemHint?: string;
  /** Already matched (YOLO needs the image before parsing, for its size). */
  readonly image?: DatasetFile;
}

export interface ParsedSources {
  readonly sources: SourceRecord[];
  readonly issues: DatasetIssue[];
  readonly classNames?: string[];
}

export function parseSources(
  layout: LayoutKind,
  files: ClassifiedFiles,
  index: ImageIndex,
  csv: CsvOptions,
): ParsedSources {
  switch (layout) {
    case 'voc-devkit':
    case 'voc':
      return parseEach(files.vocXml, (f) => parseVocXml(f.text!, f.path), (f) => stem(f.path));
    case 'coco':
      return parseEach(files.cocoJson, (f) => parseCocoJson(f.text!, f.path));
    case 'csv':
      return parseEach(files.labelCsvs, (f) => parseLabelsCsv(f.text!, f.path, csv));
    case 'yolo':
      return parseYolo(files, index);
  }
}

function parseEach(
  files: readonly DatasetFile[],
  parse: (f: DatasetFile) => ParseResult,
  stemHint: (f: DatasetFile) => string | undefined = () => undefined,
): ParsedSources {
  const sources: SourceRecord[] = [];
  const issues: DatasetIssue[] = [];
  const errors: DatasetError[] = [];
  let classNames: string[] | undefined;
  for (const f of [...files].sort((a, b) => (a.path < b.path ? -1 : 1))) {
    let result: ParseResult;
    try {
      result = parse(f);
    } catch (e) {
      if (!(e instanceof DatasetError)) throw e;
      errors.push(e);
      issues.push(issueAt({ file: f.path, line: e.line }, 'rejected', 'bad-file', e.reason, { objects: 0 }));
      continue;
    }
    for (const record of result.records) sources.push({ record, file: f.path, stemHint: stemHint(f) });
    issues.push(...result.issues);
    if (result.classNames) classNames = [...new Set([...(classNames ?? []), ...result.classNames])];
  }
  if (sources.length === 0 && errors.length > 0) {
    // every file failed: the first one's message, and every file's issue for the report
    throw new DatasetError(errors[0].reason, errors[0].file, errors[0].line, issues);
  }
  return { sources, issues, classNames };
}

const CLASS_LIST_PRIORITY = ['classes.txt', 'obj.names'];

function parseYolo(files: ClassifiedFiles, index: ImageIndex): ParsedSources {
  const lists = [...files.classLists].sort((a, b) => rank(a) - rank(b) || (a.path < b.path ? -1 : 1));
  if (lists.length === 0) {
    throw new DatasetError(
      'YOLO labels found but no class list: add classes.txt (or obj.names, or a data.yaml with names:), ' +
        'one class name per line in class-id order',
    );
  }
  const { classNames, issues } = parseYoloClassList(lists[0].text!, lists[0].path);
  for (const other of lists.slice(1)) {
    const msg = `class list not used: ${lists[0].path} was (classes.txt > obj.names > *.names > data.yaml)`;
    issues.push(issueAt({ file: other.path }, 'warning', 'ignored-file', msg));
  }
  const sources: SourceRecord[] = [];
  for (const label of files.yoloLabels) {
    const match = index.find(undefined, label.path, stem(label.path));
    if (match === undefined && index.size > 0) {
      const boxes = label.text!.split(/\r\n|\r|\n/).filter((l) => l.trim() !== '').length;
      const msg = `no image named '${stem(label.path)}.*' for this label file`;
      issues.push(issueAt({ file: label.path }, 'rejected', 'missing-image', msg, { objects: boxes }));
      continue;
    }
    const imageFile = match ? index.nameOf(match.image) : `${stem(label.path)}.jpg`;
    const size = { width: match?.image.width ?? 0, height: match?.image.height ?? 0 };
    const result = parseYoloTxt(label.text!, label.path, { imageFile, ...size }, classNames);
    issues.push(...result.issues);
    for (const record of result.records) sources.push({ record, file: label.path, image: match?.image });
  }
  return { sources, issues, classNames };
}

function rank(f: DatasetFile): number {
  const i = CLASS_LIST_PRIORITY.indexOf(baseName(f.path).toLowerCase());
  if (i >= 0) return i;
  return f.path.endsWith('.names') ? 2 : 3;
}
