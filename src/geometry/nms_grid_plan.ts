/**
 * Sizing of the search grid used by nms_grid.ts: which cells and layers a box is filed in, and how far around a
 * candidate a suppressor can be. Derivations (exact arithmetic, per axis; w = width, c = centre, t = threshold):
 *   IoU > t  =>  inter > t·max(area_a, area_b)  =>  x-overlap ox > t·max(wa, wb)  (inter <= ox·min(ha, hb));
 *   ox <= (wa + wb)/2 - |ca - cb|  =>  |ca - cb| < (wa + wb)/2 - t·max(wa, wb)  with wb < wa/t,
 *   whose largest value over wb is (1 - t)·max(1, 1/(2t))·wa: the window "reach".
 *   Also inter <= min(area_a, area_b), so t < area_b / area_a < 1/t: layers of ln(area), ln(1/t) thick.
 */
import { isIsolated, type CandidateSet } from './nms_candidates';

// a cell is the window's half-size for a mean box, clamped to [MIN, MAX] mean box sides
const MIN_CELL_FRACTION = 0.25;
const MAX_CELL_FRACTION = 0.5;
const CELLS_PER_CANDIDATE = 4; // cap on the number of cells
const MAX_LAYERS = 32;
const MIN_LAYERED_THRESHOLD = 0.5; // below it size prunes little (ln(1/t) is thick): one layer
/** Window widening, relative, so float rounding can never hide a pair (plus ABS_MARGIN·(|centre| + size)). */
export const MARGIN = 1 + 1e-6;
export const ABS_MARGIN = 1e-9;

export interface Grid {
  readonly minX: number;
  readonly minY: number;
  readonly scaleX: number; // cells per pixel
  readonly scaleY: number;
  readonly cols: number;
  readonly rows: number;
  readonly minLogArea: number;
  readonly layerScale: number; // layers per unit of ln(area)
  readonly layers: number;
}

/** Half-size of the search window as a multiple of the candidate's side; Infinity at t = 0. */
export function windowReach(thr: number): number {
  return thr > 0 ? (1 - thr) * Math.max(1, 1 / (2 * thr)) * MARGIN : Infinity;
}

/** Grid over the centres (and log areas) of the non-isolated boxes; null if there are none. */
export function planGrid(set: CandidateSet, thr: number): Grid | null {
  const { x1, y1, x2, y2, area } = set;
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  let sumW = 0, sumH = 0, count = 0, minLogArea = Infinity, maxLogArea = -Infinity;
  for (let i = 0; i < area.length; i++) {
    if (isIsolated(area[i])) continue;
    const cx = 0.5 * (x1[i] + x2[i]), cy = 0.5 * (y1[i] + y2[i]);
    minX = Math.min(minX, cx);
    minY = Math.min(minY, cy);
    maxX = Math.max(maxX, cx);
    maxY = Math.max(maxY, cy);
    sumW += x2[i] - x1[i];
    sumH += y2[i] - y1[i];
    minLogArea = Math.min(minLogArea, Math.log(area[i]));
    maxLogArea = Math.max(maxLogArea, Math.log(area[i]));
    count++;
  }
  if (count === 0) return null;
  const fraction = Math.min(MAX_CELL_FRACTION, Math.max(MIN_CELL_FRACTION, windowReach(thr)));
  const cellW = (fraction * sumW) / count;
  const cellH = (fraction * sumH) / count;
  const logSpan = maxLogArea - minLogArea;
  const layerScale = thr >= MIN_LAYERED_THRESHOLD ? 1 / Math.max(Math.log(1 / thr), logSpan / MAX_LAYERS) : 0;
  const layers = Math.floor(logSpan * layerScale) + 1;
  let cols = Math.min(1 << 15, Math.max(1, Math.ceil((maxX - minX) / cellW)));
  let rows = Math.min(1 << 15, Math.max(1, Math.ceil((maxY - minY) / cellH)));
  const maxCells = Math.max(1, Math.floor((CELLS_PER_CANDIDATE * count) / layers));
  if (cols * rows > maxCells) {
    const f = Math.sqrt((cols * rows) / maxCells);
    cols = Math.max(1, Math.floor(cols / f));
    rows = Math.max(1, Math.floor(rows / f));
  }
  // scale maps [min, max] onto [0, cols]; a zero span (all centres equal) gets one column
  const scaleX = maxX > minX ? cols / (maxX - minX) : 1 / cellW;
  const scaleY = maxY > minY ? rows / (maxY - minY) : 1 / cellH;
  return { minX, minY, scaleX, scaleY, cols, rows, minLogArea, layerScale, layers };
}

/** Column, row or layer of a coordinate, clamped to [0, n); monotone in v, which the window relies on. */
export function cell(v: number, min: number, scale: number, n: number): number {
  const c = Math.floor((v - min) * scale);
  return c < 0 ? 0 : c < n ? c : n - 1;
}
