/**
 * A stratified validation carve-out for a set that has no validation split: a seeded share of the training
 * images in which every class that appears in at least two images is represented, and no class loses its last
 * training image. Pure; the same seed and images give the same split (so a rerun compares like with like).
 */
import { createRng, shuffled } from './rng';
import { MAX_VALIDATION_IMAGES, MIN_IMAGES_TO_HOLD_OUT, VALIDATION_FRACTION } from './recipe';

export interface SplitCandidate {
  readonly id: string;
  /** Classes (any key) of the image's boxes; repeats allowed. */
  readonly classes: readonly (string | number)[];
}

export interface HoldoutOptions {
  readonly fraction?: number;
  readonly maxImages?: number;
  readonly seed?: number;
}

/** Ids of the images held out for validation, in the input's order. Empty for sets under MIN_IMAGES_TO_HOLD_OUT. */
export function stratifiedHoldout(images: readonly SplitCandidate[], options: HoldoutOptions = {}): Set<string> {
  const held = new Set<string>();
  const labelled = images.filter((image) => image.classes.length > 0);
  if (labelled.length < MIN_IMAGES_TO_HOLD_OUT) return held;
  const target = Math.min(options.maxImages ?? MAX_VALIDATION_IMAGES, Math.max(1, Math.round((options.fraction ?? VALIDATION_FRACTION) * labelled.length)));
  const order = shuffled(labelled, createRng(options.seed ?? 3));
  const imagesOf = new Map<string | number, number>();
  for (const image of labelled) for (const c of new Set(image.classes)) imagesOf.set(c, (imagesOf.get(c) ?? 0) + 1);
  const heldOf = new Map<string | number, number>();
  const canHold = (image: SplitCandidate) =>
    !held.has(image.id) && [...new Set(image.classes)].every((c) => (imagesOf.get(c) ?? 0) - (heldOf.get(c) ?? 0) > 1);
  const hold = (image: SplitCandidate) => {
    held.add(image.id);
    for (const c of new Set(image.classes)) heldOf.set(c, (heldOf.get(c) ?? 0) + 1);
  };
  // rarest class first: each gets its share of the held-out images (at least one), as far as the target allows
  const classes = [...imagesOf.keys()].sort((a, b) => imagesOf.get(a)! - imagesOf.get(b)!);
  for (const c of classes) {
    const want = Math.max(1, Math.round((target * imagesOf.get(c)!) / labelled.length));
    for (const image of order) {
      if (held.size >= target || (heldOf.get(c) ?? 0) >= want) break;
      if (image.classes.includes(c) && canHold(image)) hold(image);
    }
  }
  for (const image of order) {
    if (held.size >= target) break;
    if (canHold(image)) hold(image);
  }
  return held;
}
