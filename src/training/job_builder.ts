/**
 * The one place a TrainJob is built: the images (train, validation, test) as worker specs, the recipe (recipe.ts,
 * with the user's overrides) and where and how the run executes. The Train tab, the library's `train()` and
 * `npm run train` all call `buildTrainJob`; `recipeFor` gives each of them the same recommended settings for the same
 * images, with the validation carve-out when the set has no validation split.
 */
import type { Flip } from '../geometry/flip';
import type { DetectOptions, DetectorConfig, RpnConfig } from '../model/defaults';
import { DEFAULT_MAX_PROPOSALS, DEFAULT_PROPOSAL_MAX_SIDE } from '../proposals/modes';
import { defaultRpnSettings } from '../proposals/rpn/settings';
import { DEFAULT_SOLVER, DEFAULT_TRAIN_CONFIG, scaledSolver } from './defaults';
import type { ModelFiles, TrainBackend, TrainImageSpec, TrainJob } from './protocol';
import { recommendRecipe, withOverrides, type Recipe, type RecipeImage, type RecipeOverrides } from './recipe';
import { anchorScalesForSet } from './rpn_anchor_scales';
import { stratifiedHoldout } from './validation_split';
import type { MeasuredRates } from './estimate';

export interface JobImages<I = TrainImageSpec> {
  readonly train: readonly I[];
  /** Never trained on: validation mAP chooses the iteration whose weights the run ends with. */
  readonly validation: readonly I[];
  /** Evaluated once, after training. */
  readonly test: readonly I[];
}

/** A TrainJob whose images are of type I (worker specs, or the headless command's base64 wire form). */
export type JobOf<I> = Omit<TrainJob, 'train' | 'validation' | 'test'> & { readonly train: I[]; readonly validation: I[]; readonly test: I[] };

export interface JobRuntime {
  readonly runId: string;
  readonly backend: TrainBackend;
  /** Where the frozen backbone runs (default: wasm, or the training backend when that is a GPU one). */
  readonly featureBackend?: TrainBackend;
  readonly mode?: TrainJob['mode'];
  readonly resume?: boolean;
  /** Start from these weights (fine-tuning a saved model whose classes match). */
  readonly model?: ModelFiles;
  readonly svdRanks?: TrainJob['svdRanks'];
  readonly testFlips?: readonly Flip[];
  readonly stageWiseLocIterations?: number;
  /** Checkpoint every this many iterations (default: the recipe's, about ten per run). */
  readonly checkpointEvery?: number;
  /** Evaluate the test images at the end (default: when there are any). */
  readonly evaluateAtEnd?: boolean;
  /**
   * 'rpn': also train a Region Proposal Network with the head (issue 18), whose anchor sizes fit the training boxes
   * (`sizes` then required); the model can then detect with proposalMode 'rpn'. The head still learns from
   * selective search's proposals. Default 'selective-search': no RPN, as before.
   */
  readonly proposals?: 'selective-search' | 'rpn';
  /** The images' sizes by spec id (recipeFor's): what the RPN's anchor sizes are measured against. */
  readonly sizes?: ImageSizes;
}

/** Channels of the RPN's 3x3 conv on the 128-channel reduced map (py-faster-rcnn: 256 on ZF's 256 channels). */
export const RPN_CONV_CHANNELS = 128;

/** The RPN section for these training images at the recipe's scale: py-faster-rcnn's settings, anchors from the boxes. */
export function rpnConfigFor(train: readonly LabelledSpec[], sizes: ImageSizes, scale: number, maxSize: number): RpnConfig {
  return { ...defaultRpnSettings(anchorScalesForSet(recipeImages(train, sizes), scale, maxSize)), convChannels: RPN_CONV_CHANNELS };
}

/** What the recipe and the split read of an image spec (a worker spec, or the headless command's wire form). */
export type LabelledSpec = Pick<TrainImageSpec, 'id' | 'gtBoxes' | 'gtClasses'> & { readonly proposals?: unknown };

/** Image sizes, by spec id, that the recipe measures objects against. */
export type ImageSizes = ReadonlyMap<string, { readonly width: number; readonly height: number }>;

/** What the recipe reads of each image: its size and its boxes' sizes and classes. */
export function recipeImages(specs: readonly LabelledSpec[], sizes: ImageSizes): RecipeImage[] {
  return specs.map((spec) => {
    const size = sizes.get(spec.id);
    const boxes = spec.gtClasses.map((c, i) => ({
      classIndex: c - 1,
      width: spec.gtBoxes[4 * i + 2] - spec.gtBoxes[4 * i],
      height: spec.gtBoxes[4 * i + 3] - spec.gtBoxes[4 * i + 1],
    }));
    // an image of unknown size is taken to be as large as its boxes reach (its objects then look large, never small)
    const width = size?.width || Math.max(1, ...boxes.map((_, i) => spec.gtBoxes[4 * i + 2]));
    const height = size?.height || Math.max(1, ...boxes.map((_, i) => spec.gtBoxes[4 * i + 3]));
    return { width, height, boxes };
  });
}

/**
 * Splits the labelled images into train and validation: the given validation images when the set has a
 * validation split, else a stratified carve-out of the training images (validation_split.ts).
 */
export function splitForValidation<T extends LabelledSpec>(
  train: readonly T[], validation: readonly T[] | null, seed = 3,
): { train: T[]; validation: T[]; carvedOut: boolean } {
  if (validation) return { train: [...train], validation: [...validation], carvedOut: false };
  const held = stratifiedHoldout(train.map((s) => ({ id: s.id, classes: s.gtClasses })), { seed });
  return { train: train.filter((s) => !held.has(s.id)), validation: train.filter((s) => held.has(s.id)), carvedOut: held.size > 0 };
}

export interface RecipeRequest {
  readonly classNames: readonly string[];
  readonly images: { readonly train: readonly LabelledSpec[]; readonly validation: readonly LabelledSpec[] };
  readonly sizes: ImageSizes;
  readonly overrides?: RecipeOverrides;
  readonly budgetSeconds?: number;
  readonly rates?: MeasuredRates;
}

/** The recommended recipe for these images, with the user's overrides on top. */
export function recipeFor(request: RecipeRequest): Recipe {
  const { train, validation } = request.images;
  const recipe = recommendRecipe({
    classNames: request.classNames,
    train: recipeImages(train, request.sizes),
    validation: recipeImages(validation, request.sizes),
    budgetSeconds: request.budgetSeconds,
    rates: request.rates,
    needProposals: [...train, ...validation].filter((s) => !s.proposals).length,
  });
  return withOverrides(recipe, request.overrides ?? {});
}

export function buildTrainJob<I extends LabelledSpec = TrainImageSpec>(classNames: readonly string[], images: JobImages<I>, recipe: Recipe, runtime: JobRuntime): JobOf<I> {
  const gpu = runtime.backend === 'webgpu' || runtime.backend === 'webgl';
  let rpn: RpnConfig | undefined;
  if (runtime.proposals === 'rpn') {
    if (runtime.sizes === undefined) throw new Error("proposals 'rpn' needs the images' sizes (JobRuntime.sizes) to choose the anchor sizes");
    rpn = rpnConfigFor(images.train, runtime.sizes, recipe.config.scale, recipe.config.maxSize);
  }
  return {
    runId: runtime.runId,
    mode: runtime.mode ?? 'train',
    classNames,
    train: [...images.train],
    validation: [...images.validation],
    test: [...images.test],
    validateEvery: images.validation.length > 0 ? recipe.validateEvery : 0,
    retrainOnAll: images.validation.length > 0 && recipe.retrainOnAll,
    config: { ...recipe.config, ...(runtime.checkpointEvery !== undefined && { checkpointEvery: runtime.checkpointEvery }) },
    head: recipe.head,
    backend: runtime.backend,
    featureBackend: runtime.featureBackend ?? (gpu ? runtime.backend : 'wasm'),
    proposalMode: recipe.proposalMode,
    proposalMaxSide: recipe.proposalMaxSide,
    maxProposals: recipe.maxProposals,
    resume: runtime.resume ?? false,
    evaluateAtEnd: runtime.evaluateAtEnd ?? images.test.length > 0,
    svdRanks: runtime.svdRanks ?? { fc6: null, fc7: null },
    detect: { ...recipe.detect, ...(runtime.testFlips && { testFlips: runtime.testFlips }) },
    model: runtime.model,
    stageWiseLocIterations: runtime.stageWiseLocIterations,
    ...(rpn && { rpn }),
  };
}

export interface RpnOnlyRequest {
  readonly runId: string;
  /** The saved model's config (savedConfig): classes, head, input scale and fine-tuned backbone block. */
  readonly config: DetectorConfig;
  readonly backend: TrainBackend;
  readonly featureBackend?: TrainBackend;
  /** The images' sizes by spec id: what the anchor sizes are measured against. */
  readonly sizes: ImageSizes;
  readonly iterations: number;
  /** Default 0.001 (py-faster-rcnn's), one step down by 10 at 3/4 of the iterations. */
  readonly learningRate?: number;
  /** Mirrored copies of the training images too (default true). */
  readonly flip?: boolean;
  /** Anchor scales (side = 16 · scale at ratio 1); default: from the training boxes (rpn_anchor_scales.ts). */
  readonly anchorScales?: readonly number[];
  /** Proposals kept at test time (default 300, py-faster-rcnn's). */
  readonly testTopN?: number;
  /** The test-time NMS IoU (default 0.7, py-faster-rcnn's). */
  readonly testNmsIou?: number;
  readonly seed?: number;
}

/**
 * A job that trains only an RPN on a saved model's shared map (the alternating scheme's RPN step with the shared
 * layers fixed, protocol.ts rpnOnly): the model's own input scale and fine-tuned backbone block, its head frozen,
 * no validation or test evaluation inside the run (the head's mAP cannot change; the RPN's settings are chosen
 * by measuring recall on a validation split with `npm run proposals:eval -- --mode rpn`). The caller adds the saved
 * model's files as `model`.
 */
export function buildRpnOnlyJob<I extends LabelledSpec>(train: readonly I[], request: RpnOnlyRequest): Omit<JobOf<I>, 'model'> {
  const { config } = request;
  if (!(Number.isInteger(request.iterations) && request.iterations > 0)) throw new Error(`RPN training needs a positive whole number of iterations, got ${request.iterations}`);
  const scale = config.input.scales[0];
  const { maxSize } = config.input;
  const fitted = rpnConfigFor(train, request.sizes, scale, maxSize);
  const anchors = request.anchorScales ? { ...fitted.anchors, scales: [...request.anchorScales] } : fitted.anchors;
  const testProposals = {
    ...fitted.testProposals,
    ...(request.testTopN !== undefined && { postNmsTopN: request.testTopN }),
    ...(request.testNmsIou !== undefined && { nmsIou: request.testNmsIou }),
  };
  const firstLayer = config.backbone.trainableFrom;
  return {
    runId: request.runId,
    mode: 'train',
    classNames: config.classNames,
    train: [...train],
    validation: [],
    test: [],
    validateEvery: 0,
    retrainOnAll: false,
    config: {
      ...DEFAULT_TRAIN_CONFIG, scale, maxSize, useFlipped: request.flip ?? true, seed: request.seed ?? DEFAULT_TRAIN_CONFIG.seed, checkpointEvery: 0,
      // the saved fine-tuned block runs as the model's suffix (frozen here), so the cached features are the prefix's
      trainable: typeof firstLayer === 'string' ? { kind: 'conv', firstLayer } : { kind: 'fc' },
      solver: scaledSolver(request.iterations, { ...DEFAULT_SOLVER, baseLr: request.learningRate ?? DEFAULT_SOLVER.baseLr }),
    },
    head: config.head,
    backend: request.backend,
    featureBackend: request.featureBackend ?? 'wasm',
    proposalMode: 'fast',
    proposalMaxSide: DEFAULT_PROPOSAL_MAX_SIDE,
    maxProposals: DEFAULT_MAX_PROPOSALS,
    resume: false,
    evaluateAtEnd: false,
    svdRanks: { fc6: null, fc7: null },
    detect: {},
    rpn: { ...fitted, anchors, testProposals },
    rpnOnly: true,
  };
}

export interface EvaluationRequest {
  readonly runId: string;
  /** The saved model's config: its classes, head, input scale and post-processing (the caller adds its files as `model`). */
  readonly config: DetectorConfig;
  readonly backend: TrainBackend;
  readonly featureBackend?: TrainBackend;
  readonly proposalMode?: 'fast' | 'quality';
  readonly proposalMaxSide?: number;
  readonly maxProposals?: number;
  /** Test at another scale than the model's own (its longest side cap follows unless given). */
  readonly scale?: number;
  readonly maxSize?: number;
  /** Post-processing over the model's own (box voting, test flips). */
  readonly detect?: Partial<DetectOptions>;
}

/** A job that evaluates a saved model on held-out images (`npm run eval`, the same worker path as training's test). */
export function buildEvaluationJob<I = TrainImageSpec>(test: readonly I[], request: EvaluationRequest): Omit<JobOf<I>, 'model'> {
  const { config } = request;
  return {
    runId: request.runId,
    mode: 'evaluate',
    classNames: config.classNames,
    train: [],
    validation: [],
    test: [...test],
    config: {
      ...DEFAULT_TRAIN_CONFIG, useFlipped: false,
      scale: request.scale ?? config.input.scales[0],
      maxSize: request.maxSize ?? (request.scale !== undefined ? Math.round((request.scale * config.input.maxSize) / config.input.scales[0]) : config.input.maxSize),
    },
    head: config.head,
    backend: request.backend,
    featureBackend: request.featureBackend ?? 'wasm',
    proposalMode: request.proposalMode ?? 'fast',
    proposalMaxSide: request.proposalMaxSide ?? DEFAULT_PROPOSAL_MAX_SIDE,
    maxProposals: request.maxProposals ?? DEFAULT_MAX_PROPOSALS,
    resume: false,
    evaluateAtEnd: true,
    svdRanks: { fc6: null, fc7: null },
    detect: request.detect ?? {},
  };
}
