/**
 * ZIP archives through fflate: a dataset zip read into the same path + bytes list a dropped folder gives, and an
 * export written as one zip. Pure (no DOM): the page and Node both call it.
 */
import { unzipSync, zipSync, type Zippable } from 'fflate';
import { isImagePath, normalizePath } from './paths';
import { DatasetError } from './report';

export interface ZipEntry {
  readonly path: string;
  readonly data: Uint8Array;
}

/** Entries an archiver adds beside the files: folders, macOS resource forks, Finder and Explorer metadata. */
export function isArchiveJunk(path: string): boolean {
  const p = normalizePath(path);
  const base = p.slice(p.lastIndexOf('/') + 1);
  return p.endsWith('/') || /(^|\/)__MACOSX\//.test(p) || base.startsWith('._') || base === '.DS_Store' ||
    base.toLowerCase() === 'thumbs.db';
}

/**
 * The files of a zip, each path under `root` (the zip's name without .zip, as a folder import puts the folder's
 * name first), junk left out. A damaged archive is a DatasetError naming the zip.
 */
export function readZip(bytes: Uint8Array, zipName: string, root: string): ZipEntry[] {
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes, { filter: (f) => !isArchiveJunk(f.name) });
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new DatasetError(`not a readable zip archive (${why}); re-create it, or unpack it and import the folder`, zipName);
  }
  return Object.entries(files).map(([path, data]) => ({ path: `${root}/${normalizePath(path)}`, data }));
}

/** One zip of the entries, in order: images stored as they are (already compressed), text deflated. */
export function writeZip(entries: readonly ZipEntry[]): Uint8Array {
  const tree: Zippable = {};
  for (const { path, data } of entries) {
    if (path in tree) throw new DatasetError(`two files would be written to ${path} in the zip`);
    tree[path] = [data, { level: isImagePath(path) ? 0 : 6 }];
  }
  return zipSync(tree);
}
