/**
 * Anchor scales chosen from the training set's box sizes (issue 18: BCCD platelets are ~40 px at the training
 * scale, far below py-faster-rcnn's smallest 128² anchor).
 *
 * The rule. Let s be a box's size, sqrt(w·h), in network-input pixels (the image resized to the training scale).
 * Anchor sizes form a geometric grid, k per octave (a factor 2^(1/k) apart), with one size at the median of s, and
 * run from the grid size nearest the 5th percentile to the one nearest the 95th: every size in between is within
 * half a step of an anchor. Why: a square anchor of side a overlaps a centred square box of side b with IoU
 * (min(a, b) / max(a, b))², so half an octave (k = 1) still gives 0.5 and a quarter octave (k = 2) 0.71, the
 * positive threshold; the median puts the best-matched anchor where most boxes are. Scale = size / baseSize
 * (py-faster-rcnn's meaning), rounded to 3 significant digits. Boxes from 128 to 512 px with median 256 give
 * py-faster-rcnn's own scales 8, 16, 32 at k = 1. More than `maxScales` sizes needed: `maxScales` sizes spread
 * evenly over the 5th-95th percentile in log scale instead. The tails are left to the box regression and to the
 * "best anchor of a gt box is positive" rule.
 *
 * Measured (best-anchor IoU of every gt box at the 600-px training scale, all images; ratios 0.5, 1, 2):
 *   BCCD     py-faster-rcnn 128-512 px: ≥ 0.7 for 79.5%;  k = 1 (64, 129, 258 px): 80.9%;  k = 2 (45-182 px, 5 sizes): 90.3%
 *   raccoon  py-faster-rcnn: 66.8%;  k = 1 (242, 485 px): 61.8%;  k = 2 (242-685 px, 4 sizes): 99.1%
 * (a grid centred on the 5th-95th range instead of the median: BCCD k = 1 52.9%, k = 2 88.2%), hence k = 2 by default.
 */

export interface AnchorScaleOptions {
  /** The base anchor's side (py-faster-rcnn: 16, the feature stride). */
  readonly baseSize?: number;
  /** Percentiles of the box sizes to cover (default 5 and 95). */
  readonly lowPercentile?: number;
  readonly highPercentile?: number;
  /** At most this many scales (default 5); with 3 ratios, 15 anchors per cell. */
  readonly maxScales?: number;
  /** k: sizes per octave (default 2; py-faster-rcnn's spacing is 1, RetinaNet's 3). */
  readonly scalesPerOctave?: number;
}

/** sqrt(w·h) of each box [N, 4], multiplied by `scale` (image pixels → network-input pixels). */
export function boxSizes(boxes: ArrayLike<number>, scale = 1): Float64Array {
  if (boxes.length % 4 !== 0) throw new Error(`boxSizes: packed boxes must have length 4N, got ${boxes.length}`);
  const out = new Float64Array(boxes.length / 4);
  for (let i = 0; i < out.length; i++) {
    const w = boxes[4 * i + 2] - boxes[4 * i];
    const h = boxes[4 * i + 3] - boxes[4 * i + 1];
    out[i] = Math.sqrt(Math.max(0, w) * Math.max(0, h)) * scale;
  }
  return out;
}

/** Anchor scales (multiples of baseSize), ascending, for boxes of these sizes at the training scale. */
export function chooseAnchorScales(sizes: ArrayLike<number>, options: AnchorScaleOptions = {}): number[] {
  const baseSize = options.baseSize ?? 16;
  const maxScales = options.maxScales ?? 5;
  const valid = Array.from(sizes).filter((s) => s > 0 && Number.isFinite(s));
  if (valid.length === 0) throw new Error('chooseAnchorScales: no box with a positive, finite size to choose anchor scales from');
  if (!(maxScales >= 1)) throw new Error(`chooseAnchorScales: maxScales must be at least 1, got ${maxScales}`);
  const lo = Math.log2(percentile(valid, options.lowPercentile ?? 5));
  const hi = Math.log2(percentile(valid, options.highPercentile ?? 95));
  const mid = Math.log2(percentile(valid, 50));
  const perOctave = options.scalesPerOctave ?? 2;
  if (!(perOctave > 0)) throw new Error(`chooseAnchorScales: scalesPerOctave must be positive, got ${perOctave}`);
  const step = 1 / perOctave;
  const first = Math.round((lo - mid) / step);
  const last = Math.max(first, Math.round((hi - mid) / step));
  const logSizes = last - first + 1 <= maxScales
    ? Array.from({ length: last - first + 1 }, (_, j) => mid + (first + j) * step)
    : Array.from({ length: maxScales }, (_, j) => (maxScales === 1 ? mid : lo + (j * (hi - lo)) / (maxScales - 1)));
  return logSizes.map((l) => Number((2 ** l / baseSize).toPrecision(3)));
}

/** numpy's default (linear interpolation between the closest ranks) percentile p in [0, 100]. */
export function percentile(values: readonly number[], p: number): number {
  if (!(p >= 0 && p <= 100)) throw new Error(`percentile must be in [0, 100], got ${p}`);
  const sorted = values.slice().sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const below = Math.floor(rank);
  const above = Math.min(sorted.length - 1, below + 1);
  return sorted[below] + (rank - below) * (sorted[above] - sorted[below]);
}
