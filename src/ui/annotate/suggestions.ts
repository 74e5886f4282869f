/**
 * Model-assisted labelling, the pure part (no DOM, no tfjs): the current model's detections on an image become
 * suggestions, kept apart from the user's boxes (so they are never exported or trained on), shown above a score
 * threshold, their classes mapped by name onto the dataset's, and accepted ones turned into ordinary boxes.
 */
import { boxArea, iou, type Box } from '../../geometry/box';
import type { AnnotationBox, AnnotationClass } from './editor';

/** Suggestions scoring below this are hidden until the user lowers the threshold. */
export const DEFAULT_SUGGESTION_THRESHOLD = 0.5;
/** A suggestion that overlaps one of the user's boxes of its class this much repeats it, and is not offered. */
export const DUPLICATE_IOU = 0.7;

export interface Suggestion {
  /** Unique within the page's suggestions. */
  readonly id: string;
  /** The class as the model names it. */
  readonly modelClass: string;
  readonly score: number;
  /** Original image pixels, like the user's boxes. */
  readonly box: Box;
}

/** What a detection carries that a suggestion needs (model/detection_types.ts Detection has it). */
export interface ScoredBox {
  readonly className: string;
  readonly score: number;
  readonly box: Box;
}

/** The user's class choices: a model class (lower-cased) → the dataset class its boxes get. */
export type ClassMapping = ReadonlyMap<string, number>;

/** Where a model class's boxes go: an existing class (matched by name or chosen by the user), or a new class. */
export type ClassTarget =
  | { readonly kind: 'existing'; readonly classId: number; readonly how: 'name' | 'chosen' }
  | { readonly kind: 'new'; readonly name: string };

/** One image's detections as suggestions, best first; ids are `${idPrefix}.1`, `${idPrefix}.2`, … */
export function suggestionsFromDetections(detections: readonly ScoredBox[], idPrefix: string): Suggestion[] {
  return [...detections]
    .filter((d) => Number.isFinite(d.score) && boxArea(d.box) > 0)
    .sort((a, b) => b.score - a.score)
    .map((d, i) => ({ id: `${idPrefix}.${i + 1}`, modelClass: d.className, score: d.score, box: d.box }));
}

/** How a class name is matched: trimmed, any case (the mapping the user chooses is keyed by it too). */
export const classKey = (name: string): string => name.trim().toLowerCase();

/** The user's choice when its class still exists, else the dataset class of the same name (any case), else new. */
export function classTarget(modelClass: string, classes: readonly AnnotationClass[], mapping: ClassMapping): ClassTarget {
  const key = classKey(modelClass);
  const chosen = mapping.get(key);
  if (chosen !== undefined && classes.some((c) => c.id === chosen)) return { kind: 'existing', classId: chosen, how: 'chosen' };
  const byName = classes.find((c) => classKey(c.name) === key);
  if (byName) return { kind: 'existing', classId: byName.id, how: 'name' };
  return { kind: 'new', name: modelClass.trim() };
}

/** The model classes among `suggestions` that the dataset does not have (yet), in order of first appearance. */
export function unknownClasses(suggestions: readonly Suggestion[], classes: readonly AnnotationClass[], mapping: ClassMapping): string[] {
  const names = new Map<string, string>();
  for (const s of suggestions) {
    const target = classTarget(s.modelClass, classes, mapping);
    if (target.kind === 'new' && !names.has(classKey(target.name))) names.set(classKey(target.name), target.name);
  }
  return [...names.values()];
}

/**
 * The suggestions to offer: at or above the threshold, and not repeating a box the user already has (same target
 * class, IoU ≥ DUPLICATE_IOU), best first.
 */
export function visibleSuggestions(
  suggestions: readonly Suggestion[], threshold: number,
  boxes: readonly AnnotationBox[], classes: readonly AnnotationClass[], mapping: ClassMapping,
): Suggestion[] {
  return suggestions.filter((s) => {
    if (!(s.score >= threshold)) return false;
    const target = classTarget(s.modelClass, classes, mapping);
    if (target.kind === 'new') return true;
    return !boxes.some((b) => b.classId === target.classId && iou(b.box, s.box) >= DUPLICATE_IOU);
  });
}

/**
 * Accepting suggestions: the class list with any new classes their boxes need (one per unknown name, next free
 * ids; existing ids never change), and each suggestion as a box of its target class, in the given order.
 */
export function acceptSuggestions(
  suggestions: readonly Suggestion[], classes: readonly AnnotationClass[], mapping: ClassMapping,
): { classes: readonly AnnotationClass[]; boxes: { classId: number; box: Box }[] } {
  const out = [...classes];
  const boxes = suggestions.map((s) => {
    const target = classTarget(s.modelClass, out, mapping);
    if (target.kind === 'existing') return { classId: target.classId, box: s.box };
    const id = Math.max(0, ...out.map((c) => c.id)) + 1;
    out.push({ id, name: target.name });
    return { classId: id, box: s.box };
  });
  return { classes: out.length === classes.length ? classes : out, boxes };
}

/** "raccoon 0.93": how a suggestion is labelled on the canvas and in the list. */
export function suggestionLabel(s: Suggestion, className: string): string {
  return `${className} ${s.score.toFixed(2)}`;
}
