/** Which drawn box is under the pointer: pure, in image coordinates. */
import { boxArea, type Box } from '../geometry/box';
import type { Point } from './viewport';

export interface Hittable {
  readonly key: string;
  readonly box: Box;
}

/**
 * The smallest box that contains `point` (grown by `tolerance` image pixels on each side), so a small box inside a
 * large one can still be picked. Ties go to the earlier item (callers list the best score first). Null if none.
 */
export function hitTest(items: readonly Hittable[], point: Point, tolerance = 0): string | null {
  let best: Hittable | null = null;
  for (const item of items) {
    const [x1, y1, x2, y2] = item.box;
    if (point.x < x1 - tolerance || point.x > x2 + tolerance || point.y < y1 - tolerance || point.y > y2 + tolerance) continue;
    if (best == null || boxArea(item.box) < boxArea(best.box)) best = item;
  }
  return best?.key ?? null;
}
