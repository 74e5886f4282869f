/**
 * The set of images being annotated: each image's boxes and its role in fine-tuning, plus the shared class list.
 * Converts to and from the project's canonical Dataset (src/data/record.ts), which import, export and training use.
 */
import type { Dataset } from '../../data/record';
import type { AnnotationBox, AnnotationClass } from './editor';

/** Training images, held-out (test) images, or neither. */
export type Split = 'train' | 'test' | 'unused';

export interface AnnotatedImage {
  /** Stable key (also the IndexedDB key). */
  readonly id: string;
  /** File name, unique within the set (export writes it as the record's imageFile). */
  readonly name: string;
  readonly width: number;
  readonly height: number;
  readonly boxes: readonly AnnotationBox[];
  readonly split: Split;
}

export interface AnnotationSet {
  readonly classes: readonly AnnotationClass[];
  readonly images: readonly AnnotatedImage[];
}

export const EMPTY_SET: AnnotationSet = { classes: [{ id: 1, name: 'object' }], images: [] };

/** Class names in id order: class id k is classNames[k - 1] (ids are 1..K with no gaps: classes are never deleted). */
export function classNamesOf(set: AnnotationSet): string[] {
  return [...set.classes].sort((a, b) => a.id - b.id).map((c) => c.name);
}

/** The canonical Dataset of the given images (all by default). */
export function toDataset(set: AnnotationSet, images: readonly AnnotatedImage[] = set.images): Dataset {
  const nameOf = new Map(set.classes.map((c) => [c.id, c.name]));
  return {
    classNames: classNamesOf(set),
    records: images.map((image) => ({
      imageFile: image.name,
      width: image.width,
      height: image.height,
      objects: image.boxes.map((b) => ({ className: nameOf.get(b.classId) ?? `class ${b.classId}`, box: b.box,
        difficult: b.difficult ?? false, ...(b.truncated === undefined ? {} : { truncated: b.truncated }) })),
    })),
  };
}

/**
 * Merges a Dataset's classes into the set's (by name; new names get new ids) and returns the boxes of each record
 * with the merged ids. Existing class ids never change.
 */
export function mergeClasses(set: AnnotationSet, classNames: readonly string[]): { classes: AnnotationClass[]; idOf: Map<string, number> } {
  const classes = [...set.classes];
  const idOf = new Map(classes.map((c) => [c.name, c.id]));
  for (const name of classNames) {
    if (idOf.has(name)) continue;
    const id = Math.max(0, ...classes.map((c) => c.id)) + 1;
    classes.push({ id, name });
    idOf.set(name, id);
  }
  return { classes, idOf };
}

/** A name not used by any image of the set: "a.jpg", then "a (2).jpg", "a (3).jpg"… */
export function uniqueName(set: AnnotationSet, name: string): string {
  return unusedName(new Set(set.images.map((i) => i.name)), name);
}

/** uniqueName against a set of names the caller keeps up to date (one Set for many names, not one per name). */
export function unusedName(taken: ReadonlySet<string>, name: string): string {
  if (!taken.has(name)) return name;
  const dot = name.lastIndexOf('.');
  const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
  for (let n = 2; ; n++) if (!taken.has(`${stem} (${n})${ext}`)) return `${stem} (${n})${ext}`;
}

export function boxCount(set: AnnotationSet): number {
  return set.images.reduce((sum, image) => sum + image.boxes.length, 0);
}
