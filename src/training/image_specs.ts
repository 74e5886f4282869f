/**
 * The one dataset → training-image converter: an image's labelled objects (class names and corner boxes, the
 * canonical record's shape, src/data/record.ts) → what a TrainImageSpec carries of them (packed gt boxes, 1-based
 * class ids in `classNames`' order, difficult flags). The Train tab (ui/train/train_plan.ts), the library
 * (api/dataset.ts) and the headless commands (scripts/lib/train_job.ts) all call it; each makes its own image URLs.
 */
import type { Box } from '../geometry/box';

export interface LabelledObjectInput {
  readonly className: string;
  /** x1, y1, x2, y2 in the image's pixels. */
  readonly box: Box;
  readonly difficult?: boolean;
}

/** An object left out of the image's labels, with the image's id. */
export interface LabelIssue {
  readonly imageId: string;
  readonly kind: 'unknown-label' | 'bad-box';
  /** "image <id> has …": a sentence to show or throw. */
  readonly message: string;
}

/** What a TrainImageSpec carries of the image's labels. */
export interface ImageLabels {
  readonly gtBoxes: number[];
  readonly gtClasses: number[];
  readonly difficult: boolean[];
}

/**
 * The image's labels. Objects whose class is not one of `classNames`, and empty (x2 <= x1 or y2 <= y1) or
 * non-finite boxes, are left out and reported: the caller decides whether that is an error (the library), expected
 * (evaluating a model whose classes are a subset of the set's) or impossible.
 */
export function imageLabels(imageId: string, objects: readonly LabelledObjectInput[], classNames: readonly string[]): ImageLabels & { readonly issues: LabelIssue[] } {
  const gtBoxes: number[] = [];
  const gtClasses: number[] = [];
  const difficult: boolean[] = [];
  const issues: LabelIssue[] = [];
  for (const object of objects) {
    const classIndex = classNames.indexOf(object.className);
    if (classIndex < 0) {
      issues.push({ imageId, kind: 'unknown-label', message: `image ${imageId} has the label '${object.className}', which is not one of ${classNames.join(', ')}` });
      continue;
    }
    const [x1, y1, x2, y2] = object.box;
    if (![x1, y1, x2, y2].every(Number.isFinite) || x2 <= x1 || y2 <= y1) {
      issues.push({ imageId, kind: 'bad-box', message: `image ${imageId} has an empty or non-finite box (${x1}, ${y1}, ${x2}, ${y2})` });
      continue;
    }
    gtBoxes.push(x1, y1, x2, y2);
    gtClasses.push(classIndex + 1);
    difficult.push(object.difficult ?? false);
  }
  return { gtBoxes, gtClasses, difficult, issues };
}
