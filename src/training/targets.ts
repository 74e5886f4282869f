/**
 * Box-regression targets for a sampled mini-batch (reference §2 and §4): per-class normalization statistics over
 * the whole roidb, the class-expanded target blob [R, 4(K+1)] with its 0/1 weights, and folding the statistics into
 * bbox_pred on export so a saved model emits plain deltas (FR `SolverWrapper.snapshot`).
 *
 * Shape letters: R sampled RoIs, K foreground classes, K+1 columns groups (background first), D inputs of bbox_pred.
 */
import { computeTargetStats, normalizeTargets, type TargetStats } from '../geometry/bbox_transform';
import type { RoidbEntry } from './roidb';

/** FR `add_bbox_regression_targets`: stats over every example RoI (IoU >= bboxThresh) of the roidb, flips included. */
export function roidbTargetStats(roidb: readonly RoidbEntry[], numClasses: number, bboxThresh = 0.5): TargetStats {
  const targets: number[] = [];
  const labels: number[] = [];
  for (const entry of roidb) {
    entry.maxOverlaps.forEach((o, i) => {
      if (o < bboxThresh || entry.maxClasses[i] <= 0) return;
      labels.push(entry.maxClasses[i]);
      for (let k = 0; k < 4; k++) targets.push(entry.targets[4 * i + k]);
    });
  }
  return computeTargetStats(targets, labels, numClasses + 1);
}

export interface BboxTargetBlob {
  /** [R, 4(K+1)] normalized targets, non-zero only in the 4 columns of the RoI's class. */
  readonly targets: Float32Array;
  /** [R, 4(K+1)] 1 in those 4 columns for foreground RoIs, 0 elsewhere. */
  readonly weights: Float32Array;
}

/**
 * Expand the sampled RoIs' targets [R, 4] to the class-major layout of bbox_pred. Background RoIs (label 0) get no
 * target and no weight.
 */
export function bboxTargetBlob(targets: ArrayLike<number>, labels: ArrayLike<number>, numClasses: number, stats: TargetStats): BboxTargetBlob {
  const r = labels.length;
  const cols = 4 * (numClasses + 1);
  const normalized = normalizeTargets(targets, labels, stats);
  const out = new Float32Array(r * cols);
  const weights = new Float32Array(r * cols);
  for (let i = 0; i < r; i++) {
    const c = labels[i];
    if (c <= 0) continue;
    for (let k = 0; k < 4; k++) {
      out[i * cols + 4 * c + k] = normalized[4 * i + k];
      weights[i * cols + 4 * c + k] = 1;
    }
  }
  return { targets: out, weights };
}

/**
 * Fold the stats into bbox_pred: W[:, j] *= std[j], b[j] = b[j]·std[j] + mean[j], so the layer outputs
 * unnormalized deltas. W is [D, 4(K+1)] row-major (tfjs dense layout). Returns new arrays.
 */
export function foldTargetStats(kernel: Float32Array, bias: Float32Array, stats: TargetStats): { kernel: Float32Array; bias: Float32Array } {
  const cols = bias.length;
  if (cols !== stats.means.length) throw new Error(`bbox_pred has ${cols} outputs but the stats cover ${stats.means.length}`);
  const folded = new Float32Array(kernel.length);
  for (let o = 0; o < kernel.length; o++) folded[o] = kernel[o] * stats.stds[o % cols];
  const foldedBias = Float32Array.from(bias, (b, j) => b * stats.stds[j] + stats.means[j]);
  return { kernel: folded, bias: foldedBias };
}
