/**
 * A folder's files -> one Dataset, whatever the layout (VOC devkit, VOC XML beside or next to the images, COCO
 * JSON, YOLO labels + class list, labels CSV). The page calls it with a dropped folder; scripts/lib/load_dataset.ts
 * with a directory read from disk. Recipe:
 *   1. classify the files and pick the layout (layout.ts)
 *   2. parse the layout's annotation files (parse_sources.ts)
 *   3. match records to image files; add unannotated images as unlabelled (match_sources.ts)
 *   4. fill sizes the annotations left out from the images' own sizes, clipping those boxes (repair_sizes.ts)
 *   5. fix the class list (given, the format's own, or sorted names)
 *   6. read the splits (list files, labels CSVs, else train/valid/test folders); restrict to the chosen one, cross-checking a labels CSV against the annotations
 *   7. build the report; an empty result is a DatasetError
 */
import { issueAt } from './box_checks';
import { compareSources } from './cross_check';
import { folderSplits } from './folder_splits';
import { ImageIndex } from './image_index';
import { chooseLayout, classifyFiles, type ClassifiedFiles, type DatasetFile, type LayoutKind } from './layout';
import { matchSources } from './match_sources';
import { parseLabelsCsv, type CsvOptions } from './parse_csv';
import { parseSources, type SourceRecord } from './parse_sources';
import { normalizePath, stem } from './paths';
import type { Dataset, DetectionRecord } from './record';
import { repairSizes } from './repair_sizes';
import { DatasetError, buildReport, type DatasetIssue, type DatasetReport } from './report';
import { readSplitList, resolveSplit, type SplitEntry } from './splits';

export type { DatasetFile, LayoutKind } from './layout';

export interface AssembleOptions {
  /** Restrict to a split: its name ('test'), the path of a list .txt / labels .csv among the files, or a file. */
  readonly split?: string | { readonly path: string; readonly text: string };
  /** Fixed class order (class id k = classNames[k - 1]); objects of other classes are rejected. */
  readonly classNames?: readonly string[];
  /** How a labels CSV writes corners (default 'voc', see parse_csv.ts). */
  readonly csvCoordinates?: CsvOptions['coordinates'];
}

export interface AssembledDataset {
  readonly dataset: Dataset;
  readonly layout: LayoutKind;
  /** record.imageFile -> path of its image among the input files. */
  readonly imagePaths: Map<string, string>;
  /** record.imageFile -> the annotation file it was read from (for the report's rows). */
  readonly annotationFiles: ReadonlyMap<string, string>;
  /** Every split found (name -> image files), resolved against the whole dataset. */
  readonly splits: Map<string, string[]>;
  readonly report: DatasetReport;
}

interface SplitSource {
  readonly path: string;
  readonly entries: SplitEntry[];
  /** The records of a labels CSV, for the cross-check. */
  readonly labels?: DetectionRecord[];
}

export function assembleDataset(files: readonly DatasetFile[], options: AssembleOptions = {}): AssembledDataset {
  if (files.length === 0) throw new DatasetError('empty dataset: no files were given');
  const classified = classifyFiles(files);
  const layout = chooseLayout(classified);
  const index = new ImageIndex(classified.images);
  const csv: CsvOptions = { coordinates: options.csvCoordinates };
  const parsed = parseSources(layout, classified, index, csv);
  const matched = matchSources(parsed.sources, index);
  const issues: DatasetIssue[] = [...relabel(parsed.issues, matched.renamed), ...matched.issues,
    ...ignoredFiles(classified, layout)];
  const sizeByPath = new Map(classified.images.map((f) => [f.path, f]));
  const sizeOf = (name: string) => {
    const f = sizeByPath.get(matched.imagePaths.get(name) ?? '');
    return f?.width && f.height ? { width: f.width, height: f.height } : undefined;
  };
  const repaired = repairSizes(matched.records, sizeOf,
    { verify: true, annotationFileOf: (name) => matched.annotationFiles.get(name) });
  issues.push(...repaired.issues);
  const classes = fixClasses(repaired.records, options.classNames ?? parsed.classNames, options.classNames, issues);
  let records = classes.records;

  const splitSources = readSplits(classified, layout === 'csv' ? parsed.sources : undefined, csv, issues);
  const keptImages = new Set(records.map((r) => r.imageFile));
  const inFolders = folderSplits(new Map([...matched.imagePaths].filter(([name]) => keptImages.has(name))));
  for (const [name, { folder, images }] of inFolders) {
    if (!splitSources.has(name)) splitSources.set(name, { path: folder, entries: images.map((id) => ({ id })) });
  }
  const splits = new Map([...splitSources].map(([name, s]) => [name, resolveSplit(s.entries, records, s.path).imageFiles]));
  let kept = issues;
  if (options.split !== undefined) {
    const chosen = findSplit(options.split, splitSources, csv);
    const resolved = resolveSplit(chosen.entries, records, chosen.path);
    const byName = new Map(records.map((r) => [r.imageFile, r]));
    records = resolved.imageFiles.map((f) => byName.get(f)!);
    kept = restrictIssues(issues, records, chosen.entries);
    kept.push(...resolved.issues);
    if (chosen.labels !== undefined && layout !== 'csv') kept.push(...compareSources(records, chosen.labels, chosen.path));
  } else {
    records = [...records].sort((a, b) => (a.imageFile < b.imageFile ? -1 : a.imageFile > b.imageFile ? 1 : 0));
  }
  if (records.length === 0) {
    const why = kept.filter((i) => i.severity === 'rejected').slice(0, 3).map((i) => `${i.file}: ${i.message}`);
    throw new DatasetError(`empty dataset: no usable image${why.length > 0 ? ` (${why.join('; ')})` : ''}`, undefined, undefined, kept);
  }
  const imagePaths = new Map(records.filter((r) => matched.imagePaths.has(r.imageFile))
    .map((r) => [r.imageFile, matched.imagePaths.get(r.imageFile)!]));
  return { dataset: { classNames: classes.classNames, records }, layout, imagePaths, annotationFiles: matched.annotationFiles, splits,
    report: buildReport(records, kept) };
}

/** Parsers name images as the annotation did; after matching, issues should use the name the records use. */
function relabel(issues: readonly DatasetIssue[], renamed: Map<string, string>): DatasetIssue[] {
  return issues.map((i) => {
    const name = i.imageFile === undefined ? undefined : renamed.get(`${i.file}\u0000${i.imageFile}`);
    return name === undefined || name === i.imageFile ? i : { ...i, imageFile: name };
  });
}

function ignoredFiles(c: ClassifiedFiles, layout: LayoutKind): DatasetIssue[] {
  const unused: [DatasetFile[], string][] = [
    [layout.startsWith('voc') ? [] : c.vocXml, 'VOC XML'],
    [layout === 'coco' ? [] : c.cocoJson, 'COCO JSON'],
    [layout === 'yolo' ? [] : [...c.yoloLabels, ...c.classLists], 'YOLO label or class file'],
    [c.unrecognised, 'unrecognised'],
  ];
  return unused.flatMap(([list, what]) => list.map((f) => {
    const msg = what === 'unrecognised' ? 'not a recognised annotation file; not used'
      : `${what} not used: the dataset was read as ${layout}`;
    return issueAt({ file: f.path }, 'warning', 'ignored-file', msg);
  }));
}

/** The class order, rejecting objects of classes outside a given list. */
function fixClasses(
  records: readonly DetectionRecord[],
  fromFormat: readonly string[] | undefined,
  given: readonly string[] | undefined,
  issues: DatasetIssue[],
): { records: DetectionRecord[]; classNames: string[] } {
  const present = [...new Set(records.flatMap((r) => r.objects.map((o) => o.className)))];
  if (given === undefined) {
    const extra = present.filter((c) => !(fromFormat ?? []).includes(c)).sort();
    return { records: [...records], classNames: [...(fromFormat ?? []), ...extra] };
  }
  const allowed = new Set(given);
  const out = records.map((r) => {
    if (r.objects.every((o) => allowed.has(o.className))) return r;
    r.objects.forEach((o, i) => {
      if (allowed.has(o.className)) return;
      const msg = `class '${o.className}' is not in the given class list`;
      issues.push(issueAt({ file: r.imageFile, element: `object[${i + 1}]`, imageFile: r.imageFile }, 'rejected',
        'unknown-class', msg));
    });
    return { ...r, objects: r.objects.filter((o) => allowed.has(o.className)) };
  });
  return { records: out, classNames: [...given] };
}

/** Split name -> source: list files (by stem, ImageSets/Main first) and labels CSVs. */
/**
 * Split name -> source: list files (by stem, ImageSets/Main first) and labels CSVs. In the csv layout the CSVs
 * were parsed as the annotations already (`csvSources`), so their image lists are taken from there.
 */
function readSplits(
  c: ClassifiedFiles,
  csvSources: readonly SourceRecord[] | undefined,
  csv: CsvOptions,
  issues: DatasetIssue[],
): Map<string, SplitSource> {
  const out = new Map<string, SplitSource>();
  const add = (source: SplitSource) => out.set(out.has(stem(source.path)) ? source.path : stem(source.path), source);
  const lists = [...c.splitLists].sort((a, b) => Number(!a.path.includes('ImageSets/Main/')) -
    Number(!b.path.includes('ImageSets/Main/')) || (a.path < b.path ? -1 : 1));
  for (const f of lists) add({ path: f.path, entries: readSplitList(f.text!) });
  for (const f of c.labelCsvs) {
    if (csvSources !== undefined) {
      // a CSV that failed to parse is already reported as a bad file
      const ids = csvSources.filter((s) => s.file === f.path).map((s) => ({ id: s.record.imageFile }));
      if (ids.length > 0) add({ path: f.path, entries: ids });
      continue;
    }
    const source = csvSplit(f.path, f.text!, csv, false);
    if (source) add(source);
    else {
      const msg = 'CSV without the filename,class,xmin,ymin,xmax,ymax columns: not used as labels or split';
      issues.push(issueAt({ file: f.path }, 'warning', 'ignored-file', msg));
    }
  }
  return out;
}

function csvSplit(path: string, text: string, csv: CsvOptions, rethrow: boolean): SplitSource | undefined {
  try {
    const labels = parseLabelsCsv(text, path, csv).records;
    return { path, entries: labels.map((r) => ({ id: r.imageFile })), labels };
  } catch (e) {
    if (rethrow || !(e instanceof DatasetError)) throw e;
    return undefined;
  }
}

function findSplit(
  split: NonNullable<AssembleOptions['split']>,
  splits: Map<string, SplitSource>,
  csv: CsvOptions,
): SplitSource {
  if (typeof split !== 'string') {
    const path = normalizePath(split.path);
    if (path.toLowerCase().endsWith('.csv')) {
      const source = csvSplit(path, split.text, csv, true);
      if (source) return source;
    }
    return { path, entries: readSplitList(split.text) };
  }
  const wanted = normalizePath(split);
  const found = splits.get(wanted) ??
    [...splits.values()].find((s) => s.path === wanted || s.path.endsWith(`/${wanted}`));
  if (found) return found;
  const names = [...splits.keys()];
  throw new DatasetError(
    `no split '${split}'. ${names.length > 0 ? `Splits found: ${names.join(', ')}` : 'No split files were found'}` +
      ' (a split is a .txt with one image id per line, or a labels .csv)',
  );
}

/** Keep the issues about images of the split (or the ids it names), and those about no image in particular. */
function restrictIssues(issues: readonly DatasetIssue[], records: readonly DetectionRecord[],
  entries: readonly SplitEntry[]): DatasetIssue[] {
  const names = new Set(records.map((r) => r.imageFile));
  const stems = new Set(entries.map((e) => stem(e.id).toLowerCase()));
  return issues.filter((i) => i.imageFile === undefined || names.has(i.imageFile) ||
    stems.has(stem(i.imageFile).toLowerCase()));
}
