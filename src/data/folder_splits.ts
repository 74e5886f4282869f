/**
 * Splits given by folders, as Roboflow and many hand-made sets ship them: `train/`, `valid/` (or `val/`,
 * `validation/`), `test/` above the images, in any of the layouts. An image's split is the first folder on its path
 * (from the set's root) with one of these names; the names are read as `train`, `val` and `test`, the split names
 * the commands look for. Split list files and labels CSVs come first: a folder split only fills a name they leave free.
 */
import { normalizePath } from './paths';

const FOLDER_SPLIT_NAMES: ReadonlyMap<string, string> = new Map([
  ['train', 'train'], ['training', 'train'],
  ['val', 'val'], ['valid', 'val'], ['validation', 'val'], ['dev', 'val'],
  ['test', 'test'], ['testing', 'test'],
]);

/** The split an image's folders put it in and the folder's own name, or undefined (the file name is never read). */
export function folderSplitOf(imagePath: string): { split: string; folder: string } | undefined {
  const folders = normalizePath(imagePath).split('/').slice(0, -1);
  for (const folder of folders) {
    const split = FOLDER_SPLIT_NAMES.get(folder.toLowerCase());
    if (split !== undefined) return { split, folder };
  }
  return undefined;
}

export interface FolderSplit {
  /** The folder as named on disk ('valid'); `--split valid` finds it as well as `--split val`. */
  readonly folder: string;
  /** Image names (the keys of `imagePaths`), sorted. */
  readonly images: string[];
}

/**
 * Image names by folder split (`train`, `val`, `test`); empty when fewer than two splits are found or when some
 * image sits in none of them (then the folders are not a split of the whole set, and reading them as one would
 * leave images out of every split).
 */
export function folderSplits(imagePaths: ReadonlyMap<string, string>): Map<string, FolderSplit> {
  const out = new Map<string, FolderSplit>();
  for (const [name, path] of imagePaths) {
    const found = folderSplitOf(path);
    if (found === undefined) return new Map();
    const split = out.get(found.split);
    if (split) split.images.push(name);
    else out.set(found.split, { folder: found.folder, images: [name] });
  }
  if (out.size < 2) return new Map();
  for (const split of out.values()) split.images.sort();
  return out;
}
