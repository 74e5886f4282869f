/**
 * Training hyper-parameters, one sentence each (reference §3, FR `lib/fast_rcnn/config.py` and the solver
 * prototxts). Passed explicitly to every function that needs them; never read as a global.
 */
import type { Flip } from '../geometry/flip';

/** Which layers learn: only the RoI head (fc6, fc7, cls_score, bbox_pred), or the conv layers from one up. */
export type TrainableLayers = { readonly kind: 'fc' } | { readonly kind: 'conv'; readonly firstLayer: string };

export interface SamplingConfig {
  /** N: images per SGD mini-batch. */
  readonly imagesPerBatch: number;
  /** R: RoIs per mini-batch, over all its images (R / N per image). */
  readonly roisPerBatch: number;
  /** Fraction of each image's RoIs labelled foreground. */
  readonly fgFraction: number;
  /** A RoI is foreground if its best IoU with a gt box is at least this. */
  readonly fgThresh: number;
  /** A RoI is background if its best IoU is in [bgThreshLo, bgThreshHi). */
  readonly bgThreshHi: number;
  readonly bgThreshLo: number;
  /**
   * How an image's foreground quota is spread: 'uniform' over its foreground RoIs (the paper), or 'per-class',
   * an equal share for each class present in the image, so that a rare small class (one platelet among a dozen red
   * cells, with a handful of overlapping proposals) is not outnumbered ten to one in every batch.
   */
  readonly fgBalance?: 'uniform' | 'per-class';
}

export interface SolverConfig {
  /** Learning rate of weights (biases learn at biasLrMult times this). */
  readonly baseLr: number;
  /** Momentum of the Caffe SGD update: v = m·v + lr·(g + decay·w); w -= v. */
  readonly momentum: number;
  /** L2 weight decay of weights; biases get biasDecayMult times it (0, as in the prototxts). */
  readonly weightDecay: number;
  readonly biasLrMult: number;
  readonly biasDecayMult: number;
  /** Step schedule: the learning rate is multiplied by gamma at each of these iterations. */
  readonly steps: readonly number[];
  readonly gamma: number;
  /** Total SGD iterations. */
  readonly iterations: number;
}

export interface TrainConfig {
  readonly sampling: SamplingConfig;
  readonly solver: SolverConfig;
  /** Weight λ of the localization loss in L = L_cls + λ·L_loc (paper Eq. 1). */
  readonly lossLambda: number;
  /** false = stage-wise ablation (paper Table 6): train the classifier only, no box regression loss. */
  readonly bboxRegression: boolean;
  /** Add a horizontally flipped copy of every training image. */
  readonly useFlipped: boolean;
  /**
   * Also add vertically flipped copies (and, with useFlipped, copies flipped both ways): for imagery with no "up",
   * such as microscopy or aerial views. Not in the paper; absent means false.
   */
  readonly useVerticalFlips?: boolean;
  /** Shortest side of the training (and test) image, in pixels; the longest side is capped at maxSize. */
  readonly scale: number;
  readonly maxSize: number;
  readonly trainable: TrainableLayers;
  /** Seed of the sampler's and the initializers' random numbers (FR RNG_SEED = 3). */
  readonly seed: number;
  /** Save a checkpoint every this many iterations (0 = only at the end). */
  readonly checkpointEvery: number;
  /** On a NaN/Inf loss the last step is rolled back and the learning rate multiplied by this. */
  readonly nanLrFactor: number;
  /** Give up after this many consecutive non-finite steps. */
  readonly maxNanRetries: number;
}

export const DEFAULT_SAMPLING: SamplingConfig = {
  imagesPerBatch: 2,
  roisPerBatch: 128,
  fgFraction: 0.25,
  fgThresh: 0.5,
  bgThreshHi: 0.5,
  bgThreshLo: 0.1,
};

export const DEFAULT_SOLVER: SolverConfig = {
  baseLr: 1e-3,
  momentum: 0.9,
  weightDecay: 5e-4,
  biasLrMult: 2,
  biasDecayMult: 0,
  steps: [30000],
  gamma: 0.1,
  iterations: 40000,
};

export const DEFAULT_TRAIN_CONFIG: TrainConfig = {
  sampling: DEFAULT_SAMPLING,
  solver: DEFAULT_SOLVER,
  lossLambda: 1,
  bboxRegression: true,
  useFlipped: true,
  scale: 600,
  maxSize: 1000,
  trainable: { kind: 'fc' },
  seed: 3,
  checkpointEvery: 200,
  nanLrFactor: 0.1,
  maxNanRetries: 5,
};

/** The views of every training image: as is, then its mirrored copies (roidb.ts, feature_store.ts). */
export function trainingFlips(config: Pick<TrainConfig, 'useFlipped' | 'useVerticalFlips'>): Flip[] {
  const flips: Flip[] = ['none'];
  if (config.useFlipped) flips.push('h');
  if (config.useVerticalFlips) flips.push(...(config.useFlipped ? (['v', 'hv'] as const) : (['v'] as const)));
  return flips;
}

/**
 * Checkpoints of an interactive run: about ten per run, at least 10 iterations apart, so a lost GPU device (or a
 * crash) redoes at most a tenth of the run and the IndexedDB writes stay rare.
 */
export function checkpointInterval(iterations: number): number {
  return Math.max(10, Math.round(iterations / 10));
}

/** The paper's schedule scaled to a shorter run: one step down by gamma at 3/4 of the iterations. */
export function scaledSolver(iterations: number, base: SolverConfig = DEFAULT_SOLVER): SolverConfig {
  return { ...base, iterations, steps: [Math.max(1, Math.round(iterations * 0.75))] };
}

/** Learning-rate multiplier of pretrained backbone blocks below the last trainable one (the last learns at the head's rate). */
export const DEEPER_BLOCK_LR_MULT = 0.1;
