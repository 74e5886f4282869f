/**
 * Import and export of annotations in the training formats (src/data): a dropped folder or a set of files in any
 * layout assembleDataset reads (VOC devkit or XML, COCO JSON, YOLO, labels CSV); out as a VOC devkit zip (images,
 * Annotations/, ImageSets/Main/{train,test}.txt), as COCO JSON, or as a YOLO or labels-CSV zip (with the images
 * and root train.txt / test.txt), so every import format can be written back.
 */
import { assembleDataset, type DatasetFile } from '../../data/assemble';
import { exportCocoJson } from '../../data/export_coco';
import { exportLabelsCsv } from '../../data/export_csv';
import { exportVocFiles } from '../../data/export_voc';
import { exportYoloFiles } from '../../data/export_yolo';
import { checkImageFile, HEADER_BYTES } from '../../data/image_decode';
import { applyImageChecks, type ImageFileCheck } from '../../data/image_frame';
import { readImageHeader } from '../../data/image_header';
import { isImagePath, extension, stem } from '../../data/paths';
import type { DetectionRecord } from '../../data/record';
import { buildReport, DatasetError, formatReport, type DatasetIssue, type DatasetReport } from '../../data/report';
import { fileReportRows, withSourceLines, type FileReportRow } from '../../data/report_files';
import { toDataset, type AnnotatedImage, type AnnotationSet } from './annotation_set';
import { writeZip, type ZipEntry } from '../../data/zip_archive';
import { importPath } from './zip_files';

const TEXT_EXTENSIONS = new Set(['xml', 'json', 'txt', 'csv', 'names', 'yaml', 'yml', 'data']);
const MAX_TEXT_BYTES = 64 * 1024 * 1024;

export interface ImportedRecord {
  readonly record: DetectionRecord;
  readonly file: File;
  /** The split the files named for this image ('test' or 'val' lists → held out), or null. */
  readonly heldOut: boolean | null;
}

export interface ImportResult {
  readonly classNames: readonly string[];
  readonly records: readonly ImportedRecord[];
  /** What was read, and what was repaired, rejected or ignored (first line: the summary). */
  readonly report: string;
  /** One row per file given (and per folder an issue is about): the import report the panel shows. */
  readonly rows: readonly FileReportRow[];
  readonly layout: string;
}

async function toDatasetFile(file: File): Promise<DatasetFile | null> {
  const path = importPath(file);
  if (isImagePath(path)) {
    // the upright size: what the browser shows and what boxes are measured in (src/data/image_header.ts)
    const size = readImageHeader(new Uint8Array(await file.slice(0, HEADER_BYTES).arrayBuffer()))?.uprightSize;
    return { path, isImage: true, width: size?.width, height: size?.height };
  }
  if (TEXT_EXTENSIONS.has(extension(path)) && file.size <= MAX_TEXT_BYTES) {
    return { path, isImage: false, text: await file.text() };
  }
  return { path, isImage: false };
}

/** True when the files hold annotations, not only images. */
export function hasAnnotationFiles(files: readonly File[]): boolean {
  return files.some((f) => !isImagePath(importPath(f)) && TEXT_EXTENSIONS.has(extension(importPath(f))));
}

/** Reads a dataset from files; throws DatasetError (with a readable message) when nothing usable is found. */
export async function importAnnotations(files: readonly File[]): Promise<ImportResult> {
  const entries = (await Promise.all(files.map(toDatasetFile))).filter((f): f is DatasetFile => f !== null);
  const textOf = (path: string) => entries.find((e) => e.path === path)?.text;
  let assembled: ReturnType<typeof assembleDataset>;
  try {
    assembled = assembleDataset(entries);
  } catch (error) {
    // nothing usable: still a row for every file, each bad one with its own fault
    if (error instanceof DatasetError) throw new ImportError(error, fileReportRows({ files: entries, records: [],
      imagePaths: new Map(), annotationFiles: new Map(), issues: withSourceLines(errorIssues(error), textOf) }));
    throw error;
  }
  const byPath = new Map(files.map((f) => [importPath(f), f]));
  const heldOutNames = new Set([...assembled.splits].filter(([name]) => /^(test|val)$/i.test(name)).flatMap(([, list]) => list));
  const trainNames = new Set([...assembled.splits].filter(([name]) => /^(train|trainval)$/i.test(name)).flatMap(([, list]) => list));
  const fileOf = (record: DetectionRecord) => byPath.get(assembled.imagePaths.get(record.imageFile) ?? '');
  // every image is decoded once: one that cannot be is rejected in the report with its boxes, never dropped quietly
  const checked = applyImageChecks(assembled.dataset.records, allIssues(assembled.report), await checkImages(assembled.dataset.records, fileOf));
  const records: ImportedRecord[] = [];
  for (const record of checked.records) {
    const file = fileOf(record);
    if (!file) continue;
    const heldOut = heldOutNames.has(record.imageFile) ? true : trainNames.has(record.imageFile) ? false : null;
    records.push({ record, file, heldOut });
  }
  const report = buildReport(checked.records, checked.issues);
  const rows = fileReportRows({ files: entries, records: checked.records, imagePaths: assembled.imagePaths,
    annotationFiles: assembled.annotationFiles, issues: withSourceLines(checked.issues, textOf) });
  return { classNames: assembled.dataset.classNames, records, report: formatReport(report, 3), rows, layout: assembled.layout };
}

/** A dataset that could not be read at all, with the report's rows: the panel shows them as for any import. */
export class ImportError extends Error {
  constructor(readonly datasetError: DatasetError, readonly rows: readonly FileReportRow[]) {
    super(datasetError.message);
  }
}

/** The issues behind a DatasetError; one that names no file's issue becomes one itself. */
function errorIssues(error: DatasetError): DatasetIssue[] {
  if (error.issues.length > 0) return [...error.issues];
  return [{ severity: 'rejected', kind: 'bad-file', message: error.reason, file: error.file ?? '.', line: error.line, objects: 0 }];
}

function allIssues(report: DatasetReport): DatasetIssue[] {
  return [...report.repaired, ...report.rejected, ...report.warnings];
}

/** Decodes the records' images, a few at a time (createImageBitmap decodes off the main thread). */
async function checkImages(records: readonly DetectionRecord[], fileOf: (r: DetectionRecord) => File | undefined): Promise<Map<string, ImageFileCheck>> {
  const checks = new Map<string, ImageFileCheck>();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < records.length) {
      const record = records[next++];
      const file = fileOf(record);
      if (file) checks.set(record.imageFile, await checkImageFile(file, record.imageFile));
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  return checks;
}

/** A VOC devkit of the whole set, images included, as one zip. */
export async function exportVocZip(set: AnnotationSet, blobs: ReadonlyMap<string, Blob>): Promise<Blob> {
  const encoder = new TextEncoder();
  const labelled = set.images;
  const entries: ZipEntry[] = exportVocFiles(toDataset(set, labelled)).map((f) => ({ path: f.path, data: encoder.encode(f.text) }));
  for (const image of labelled) {
    const blob = blobs.get(image.id);
    if (blob) entries.push({ path: `JPEGImages/${image.name}`, data: new Uint8Array(await blob.arrayBuffer()) });
  }
  const list = (images: readonly AnnotatedImage[]): Uint8Array => encoder.encode(images.map((i) => `${stem(i.name)}\n`).join(''));
  entries.push({ path: 'ImageSets/Main/train.txt', data: list(labelled.filter((i) => i.split === 'train')) });
  entries.push({ path: 'ImageSets/Main/test.txt', data: list(labelled.filter((i) => i.split === 'test')) });
  return new Blob([writeZip(entries) as BlobPart], { type: 'application/zip' });
}

/** A YOLO set (classes.txt, labels/, images/) with root train.txt / test.txt, as one zip. */
export async function exportYoloZip(set: AnnotationSet, blobs: ReadonlyMap<string, Blob>): Promise<Blob> {
  return zipWithImages(set, blobs, exportYoloFiles(toDataset(set)), 'images/');
}

/** One labels CSV with the images beside it and root train.txt / test.txt, as one zip. */
export async function exportCsvZip(set: AnnotationSet, blobs: ReadonlyMap<string, Blob>): Promise<Blob> {
  return zipWithImages(set, blobs, [{ path: 'annotations.csv', text: exportLabelsCsv(toDataset(set)) }], '');
}

/** The annotation files, every image under `imageFolder`, and the splits as lists of image names. */
async function zipWithImages(set: AnnotationSet, blobs: ReadonlyMap<string, Blob>, files: readonly { path: string; text: string }[],
  imageFolder: string): Promise<Blob> {
  const encoder = new TextEncoder();
  const entries: ZipEntry[] = files.map((f) => ({ path: f.path, data: encoder.encode(f.text) }));
  for (const image of set.images) {
    const blob = blobs.get(image.id);
    if (blob) entries.push({ path: `${imageFolder}${image.name}`, data: new Uint8Array(await blob.arrayBuffer()) });
  }
  const list = (split: AnnotatedImage['split']) => encoder.encode(set.images.filter((i) => i.split === split).map((i) => `${i.name}\n`).join(''));
  entries.push({ path: 'train.txt', data: list('train') }, { path: 'test.txt', data: list('test') });
  return new Blob([writeZip(entries) as BlobPart], { type: 'application/zip' });
}

export function exportCoco(set: AnnotationSet): Blob {
  return new Blob([exportCocoJson(toDataset(set), 2)], { type: 'application/json' });
}

export function downloadBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
