/**
 * Hierarchical mini-batch sampling (paper §2.3, reference §4 "Minibatch sampling"): N images per SGD step, R/N RoIs
 * from each, a quarter of them foreground (IoU >= 0.5) and the rest background (IoU in [0.1, 0.5)), drawn uniformly
 * without replacement. When an image has too few candidates its share is simply smaller: no padding, no repeats.
 */
import type { SamplingConfig } from './defaults';
import { BACKGROUND, type RoidbEntry } from './roidb';
import { sampleWithoutReplacement, shuffled, type Rng } from './rng';

export interface SampledRois {
  /** Indices into the entry's boxes: foreground first, then background. */
  readonly roiIndices: Int32Array;
  /** Class per sampled RoI: the gt class for foreground, BACKGROUND for the rest. */
  readonly labels: Int32Array;
  readonly numFg: number;
}

/** FR `_sample_rois` for one image: rois_per_image = R/N, fg_per_image = round(fgFraction·R/N). */
export function sampleRoisForImage(entry: RoidbEntry, config: SamplingConfig, rng: Rng): SampledRois {
  const roisPerImage = Math.floor(config.roisPerBatch / config.imagesPerBatch);
  const fgPerImage = Math.round(config.fgFraction * roisPerImage);
  const fgCandidates: number[] = [];
  const bgCandidates: number[] = [];
  entry.maxOverlaps.forEach((o, i) => {
    if (o >= config.fgThresh) fgCandidates.push(i);
    else if (o >= config.bgThreshLo && o < config.bgThreshHi) bgCandidates.push(i);
  });
  // fewer foreground RoIs than the quota: take them all, and fill the rest with background
  const fg = config.fgBalance === 'per-class'
    ? samplePerClass(fgCandidates, entry.maxClasses, fgPerImage, rng)
    : sampleWithoutReplacement(fgCandidates, Math.min(fgPerImage, fgCandidates.length), rng);
  const bg = sampleWithoutReplacement(bgCandidates, Math.min(roisPerImage - fg.length, bgCandidates.length), rng);
  const roiIndices = Int32Array.from([...fg, ...bg]);
  const labels = Int32Array.from(roiIndices, (i, k) => (k < fg.length ? entry.maxClasses[i] : BACKGROUND));
  return { roiIndices, labels, numFg: fg.length };
}

/**
 * `quota` candidates with an equal share per class (classes in ascending id order get the remainder first); a
 * class with fewer candidates than its share gives the rest to the others. Uniform within a class.
 */
export function samplePerClass(candidates: readonly number[], classOf: ArrayLike<number>, quota: number, rng: Rng): number[] {
  const byClass = new Map<number, number[]>();
  for (const i of candidates) {
    const list = byClass.get(classOf[i]) ?? [];
    list.push(i);
    byClass.set(classOf[i], list);
  }
  const groups = [...byClass.entries()].sort((a, b) => a[0] - b[0]).map(([, list]) => shuffled(list, rng));
  const taken = groups.map(() => 0);
  let left = Math.min(quota, candidates.length);
  // round-robin, one RoI per class per round: the same as equal shares with the leftovers passed on
  while (left > 0) {
    for (let g = 0; g < groups.length && left > 0; g += 1) {
      if (taken[g] < groups[g].length) {
        taken[g] += 1;
        left -= 1;
      }
    }
  }
  return groups.flatMap((list, g) => list.slice(0, taken[g]));
}

/**
 * The image order (FR `RoIDataLayer`): a random permutation, reshuffled when fewer than N images are left.
 * State is a plain object so a checkpoint can store and restore it.
 */
export interface ImageOrderState {
  readonly order: number[];
  readonly cursor: number;
}

export class ImageOrder {
  private order: number[];
  private cursor: number;

  constructor(
    private readonly count: number,
    private readonly rng: Rng,
    state?: ImageOrderState,
  ) {
    if (count <= 0) throw new Error('The training set has no usable image.');
    this.order = state ? state.order.slice() : shuffled(range(count), rng);
    this.cursor = state?.cursor ?? 0;
  }

  /** The next `n` entry indices (n is capped at the number of entries). */
  next(n: number): number[] {
    const take = Math.min(n, this.count);
    if (this.cursor + take > this.count) {
      this.order = shuffled(range(this.count), this.rng);
      this.cursor = 0;
    }
    const out = this.order.slice(this.cursor, this.cursor + take);
    this.cursor += take;
    return out;
  }

  state(): ImageOrderState {
    return { order: this.order.slice(), cursor: this.cursor };
  }
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
