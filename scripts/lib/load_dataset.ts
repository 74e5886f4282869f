/**
 * Node side of dataset import for the headless commands: reads a directory tree into the same file list the page
 * builds from a dropped folder, and hands it to assembleDataset. Image sizes come from the file headers
 * (src/data/image_header.ts), so sizes missing from annotations are filled and YOLO boxes can be placed without
 * decoding. Sizes are upright (EXIF orientation applied), as the page's decoder and the training worker see the
 * pixels; then each image file goes through the same checks as a page import (src/data/image_frame.ts), from its
 * bytes: a file that is not an image or is truncated is rejected in the report with its boxes, and boxes annotated
 * on an EXIF photo's unrotated pixels are turned upright.
 */
import { existsSync, statSync } from 'node:fs';
import { readFile, readdir, stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { assembleDataset, type AssembleOptions, type AssembledDataset, type DatasetFile } from '../../src/data/assemble';
import { applyImageChecks, checkImageBytes, type ImageFileCheck } from '../../src/data/image_frame';
import { readImageHeader } from '../../src/data/image_header';
import { extension, isImagePath } from '../../src/data/paths';
import { buildReport, DatasetError } from '../../src/data/report';

export interface LoadDatasetOptions extends Omit<AssembleOptions, 'split'> {
  /** A split name ('test'), or the path of a list .txt / labels .csv (relative to the cwd or to `dir`). */
  readonly split?: string;
}

export interface LoadedDataset extends AssembledDataset {
  /** record.imageFile -> absolute path of the image on disk. */
  readonly imagePaths: Map<string, string>;
}

const TEXT_EXTENSIONS = new Set(['xml', 'json', 'csv', 'txt', 'names', 'yaml', 'yml']);
const SKIPPED_DIRS = new Set(['node_modules', '__MACOSX']);
const MAX_DEPTH = 24;

export async function loadDatasetDir(dir: string, options: LoadDatasetOptions = {}): Promise<LoadedDataset> {
  const root = resolve(dir);
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new DatasetError(`not a directory: ${dir}`);
  const paths = await listFiles(root, '', 0);
  const files = await mapLimited(paths, 32, (rel) => readEntry(root, rel));
  const { split, ...rest } = options;
  const entries = files.filter((f): f is ReadEntry => f !== undefined);
  const assembled = assembleDataset(entries.map((e) => e.file),
    { ...rest, split: split === undefined ? undefined : await resolveSplit(root, split) });
  const checkOf = new Map(entries.filter((e) => e.check !== undefined).map((e) => [e.file.path, e.check!]));
  const checks = new Map<string, ImageFileCheck>();
  for (const [name, rel] of assembled.imagePaths) if (checkOf.has(rel)) checks.set(name, checkOf.get(rel)!);
  const { report } = assembled;
  const checked = applyImageChecks(assembled.dataset.records, [...report.repaired, ...report.rejected, ...report.warnings], checks);
  const kept = new Set(checked.records.map((r) => r.imageFile));
  const imagePaths = new Map([...assembled.imagePaths].filter(([name]) => kept.has(name)).map(([name, rel]) => [name, join(root, ...rel.split('/'))]));
  return { ...assembled, dataset: { ...assembled.dataset, records: checked.records }, report: buildReport(checked.records, checked.issues), imagePaths };
}

interface ReadEntry {
  readonly file: DatasetFile;
  /** Images only: what their bytes say (see checkImageBytes). */
  readonly check?: ImageFileCheck;
}

async function listFiles(root: string, rel: string, depth: number): Promise<string[]> {
  if (depth > MAX_DEPTH) return [];
  const entries = await readdir(join(root, rel), { withFileTypes: true });
  const out: string[] = [];
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (e.name.startsWith('.') || SKIPPED_DIRS.has(e.name)) continue;
    const path = rel === '' ? e.name : `${rel}/${e.name}`;
    // symlinked folders are not followed (loops); symlinked files are
    const isFile = e.isFile() || (e.isSymbolicLink() && (await stat(join(root, path)).catch(() => undefined))?.isFile());
    if (e.isDirectory()) out.push(...(await listFiles(root, path, depth + 1)));
    else if (isFile) out.push(path);
  }
  return out;
}

async function readEntry(root: string, rel: string): Promise<ReadEntry | undefined> {
  const abs = join(root, ...rel.split('/'));
  if (isImagePath(rel)) {
    // the whole file: its end tells a truncated image (an image is read again anyway when it is used)
    const bytes = new Uint8Array(await readFile(abs));
    const size = readImageHeader(bytes)?.uprightSize;
    return { file: { path: rel, isImage: true, width: size?.width, height: size?.height }, check: checkImageBytes(rel, bytes) };
  }
  if (TEXT_EXTENSIONS.has(extension(rel))) return { file: { path: rel, isImage: false, text: await readFile(abs, 'utf8') } };
  return undefined;
}

/** A path inside the dataset stays a path among its files; one outside is read and passed in. */
async function resolveSplit(root: string, split: string): Promise<AssembleOptions['split']> {
  for (const candidate of [resolve(split), resolve(root, split)]) {
    if (!existsSync(candidate) || !statSync(candidate).isFile()) continue;
    const rel = relative(root, candidate);
    if (!rel.startsWith('..') && !rel.startsWith(sep) && rel !== '') return rel.split(sep).join('/');
    return { path: candidate, text: await readFile(candidate, 'utf8') };
  }
  return split; // a split name such as 'test'
}

async function mapLimited<T, U>(items: readonly T[], limit: number, fn: (t: T) => Promise<U>): Promise<U[]> {
  const out: U[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
