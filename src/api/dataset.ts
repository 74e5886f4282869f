/**
 * A public DetectorDataset -> what the training worker and the evaluation read (TrainImageSpec: an absolute image
 * URL the worker can fetch, packed gt boxes, 1-based class ids). Blobs become object URLs, revoked by `release`.
 */
import type { TrainImageSpec } from '../training/protocol';
import { DetectorError } from './errors';
import { resolvePageUrl } from './model_files';
import type { DetectorDataset, LabelledImage } from './types';

export interface DatasetSpecs {
  readonly classNames: readonly string[];
  readonly images: TrainImageSpec[];
  /** Revokes the object URLs made for Blob images. */
  release(): void;
}

/** The dataset's class order: given, else the labels found, sorted. */
export function datasetClassNames(dataset: DetectorDataset): string[] {
  if (dataset.classNames !== undefined) return [...dataset.classNames];
  return [...new Set(dataset.images.flatMap((image) => image.objects.map((o) => o.label)))].sort();
}

/** Specs for every image; every label must be one of `classNames` and every box non-empty and finite. */
export function datasetSpecs(dataset: DetectorDataset, classNames: readonly string[], what: string): DatasetSpecs {
  if (!Array.isArray(dataset?.images) || dataset.images.length === 0) throw new DetectorError('dataset', `${what}: the dataset has no images`);
  const classIds = new Map(classNames.map((name, i) => [name, i + 1]));
  const objectUrls: string[] = [];
  const images = dataset.images.map((image, index): TrainImageSpec => {
    const id = image.id ?? (typeof image.image === 'string' || image.image instanceof URL ? String(image.image) : `image-${index}`);
    const url = imageUrl(image, objectUrls);
    const gtBoxes: number[] = [];
    const gtClasses: number[] = [];
    const difficult: boolean[] = [];
    for (const object of image.objects) {
      const classId = classIds.get(object.label);
      if (classId === undefined) throw new DetectorError('dataset', `${what}: image ${id} has the label '${object.label}', which is not one of ${classNames.join(', ')}`);
      const { xmin, ymin, xmax, ymax } = object.box;
      if (![xmin, ymin, xmax, ymax].every(Number.isFinite) || xmax <= xmin || ymax <= ymin) {
        throw new DetectorError('dataset', `${what}: image ${id} has an empty or non-finite box (${xmin}, ${ymin}, ${xmax}, ${ymax})`);
      }
      gtBoxes.push(xmin, ymin, xmax, ymax);
      gtClasses.push(classId);
      difficult.push(object.difficult ?? false);
    }
    return { id, url, gtBoxes, gtClasses, difficult };
  });
  const ids = new Set(images.map((i) => i.id));
  if (ids.size !== images.length) throw new DetectorError('dataset', `${what}: two images share an id; give each a unique id`);
  return { classNames, images, release: () => objectUrls.forEach((u) => URL.revokeObjectURL(u)) };
}

/** Workers resolve relative URLs against their own script, so every URL is made absolute here. */
function imageUrl(image: LabelledImage, objectUrls: string[]): string {
  if (image.image instanceof Blob) {
    const url = URL.createObjectURL(image.image);
    objectUrls.push(url);
    return url;
  }
  return resolvePageUrl(String(image.image));
}
