/** Per-class NMS for the page: the project's torchvision-semantics NMS (src/geometry/nms.ts) on one class's boxes. */
import { packBoxes } from '../geometry/box';
import { nms } from '../geometry/nms';
import type { ClassNms } from './detection_view';

export const geometryClassNms: ClassNms = (boxes, scores, iouThreshold) =>
  Array.from(nms(packBoxes(boxes), scores, iouThreshold));
