/**
 * Resize handles of a selected box and pure hit tests for the annotation editor, in image coordinates.
 * Handle i sits at renderer.ts handleCentres(box)[i]: 0 top-left, 1 top, 2 top-right, 3 right, 4 bottom-right,
 * 5 bottom, 6 bottom-left, 7 left. Each moves the edges it touches.
 */
import { boxArea, type Box } from '../../geometry/box';
import type { Point } from '../../render/viewport';

export type HandleIndex = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7;

/** Which edges each handle drags: [moves x1, moves y1, moves x2, moves y2]. */
const EDGES: Record<HandleIndex, readonly [boolean, boolean, boolean, boolean]> = {
  0: [true, true, false, false],
  1: [false, true, false, false],
  2: [false, true, true, false],
  3: [false, false, true, false],
  4: [false, false, true, true],
  5: [false, false, false, true],
  6: [true, false, false, true],
  7: [true, false, false, false],
};

export const HANDLE_CURSORS: Record<HandleIndex, string> = {
  0: 'nwse-resize', 1: 'ns-resize', 2: 'nesw-resize', 3: 'ew-resize',
  4: 'nwse-resize', 5: 'ns-resize', 6: 'nesw-resize', 7: 'ew-resize',
};

export function handlePoints(box: Box): Point[] {
  const [x1, y1, x2, y2] = box;
  const mx = (x1 + x2) / 2;
  const my = (y1 + y2) / 2;
  return [{ x: x1, y: y1 }, { x: mx, y: y1 }, { x: x2, y: y1 }, { x: x2, y: my }, { x: x2, y: y2 }, { x: mx, y: y2 }, { x: x1, y: y2 }, { x: x1, y: my }];
}

/** The handle within `tolerance` of the point (nearest first), or null. */
export function hitHandle(box: Box, point: Point, tolerance: number): HandleIndex | null {
  let best: HandleIndex | null = null;
  let bestDistance = Infinity;
  handlePoints(box).forEach((h, i) => {
    const d = Math.max(Math.abs(h.x - point.x), Math.abs(h.y - point.y));
    if (d <= tolerance && d < bestDistance) {
      best = i as HandleIndex;
      bestDistance = d;
    }
  });
  return best;
}

/** The box with the handle's edges moved to the point; corners are re-ordered if the user drags past the far edge. */
export function resizeBox(original: Box, handle: HandleIndex, point: Point): Box {
  const [mx1, my1, mx2, my2] = EDGES[handle];
  const x1 = mx1 ? point.x : original[0];
  const y1 = my1 ? point.y : original[1];
  const x2 = mx2 ? point.x : original[2];
  const y2 = my2 ? point.y : original[3];
  return normalizeBox([x1, y1, x2, y2]);
}

export function normalizeBox(box: Box): Box {
  return [Math.min(box[0], box[2]), Math.min(box[1], box[3]), Math.max(box[0], box[2]), Math.max(box[1], box[3])];
}

/** Moves a box by (dx, dy), keeping it inside the image (its size unchanged). */
export function translateWithin(box: Box, dx: number, dy: number, size: { width: number; height: number }): Box {
  const w = box[2] - box[0];
  const h = box[3] - box[1];
  const x1 = Math.min(Math.max(box[0] + dx, 0), Math.max(0, size.width - w));
  const y1 = Math.min(Math.max(box[1] + dy, 0), Math.max(0, size.height - h));
  return [x1, y1, x1 + w, y1 + h];
}

export function clampPoint(point: Point, size: { width: number; height: number }): Point {
  return { x: Math.min(Math.max(point.x, 0), size.width), y: Math.min(Math.max(point.y, 0), size.height) };
}

/** The smallest item whose box is under `point` (within `tolerance` of its edges): the one a click aims at. */
export function smallestAt<T extends { readonly box: Box }>(items: readonly T[], point: Point, tolerance: number): T | null {
  let best: T | null = null;
  for (const item of items) {
    const [x1, y1, x2, y2] = item.box;
    if (point.x < x1 - tolerance || point.x > x2 + tolerance || point.y < y1 - tolerance || point.y > y2 + tolerance) continue;
    if (!best || boxArea(item.box) < boxArea(best.box)) best = item;
  }
  return best;
}
