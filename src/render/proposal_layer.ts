/**
 * The proposals layer as a density map: how many proposals cover each cell of a grid over the image. Two thousand
 * outlines drawn one by one either paint the image over or vanish; a density map shows where selective search
 * looked, and the few best-scoring proposals are outlined on top (scene.ts).
 */
import type { Box } from '../geometry/box';
import type { DetectionResult, RpnExplanation } from '../model/detection_types';

export interface DensityGrid {
  readonly cols: number;
  readonly rows: number;
  /** Row-major, cols × rows: the share of the busiest cell's count, 0 to 1. */
  readonly cells: readonly number[];
  /** The most proposals covering one cell. */
  readonly max: number;
}

/**
 * Counts, per cell, the boxes that cover the cell's centre (a 2D difference array: one pass over the boxes, one over
 * the cells). `cellSize` is in image pixels; the grid has at least one cell each way and at most `maxCells` per side.
 */
export function proposalDensity(boxes: readonly Box[], image: { readonly width: number; readonly height: number }, cellSize: number, maxCells = 96): DensityGrid {
  const cols = Math.max(1, Math.min(maxCells, Math.ceil(image.width / cellSize)));
  const rows = Math.max(1, Math.min(maxCells, Math.ceil(image.height / cellSize)));
  const cw = image.width / cols;
  const ch = image.height / rows;
  const diff = new Float64Array((cols + 1) * (rows + 1));
  for (const [x1, y1, x2, y2] of boxes) {
    // cells whose centre (c + 0.5) * cw lies inside [x1, x2]
    const c1 = Math.max(0, Math.ceil(x1 / cw - 0.5));
    const c2 = Math.min(cols - 1, Math.floor(x2 / cw - 0.5));
    const r1 = Math.max(0, Math.ceil(y1 / ch - 0.5));
    const r2 = Math.min(rows - 1, Math.floor(y2 / ch - 0.5));
    if (c1 > c2 || r1 > r2) continue;
    diff[r1 * (cols + 1) + c1] += 1;
    diff[r1 * (cols + 1) + c2 + 1] -= 1;
    diff[(r2 + 1) * (cols + 1) + c1] -= 1;
    diff[(r2 + 1) * (cols + 1) + c2 + 1] += 1;
  }
  const counts = new Array<number>(cols * rows).fill(0);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const up = r > 0 ? counts[(r - 1) * cols + c] : 0;
      const left = c > 0 ? counts[r * cols + c - 1] : 0;
      const diag = r > 0 && c > 0 ? counts[(r - 1) * cols + c - 1] : 0;
      counts[r * cols + c] = diff[r * (cols + 1) + c] + up + left - diag;
    }
  }
  const max = counts.reduce((m, v) => Math.max(m, v), 0);
  return { cols, rows, cells: counts.map((v) => (max > 0 ? v / max : 0)), max };
}

/** How many of the RPN's proposals its layer outlines: the best by objectness. */
export const RPN_TOP_PROPOSALS = 20;

/** The RPN's proposals with the highest objectness, best first (indices into result.proposals), ties by index. */
export function topByObjectness(rpn: Pick<RpnExplanation, 'objectness'>, count = RPN_TOP_PROPOSALS): number[] {
  return rpn.objectness.map((p, i) => ({ p, i })).sort((a, b) => b.p - a.p || a.i - b.i).slice(0, count).map(({ i }) => i);
}

/**
 * The RPN's objectness heatmap as the density layer draws it: per map cell the best anchor's probability as a share
 * of the highest (`max`, the probability itself), so that a barely trained RPN (everything near 0.5) still shows
 * where it leans.
 */
export function objectnessGrid(rpn: Pick<RpnExplanation, 'heatmap'>): DensityGrid {
  const { rows, cols, cells } = rpn.heatmap;
  const max = cells.reduce((m, v) => Math.max(m, v), 0);
  return { rows, cols, cells: cells.map((v) => (max > 0 ? v / max : 0)), max };
}

/** Cells along the image's longer side in the density map. */
export const DENSITY_CELLS = 48;

/** How many of the best-scoring proposals are outlined over the density map. */
export const TOP_PROPOSALS = 20;

/**
 * The proposals whose best class score is highest, best first (indices into result.proposals). A proposal's score is
 * the best of its candidates' (the model's post-processing keeps candidates down to a small threshold); proposals
 * with no candidate are not ranked.
 */
export function topProposals(result: Pick<DetectionResult, 'candidatesPerClass'>, count = TOP_PROPOSALS): number[] {
  const best = new Map<number, number>();
  for (const perClass of result.candidatesPerClass) {
    for (const c of perClass.candidates) if (c.score > (best.get(c.proposalIndex) ?? -Infinity)) best.set(c.proposalIndex, c.score);
  }
  return [...best].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, count).map(([index]) => index);
}
