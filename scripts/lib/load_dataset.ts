/**
 * Node side of dataset import for the headless commands: reads a directory tree into the same file list the page
 * builds from a dropped folder, and hands it to assembleDataset. Image sizes come from the file headers
 * (imageSizeFromBytes), so sizes missing from annotations are filled and YOLO boxes can be placed without decoding.
 */
import { existsSync, statSync } from 'node:fs';
import { open, readFile, readdir, stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { assembleDataset, type AssembleOptions, type AssembledDataset, type DatasetFile } from '../../src/data/assemble';
import { imageSizeFromBytes } from '../../src/data/image_size';
import { extension, isImagePath } from '../../src/data/paths';
import { DatasetError } from '../../src/data/report';

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
const HEADER_BYTES = 256 * 1024;

export async function loadDatasetDir(dir: string, options: LoadDatasetOptions = {}): Promise<LoadedDataset> {
  const root = resolve(dir);
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new DatasetError(`not a directory: ${dir}`);
  const paths = await listFiles(root, '', 0);
  const files = await mapLimited(paths, 32, (rel) => readEntry(root, rel));
  const { split, ...rest } = options;
  const assembled = assembleDataset(files.filter((f): f is DatasetFile => f !== undefined),
    { ...rest, split: split === undefined ? undefined : await resolveSplit(root, split) });
  const imagePaths = new Map([...assembled.imagePaths].map(([name, rel]) => [name, join(root, ...rel.split('/'))]));
  return { ...assembled, imagePaths };
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

async function readEntry(root: string, rel: string): Promise<DatasetFile | undefined> {
  const abs = join(root, ...rel.split('/'));
  if (isImagePath(rel)) return { path: rel, isImage: true, ...(await readImageSize(abs)) };
  if (TEXT_EXTENSIONS.has(extension(rel))) return { path: rel, isImage: false, text: await readFile(abs, 'utf8') };
  return undefined;
}

/** Header first; the whole file only when the size marker lies further in (JPEGs with a big EXIF block). */
async function readImageSize(abs: string): Promise<{ width?: number; height?: number }> {
  const handle = await open(abs, 'r');
  try {
    const buf = new Uint8Array(HEADER_BYTES);
    const { bytesRead } = await handle.read(buf, 0, HEADER_BYTES, 0);
    const size = imageSizeFromBytes(buf.subarray(0, bytesRead)) ??
      (bytesRead === HEADER_BYTES ? imageSizeFromBytes(await readFile(abs)) : undefined);
    return size ?? {};
  } finally {
    await handle.close();
  }
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
