/**
 * The canonical in-memory dataset: what every parser (VOC, COCO, YOLO, CSV) produces and every consumer
 * (proposal evaluation, training, VOC evaluation, export) reads.
 *
 * Boxes are continuous pixel coordinates [x1, y1, x2, y2] with no "+1": a VOC box with 1-based inclusive corners
 * (xmin, ymin, xmax, ymax) becomes [xmin - 1, ymin - 1, xmax, ymax]. That conversion happens once, in the VOC parser.
 */
import type { Box } from '../geometry/box';

export interface DetectionObject {
  /** Class name as written in the source file. */
  readonly className: string;
  readonly box: Box;
  /** PASCAL 'difficult': kept for training, ignored by VOC evaluation. */
  readonly difficult: boolean;
  /** PASCAL 'truncated' (object cut by the image border), when the source says; informational only. */
  readonly truncated?: boolean;
}

export interface DetectionRecord {
  /** File name of the image, relative to the dataset's image folder (e.g. "BloodImage_00001.jpg"). */
  readonly imageFile: string;
  /** Image size in pixels; 0 when the annotation did not say and the image has not been read yet. */
  readonly width: number;
  readonly height: number;
  readonly objects: readonly DetectionObject[];
  /**
   * True when no annotation file covered this image: `objects` is empty because nobody labelled it, which is not
   * the same as "contains no objects". Absent (or false) for annotated images, including annotated-as-empty ones.
   */
  readonly unlabelled?: boolean;
}

export interface Dataset {
  /** Foreground class names in a stable order; class id k (1-based, 0 = background) is classNames[k - 1]. */
  readonly classNames: readonly string[];
  readonly records: readonly DetectionRecord[];
}
