/**
 * Finds the image an annotation means. Annotation tools often get the name slightly wrong (a full path from the
 * annotator's machine, .png vs .jpg, a renamed file), so the lookup falls back from exact path to file name to
 * stem, and among several candidates prefers the folder where this layout keeps images (Annotations/ ->
 * JPEGImages/, labels/ -> images/, or the annotation's own folder).
 */
import type { DatasetFile } from './layout';
import { baseName, dirName, normalizePath, stem } from './paths';

export type MatchKind = 'path' | 'name' | 'stem';

export interface ImageMatch {
  readonly image: DatasetFile;
  readonly how: MatchKind;
}

/** Folder renames from an annotation folder to its image folder, in the common layouts. */
const IMAGE_FOLDER_OF: Readonly<Record<string, string>> = { Annotations: 'JPEGImages', labels: 'images',
  annotations: 'images', Labels: 'Images' };

export class ImageIndex {
  private readonly byPath = new Map<string, DatasetFile>();
  private readonly byName = new Map<string, DatasetFile[]>();
  private readonly byStem = new Map<string, DatasetFile[]>();
  private readonly names = new Map<DatasetFile, string>();

  constructor(readonly images: readonly DatasetFile[]) {
    for (const img of images) {
      this.byPath.set(img.path, img);
      push(this.byName, baseName(img.path).toLowerCase(), img);
      push(this.byStem, stem(img.path).toLowerCase(), img);
    }
    // The record's imageFile: the bare file name when it is unique, else the relative path.
    for (const img of images) {
      const unique = this.byName.get(baseName(img.path).toLowerCase())!.length === 1;
      this.names.set(img, unique ? baseName(img.path) : img.path);
    }
  }

  get size(): number {
    return this.images.length;
  }

  nameOf(image: DatasetFile): string {
    return this.names.get(image) ?? image.path;
  }

  /**
   * `name`: what the annotation calls the image (may be a path, may be wrong). `near`: the annotation file's path.
   * `stemHint`: a stem that should win over `name` (VOC: the XML's own stem, as the devkit reads it).
   */
  find(name: string | undefined, near: string, stemHint?: string): ImageMatch | undefined {
    const wanted = name === undefined || name.trim() === '' ? undefined : normalizePath(name.trim());
    const fits = (img: DatasetFile) => stemHint === undefined || stem(img.path) === stemHint;
    const wantedName = wanted === undefined ? '' : baseName(wanted);
    const named = (img: DatasetFile): MatchKind => (baseName(img.path) === wantedName ? 'name' : 'stem');
    // 1. the exact path, relative to the annotation or to the root, or as a path suffix
    if (wanted !== undefined) {
      const sameName = this.byName.get(baseName(wanted).toLowerCase()) ?? [];
      const suffix = wanted.includes('/') ? sameName.filter((i) => i.path.endsWith(`/${wanted}`)) : [];
      const exact = this.byPath.get(normalizePath(`${dirName(near)}/${wanted}`)) ?? this.byPath.get(wanted) ??
        (suffix.length > 0 ? closest(suffix, near) : undefined);
      if (exact !== undefined && fits(exact)) return { image: exact, how: 'path' };
    }
    // 2. the file name, agreeing with the stem hint
    const byName = this.byName.get(wantedName.toLowerCase()) ?? [];
    if (byName.some(fits)) return { image: closest(byName.filter(fits), near), how: 'name' };
    // 3. the stem hint alone (VOC devkit: the XML's name decides, as in the reference loaders)
    const hinted = stemHint === undefined ? [] : (this.byStem.get(stemHint.toLowerCase()) ?? []);
    if (hinted.length > 0) {
      const image = closest(hinted, near);
      return { image, how: named(image) };
    }
    // 4. the file name alone, then its stem (.png written, .jpg on disk)
    if (byName.length > 0) return { image: closest(byName, near), how: 'name' };
    const stems = wanted === undefined ? [] : (this.byStem.get(stem(wanted).toLowerCase()) ?? []);
    if (stems.length > 0) {
      const image = closest(stems, near);
      return { image, how: named(image) };
    }
    return undefined;
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** The candidate in the layout's image folder, else the annotation's folder, else the longest shared prefix. */
function closest(candidates: readonly DatasetFile[], near: string): DatasetFile {
  const nearDir = dirName(near).split('/');
  const imageDir = nearDir.map((s) => IMAGE_FOLDER_OF[s] ?? s).join('/');
  const score = (img: DatasetFile) => {
    const dir = dirName(img.path);
    if (dir === imageDir) return 2000;
    if (dir === nearDir.join('/')) return 1000;
    const parts = dir.split('/');
    let k = 0;
    while (k < parts.length && k < nearDir.length && parts[k] === nearDir[k]) k++;
    return k;
  };
  return candidates.reduce((best, c) => (score(c) > score(best) ? c : best));
}
