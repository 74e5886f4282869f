/**
 * Anchor scales chosen from the training set's box sizes (issue 18: BCCD platelets are ~40 px at the training
 * scale, far below py-faster-rcnn's smallest 128² anchor).
 *
 * The rule. Let s be a box's size, sqrt(w·h), in network-input pixels (the image resized to the training scale),
 * and lo, hi the 5th and 95th percentiles of s over every gt box. A square anchor of side a overlaps a centred
 * square box of side b with IoU (min(a, b) / max(a, b))², which is 0.5 at b = a·√2: an anchor "covers" the sizes
 * within half an octave of its own. Take the fewest octave-spaced sizes (a factor 2 apart) that leave no size in
 * [lo, hi] more than half an octave from an anchor, i.e. ceil(log2(hi / lo)) of them (at least one), placed
 * symmetrically in log scale about the middle of [lo, hi]. Scale = size / baseSize (py-faster-rcnn's meaning),
 * rounded to 3 significant digits so the settings stay readable. More than `maxScales` octaves: `maxScales` sizes
 * spread evenly over [lo, hi], wider apart than an octave. The 5%/95% tails are left to the box regression and to
 * the "best anchor of a gt box is positive" rule. `scalesPerOctave` k > 1 spaces the sizes 1/k octave apart instead
 * (ceil(k·log2(hi / lo)) of them).
 * Check against py-faster-rcnn: boxes from 128 to 512 px give 2 octaves, scales 11.3 and 22.6 (181 and 362 px).
 */

export interface AnchorScaleOptions {
  /** The base anchor's side (py-faster-rcnn: 16, the feature stride). */
  readonly baseSize?: number;
  /** Percentiles of the box sizes to cover (default 5 and 95). */
  readonly lowPercentile?: number;
  readonly highPercentile?: number;
  /** At most this many scales (default 5); with 3 ratios, 15 anchors per cell. */
  readonly maxScales?: number;
  /**
   * Sizes per octave (default 1, py-faster-rcnn's spacing; RetinaNet uses 3). k per octave leaves no size more
   * than 1/(2k) octave from an anchor, so more boxes reach the IoU >= 0.7 of a positive at the cost of k times
   * the anchors.
   */
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
  const perOctave = options.scalesPerOctave ?? 1;
  if (!(perOctave > 0)) throw new Error(`chooseAnchorScales: scalesPerOctave must be positive, got ${perOctave}`);
  const needed = Math.max(1, Math.ceil(perOctave * (hi - lo) - 1e-9));
  const count = Math.min(needed, maxScales);
  const step = count === needed ? 1 / perOctave : (hi - lo) / (count - 1);
  const first = 0.5 * (lo + hi) - 0.5 * (count - 1) * step;
  return Array.from({ length: count }, (_, k) => Number((2 ** (first + k * step) / baseSize).toPrecision(3)));
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
