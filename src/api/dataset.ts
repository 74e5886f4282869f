/**
 * A public DetectorDataset -> what the training worker and the evaluation read (TrainImageSpec: an absolute image
 * URL the worker can fetch, packed gt boxes, 1-based class ids, through training/image_specs.ts). Blobs become
 * object URLs, revoked by `release`.
 */
import { imageLabels } from '../training/image_specs';
import type { TrainImageSpec } from '../training/protocol';
import { DetectorError } from './errors';
import { resolvePageUrl } from './model_files';
import type { DetectorDataset, LabelledImage, LabelledObject } from './types';

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
  const objectUrls: string[] = [];
  const images = dataset.images.map((image, index): TrainImageSpec => {
    const id = image.id ?? (typeof image.image === 'string' || image.image instanceof URL ? String(image.image) : `image-${index}`);
    const objects = image.objects.map(({ label, box, difficult }: LabelledObject) => ({ className: label, box: [box.xmin, box.ymin, box.xmax, box.ymax] as const, difficult }));
    const { issues, ...labels } = imageLabels(id, objects, classNames);
    if (issues.length > 0) throw new DetectorError('dataset', `${what}: ${issues[0].message}`);
    return { id, url: imageUrl(image, objectUrls), ...labels };
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
