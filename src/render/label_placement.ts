/**
 * Where each box's label goes so that no two labels overlap: a greedy placement, in the caller's order (most
 * important first). Each label tries a few spots around its box's corners (above the top-left corner, inside it,
 * below the box, inside its bottom edge, then the same on the right); the first spot inside the view that no earlier
 * label covers wins. A label with no free spot is left out rather than drawn over another (the panel's detection list
 * still has it), and the caller is told how many were left out.
 * Screen (CSS pixel) coordinates.
 */
import type { Box } from '../geometry/box';

export type Rect = readonly [x: number, y: number, width: number, height: number];

export interface LabelRequest {
  /** The labelled box on screen, [x1, y1, x2, y2]. */
  readonly anchor: Box;
  readonly width: number;
  readonly height: number;
}

export interface ViewSize {
  readonly width: number;
  readonly height: number;
}

export function rectsOverlap(a: Rect, b: Rect): boolean {
  return a[0] < b[0] + b[2] && b[0] < a[0] + a[2] && a[1] < b[1] + b[3] && b[1] < a[1] + a[3];
}

/** The spots a label may take around its box, in order of preference. */
export function candidateSpots(request: LabelRequest, view: ViewSize): Rect[] {
  const [x1, y1, x2, y2] = request.anchor;
  const { width: w, height: h } = request;
  const clampX = (x: number): number => Math.max(0, Math.min(x, view.width - w));
  const ys = [y1 - h, y1, y2, y2 - h];
  const spots: Rect[] = [];
  for (const x of [clampX(x1), clampX(x2 - w)]) {
    for (const y of ys) {
      if (y < 0 || y + h > view.height) continue;
      if (!spots.some((s) => s[0] === x && s[1] === y)) spots.push([x, y, w, h]);
    }
  }
  return spots;
}

/** One rectangle per request (null: left out, no free spot), in the requests' order. */
export function placeLabels(requests: readonly LabelRequest[], view: ViewSize): (Rect | null)[] {
  const placed: Rect[] = [];
  return requests.map((request) => {
    const spot = candidateSpots(request, view).find((r) => !placed.some((p) => rectsOverlap(p, r))) ?? null;
    if (spot) placed.push(spot);
    return spot;
  });
}
