/**
 * Greedy NMS for large classes: the same result as suppressLinear (nms_candidates.ts), far fewer pairs.
 *
 * Kept boxes are filed by centre and log area in a grid (nms_grid_plan.ts); a candidate is compared only with
 * the kept boxes in the cells its window covers, which contain every box that could have IoU > t with it: the
 * cell index is monotone in the coordinate, and the window is widened against float rounding.
 * Boxes much wider or taller than a cell are not filed: such a kept box goes to a side list that every
 * candidate checks, and a candidate whose window spans too many cells checks every kept box. So no input does
 * worse than the linear loop by more than a constant.
 */
import { isIsolated, suppressLinear, type CandidateSet } from './nms_candidates';
import { ABS_MARGIN, MARGIN, cell, planGrid, windowReach, type Grid } from './nms_grid_plan';

const WIDE_CELLS = 8; // kept boxes longer than this many cells on an axis go to the side list
const MAX_WINDOW_CELLS = 128; // candidates whose window spans more cells than this scan every kept box

/** Sets keep[i] = 1 for the survivors, the first maxKept of them. */
export function suppressWithGrid(set: CandidateSet, thr: number, keep: Uint8Array, maxKept = Infinity): void {
  if (thr >= 1) return void keep.fill(1, 0, Math.min(keep.length, maxKept)); // IoU <= 1, also in float: nothing is ever suppressed
  const grid = planGrid(set, thr);
  if (grid === null) return suppressLinear(set, thr, keep, maxKept); // nothing can overlap anyway
  const kept = new KeptBoxes(set, grid, thr);
  let survivors = 0;
  for (let i = 0; i < set.area.length && survivors < maxKept; i++) {
    if (isIsolated(set.area[i])) {
      keep[i] = 1;
      survivors++;
    } else if (!kept.suppresses(i)) {
      keep[i] = 1;
      kept.add(i);
      survivors++;
    }
  }
}

/** The boxes kept so far, filed for lookup by position and size. */
class KeptBoxes {
  private readonly box: Float64Array; // x1, y1, x2, y2, area of candidate i at [5i, 5i + 5)
  private readonly head: Int32Array; // first kept box filed in each cell, -1 if none
  private readonly next: Int32Array; // next kept box in the same cell
  private readonly all: Int32Array; // every kept box
  private readonly wide: Int32Array; // kept boxes not filed in the grid
  private allCount = 0;
  private wideCount = 0;
  private filedMaxW = 0; // largest filed width and height: any overlap needs |ca - cb| < (wa + wb)/2
  private filedMaxH = 0;
  private readonly reach: number;

  constructor(set: CandidateSet, private readonly grid: Grid, private readonly thr: number) {
    const m = set.area.length;
    // kept boxes are read in cell order, i.e. scattered: interleave each box's numbers, one cache line per read
    this.box = new Float64Array(5 * m);
    for (let i = 0; i < m; i++) {
      this.box[5 * i] = set.x1[i];
      this.box[5 * i + 1] = set.y1[i];
      this.box[5 * i + 2] = set.x2[i];
      this.box[5 * i + 3] = set.y2[i];
      this.box[5 * i + 4] = set.area[i];
    }
    this.head = new Int32Array(grid.cols * grid.rows * grid.layers).fill(-1);
    this.next = new Int32Array(m);
    this.all = new Int32Array(m);
    this.wide = new Int32Array(m);
    this.reach = windowReach(thr);
  }

  /** Does some kept box have IoU > thr with candidate i? */
  suppresses(i: number): boolean {
    const { box, grid } = this;
    const w = box[5 * i + 2] - box[5 * i], h = box[5 * i + 3] - box[5 * i + 1];
    const cx = box[5 * i] + 0.5 * w, cy = box[5 * i + 1] + 0.5 * h;
    const rx = Math.min(this.reach * w, 0.5 * (w + this.filedMaxW) * MARGIN) + ABS_MARGIN * (Math.abs(cx) + w);
    const ry = Math.min(this.reach * h, 0.5 * (h + this.filedMaxH) * MARGIN) + ABS_MARGIN * (Math.abs(cy) + h);
    const c0 = cell(cx - rx, grid.minX, grid.scaleX, grid.cols), c1 = cell(cx + rx, grid.minX, grid.scaleX, grid.cols);
    const r0 = cell(cy - ry, grid.minY, grid.scaleY, grid.rows), r1 = cell(cy + ry, grid.minY, grid.scaleY, grid.rows);
    const [l0, l1] = this.layerRange(box[5 * i + 4]);
    if ((c1 - c0 + 1) * (r1 - r0 + 1) * (l1 - l0 + 1) > MAX_WINDOW_CELLS) return this.anyInList(i, this.all, this.allCount);
    if (this.anyInList(i, this.wide, this.wideCount)) return true;
    for (let l = l0; l <= l1; l++) {
      for (let r = r0; r <= r1; r++) {
        for (let c = c0; c <= c1; c++) {
          for (let j = this.head[(l * grid.rows + r) * grid.cols + c]; j !== -1; j = this.next[j]) {
            if (this.iouAbove(i, j)) return true;
          }
        }
      }
    }
    return false;
  }

  add(i: number): void {
    const { box, grid } = this;
    this.all[this.allCount++] = i;
    const w = box[5 * i + 2] - box[5 * i], h = box[5 * i + 3] - box[5 * i + 1];
    if (w * grid.scaleX > WIDE_CELLS || h * grid.scaleY > WIDE_CELLS) {
      this.wide[this.wideCount++] = i;
      return;
    }
    const c = cell(box[5 * i] + 0.5 * w, grid.minX, grid.scaleX, grid.cols);
    const r = cell(box[5 * i + 1] + 0.5 * h, grid.minY, grid.scaleY, grid.rows);
    const at = (this.layerOf(box[5 * i + 4]) * grid.rows + r) * grid.cols + c;
    this.next[i] = this.head[at];
    this.head[at] = i;
    this.filedMaxW = Math.max(this.filedMaxW, w);
    this.filedMaxH = Math.max(this.filedMaxH, h);
  }

  private layerOf(area: number): number {
    const { grid } = this;
    return grid.layers > 1 ? cell(Math.log(area), grid.minLogArea, grid.layerScale, grid.layers) : 0;
  }

  /** Layers whose areas lie in (t·area, area/t), widened by MARGIN. */
  private layerRange(area: number): [number, number] {
    if (this.grid.layers === 1) return [0, 0];
    return [this.layerOf((area * this.thr) / MARGIN), this.layerOf((area / this.thr) * MARGIN)];
  }

  private anyInList(i: number, list: Int32Array, count: number): boolean {
    for (let k = 0; k < count; k++) if (this.iouAbove(i, list[k])) return true;
    return false;
  }

  /** The pair test of nms_candidates.ts on the interleaved copy: the hot path. */
  private iouAbove(i: number, j: number): boolean {
    const { box } = this;
    const a = 5 * i, b = 5 * j;
    const ow = Math.min(box[a + 2], box[b + 2]) - Math.max(box[a], box[b]);
    if (ow <= 0) return false;
    const oh = Math.min(box[a + 3], box[b + 3]) - Math.max(box[a + 1], box[b + 1]);
    if (oh <= 0) return false;
    const inter = ow * oh;
    return inter / (box[a + 4] + box[b + 4] - inter) > this.thr;
  }
}
