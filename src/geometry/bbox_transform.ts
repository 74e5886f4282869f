/**
 * R-CNN box regression (reference §2): deltas (dx, dy, dw, dh) that move a proposal P onto a box G.
 *
 *   dx = (cxG - cxP) / wP    dy = (cyG - cyP) / hP    dw = ln(wG / wP)    dh = ln(hG / hP)
 *
 * Widths use the continuous convention, w = x2 - x1 (δ = 0 in the reference's notation), with the centre at
 * x1 + w/2. Why: our boxes are continuous (box.ts), and δ = 0 is FR's δ = 1e-14 to within rounding, so pretrained
 * FR weights decode correctly and encode∘decode is exact. PF's δ = 1 would add its known +1 drift on x2/y2.
 *
 * Shapes: N proposals; K classes (background included) when deltas are class-major, [N, 4K] as `bbox_pred` emits.
 * "deltas" always means (dx, dy, dw, dh) in that order.
 */
import { boxCount, type PackedBoxes } from './box';

/** Detectron's clamp: no delta may turn a 16-px box into one larger than 1000 px (and exp() cannot overflow). */
export const DEFAULT_DELTA_CLAMP = Math.log(1000 / 16);

export interface DecodeOptions {
  /** Upper bound applied to dw and dh before exp(); Infinity reproduces FR/PF, which never clamp. */
  readonly clampLog?: number;
}

/** Deltas [N, 4] that take proposal i onto gt box i. Both inputs must have positive widths and heights. */
export function encodeDeltas(proposals: PackedBoxes, gt: PackedBoxes): Float32Array {
  const n = boxCount(proposals);
  if (boxCount(gt) !== n) throw new Error(`encodeDeltas: ${n} proposals but ${boxCount(gt)} gt boxes`);
  const out = new Float32Array(n * 4);
  for (let o = 0; o < n * 4; o += 4) {
    const pw = proposals[o + 2] - proposals[o];
    const ph = proposals[o + 3] - proposals[o + 1];
    const gw = gt[o + 2] - gt[o];
    const gh = gt[o + 3] - gt[o + 1];
    out[o] = (gt[o] + 0.5 * gw - (proposals[o] + 0.5 * pw)) / pw;
    out[o + 1] = (gt[o + 1] + 0.5 * gh - (proposals[o + 1] + 0.5 * ph)) / ph;
    out[o + 2] = Math.log(gw / pw);
    out[o + 3] = Math.log(gh / ph);
  }
  return out;
}

/**
 * Apply deltas [N, 4K] to proposals [N, 4]; returns boxes [N, 4K] (one box per class column group).
 * dw/dh are clamped from above at `clampLog` (default DEFAULT_DELTA_CLAMP); the boxes are not clipped.
 */
export function decodeDeltas(proposals: PackedBoxes, deltas: ArrayLike<number>, options: DecodeOptions = {}): Float32Array {
  const clampLog = options.clampLog ?? DEFAULT_DELTA_CLAMP;
  const n = boxCount(proposals);
  const cols = n === 0 ? 4 : deltas.length / n;
  if (!Number.isInteger(cols) || cols % 4 !== 0) {
    throw new Error(`decodeDeltas: ${deltas.length} deltas do not form [${n}, 4K]`);
  }
  const out = new Float32Array(deltas.length);
  for (let i = 0; i < n; i++) {
    const w = proposals[4 * i + 2] - proposals[4 * i];
    const h = proposals[4 * i + 3] - proposals[4 * i + 1];
    const cx = proposals[4 * i] + 0.5 * w;
    const cy = proposals[4 * i + 1] + 0.5 * h;
    for (let o = i * cols; o < (i + 1) * cols; o += 4) {
      const pcx = deltas[o] * w + cx;
      const pcy = deltas[o + 1] * h + cy;
      const pw = Math.exp(Math.min(deltas[o + 2], clampLog)) * w;
      const ph = Math.exp(Math.min(deltas[o + 3], clampLog)) * h;
      out[o] = pcx - 0.5 * pw;
      out[o + 1] = pcy - 0.5 * ph;
      out[o + 2] = pcx + 0.5 * pw;
      out[o + 3] = pcy + 0.5 * ph;
    }
  }
  return out;
}

// ---- per-class target normalization (reference §2, "Normalization") ----

/** Per-class mean and std of the 4 targets, class-major: entry 4c + k is class c, delta k. */
export interface TargetStats {
  readonly numClasses: number;
  readonly means: Float64Array;
  readonly stds: Float64Array;
}

/** PF's precomputed stats, BBOX_NORMALIZE_MEANS/STDS, for every class (background included). */
export function fixedTargetStats(
  numClasses: number,
  means: readonly number[] = [0, 0, 0, 0],
  stds: readonly number[] = [0.1, 0.1, 0.2, 0.2],
): TargetStats {
  const m = new Float64Array(numClasses * 4);
  const s = new Float64Array(numClasses * 4);
  for (let o = 0; o < numClasses * 4; o++) {
    m[o] = means[o % 4];
    s[o] = stds[o % 4];
  }
  return { numClasses, means: m, stds: s };
}

/**
 * FR's empirical stats over the example RoIs of classes c >= 1: targets [N, 4], labels [N] in [0, numClasses).
 * Guards, both NaN sources in FR (reference §10): E[x²] - E[x]² is clamped at 0 before the sqrt, and a std of 0
 * (one example, or identical targets, or no examples, or the background class) becomes 1 so dividing is a no-op.
 */
export function computeTargetStats(targets: ArrayLike<number>, labels: ArrayLike<number>, numClasses: number): TargetStats {
  checkTargets(targets, labels);
  const sums = new Float64Array(numClasses * 4);
  const squares = new Float64Array(numClasses * 4);
  const counts = new Float64Array(numClasses);
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i];
    if (c <= 0) continue; // background rows carry no regression target
    if (c >= numClasses) throw new Error(`label ${c} out of range [0, ${numClasses})`);
    counts[c]++;
    for (let k = 0; k < 4; k++) {
      sums[4 * c + k] += targets[4 * i + k];
      squares[4 * c + k] += targets[4 * i + k] ** 2;
    }
  }
  const means = new Float64Array(numClasses * 4);
  const stds = new Float64Array(numClasses * 4).fill(1);
  for (let o = 0; o < numClasses * 4; o++) {
    const n = counts[o >> 2];
    if (n === 0) continue;
    means[o] = sums[o] / n;
    const std = Math.sqrt(Math.max(0, squares[o] / n - means[o] ** 2));
    if (std > 0) stds[o] = std;
  }
  return { numClasses, means, stds };
}

/** (t - mean_c) / std_c for each foreground row; background rows (label 0) are copied unchanged. */
export function normalizeTargets(targets: ArrayLike<number>, labels: ArrayLike<number>, stats: TargetStats): Float32Array {
  checkTargets(targets, labels);
  const out = Float32Array.from(targets);
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i];
    if (c <= 0) continue;
    for (let k = 0; k < 4; k++) out[4 * i + k] = (targets[4 * i + k] - stats.means[4 * c + k]) / stats.stds[4 * c + k];
  }
  return out;
}

/** Inverse for network outputs [N, 4K]: delta·std + mean. Use it OR fold the stats into the weights, never both. */
export function unnormalizeDeltas(deltas: ArrayLike<number>, stats: TargetStats): Float32Array {
  const cols = stats.numClasses * 4;
  if (deltas.length % cols !== 0) throw new Error(`unnormalizeDeltas: ${deltas.length} values do not form [N, ${cols}]`);
  const out = new Float32Array(deltas.length);
  for (let o = 0; o < deltas.length; o++) out[o] = deltas[o] * stats.stds[o % cols] + stats.means[o % cols];
  return out;
}

function checkTargets(targets: ArrayLike<number>, labels: ArrayLike<number>): void {
  if (targets.length !== labels.length * 4) {
    throw new Error(`targets must be [N, 4] for N = ${labels.length} labels, got ${targets.length} values`);
  }
}
