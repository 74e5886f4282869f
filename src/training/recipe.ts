/**
 * The one fine-tuning recipe: every setting of a run derived from the labelled set itself (how many images and
 * boxes, of which classes, how large) and a time budget, with the reason for each choice in words. The Train tab,
 * `npm run train` and the library's `train()` all start from `recommendRecipe`; any setting can be overridden
 * after. Pure arithmetic, no tfjs.
 *
 * What is fixed and why (measured on raccoon and BCCD, BENCHMARKS.md "Fine-tuning"):
 * - lr 0.01 and no dropout: fc6/fc7 and the 1x1 reduce conv start from random weights here (no pretrained fc layers
 *   exist for this backbone), and in the few hundred iterations a browser allows, the paper's lr 0.001 with dropout
 *   0.5 stays far from converged (raccoon 0.748 against 0.893).
 * - the last backbone conv layer learns (`expanded_conv_12`, a 1x1 conv): +13 points on raccoon over the fc layers
 *   alone (paper Table 5's finding). Learning from `expanded_conv_11` (depthwise + squeeze-excite, trainable on wasm
 *   since wasm_conv_gradients.ts) peaked 1.6 points higher on raccoon validation but swung 27 points: not adopted.
 * - box voting at IoU 0.5 (moves boxes only; +0.4 raccoon, neutral BCCD).
 * What depends on the set is chosen by the rules below; the iteration count is then refined on validation mAP
 * (the run keeps the weights of its best validation evaluation, run_training.ts).
 */
import { DEFAULT_HEAD, type DetectOptions, type HeadConfig } from '../model/defaults';
import { DEFAULT_MAX_PROPOSALS, DEFAULT_PROPOSAL_MAX_SIDE } from '../proposals/modes';
import { DEFAULT_TRAIN_CONFIG, checkpointInterval, scaledSolver, type TrainConfig } from './defaults';
import { DEFAULT_RATES, estimateRun, iterationCostFactor, type MeasuredRates } from './estimate';

/** One training image as the recipe sees it: its size and its boxes' sizes and classes (0-based). */
export interface RecipeImage {
  readonly width: number;
  readonly height: number;
  readonly boxes: readonly { readonly classIndex: number; readonly width: number; readonly height: number }[];
}

export interface RecipeInput {
  readonly classNames: readonly string[];
  /** The images the run trains on (after any validation carve-out). */
  readonly train: readonly RecipeImage[];
  /** Validation images (a split of the set, or the carve-out); none: the run cannot choose on validation. */
  readonly validation: readonly RecipeImage[];
  /** Wall-clock budget for the whole run, proposals included (default 17 minutes). */
  readonly budgetSeconds?: number;
  /** This machine's measured rates (the page remembers them); default: a 2-core machine, wasm on 2 threads. */
  readonly rates?: MeasuredRates;
  /** Images whose proposals are not cached yet (default: all of them). */
  readonly needProposals?: number;
}

/** A setting the recipe chose and why, for the Train tab and the command's log. */
export interface RecipeChoice {
  readonly setting: string;
  readonly value: string;
  readonly why: string;
}

export interface Recipe {
  readonly config: TrainConfig;
  readonly head: HeadConfig;
  readonly proposalMode: 'fast' | 'quality';
  readonly proposalMaxSide: number;
  readonly maxProposals: number;
  /** Post-processing stored with the model. */
  readonly detect: Partial<DetectOptions>;
  /** Validation mAP is measured every this many iterations, from the half of the run on (0: never). */
  readonly validateEvery: number;
  /** After validation chose the iteration, train again on train + validation images (when it fits the budget). */
  readonly retrainOnAll: boolean;
  readonly choices: readonly RecipeChoice[];
  /** The run's estimated wall time with the rates given. */
  readonly estimatedSeconds: number;
}

/** Share of a set's training images held out for validation when it has no validation split. */
export const VALIDATION_FRACTION = 0.2;
/** Validation images are capped: past this many the curve is not noticeably smoother, only slower. */
export const MAX_VALIDATION_IMAGES = 100;
/** Sets smaller than this are not split (nothing would be left to learn from); their run keeps its last weights. */
export const MIN_IMAGES_TO_HOLD_OUT = 5;
/** The whole run, proposals and validation included, on the machine the rates describe (the goal is 20 minutes). */
export const DEFAULT_BUDGET_SECONDS = 17 * 60;
export const RECIPE_LEARNING_RATE = 0.01;
export const RECIPE_TRAINABLE = 'expanded_conv_12';
export const RECIPE_BOX_VOTING_IOU = 0.5;
/** A typical object should span 4 stride-16 feature cells on its short side, so its 7x7 RoI pool reads distinct cells. */
const MIN_OBJECT_PIXELS = 64;
const SCALES = [600, 700, 800] as const;
const MIN_ITERATIONS = 200;
const MAX_ITERATIONS = 2500;
/** Mean boxes per image from which a set counts as crowded (background sampled from the whole image). */
const CROWDED_BOXES_PER_IMAGE = 4;
/** Validation every eighth of the run, from its half on (5 evaluations: the choice is nearly always in the second half, where the learning rate drops). */
const VALIDATION_POINTS = 8;
const VALIDATION_EVALUATIONS = 5;

/** The shortest side after resizing to `scale` with the longest side capped at `maxSize` (imageScale in preprocess). */
function resizeFactor(image: RecipeImage, scale: number, maxSize: number): number {
  return Math.min(scale / Math.min(image.width, image.height), maxSize / Math.max(image.width, image.height));
}

/** p-quantile (0..1) of the values (nearest rank); NaN when empty. */
export function quantile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}

const maxSizeFor = (scale: number) => Math.round((scale * 5) / 3);

/**
 * The training scale: the paper's 600 unless the smallest class's median object would be under MIN_OBJECT_PIXELS on
 * its short side there; then the smallest of 700 or 800 that brings it there (800 at most: past it the features
 * and SGD of a few hundred images no longer fit a browser's budget).
 */
function chooseScale(train: readonly RecipeImage[], classNames: readonly string[]): { scale: number; small: number; className: string } {
  const medianShortSide = (scale: number, classIndex: number) => quantile(train.flatMap((image) => image.boxes
    .filter((b) => b.classIndex === classIndex)
    .map((b) => Math.min(b.width, b.height) * resizeFactor(image, scale, maxSizeFor(scale)))), 0.5);
  const smallest = (scale: number) => {
    let best = { small: Infinity, className: '' };
    classNames.forEach((className, i) => {
      const m = medianShortSide(scale, i);
      if (m < best.small) best = { small: m, className };
    });
    return best;
  };
  const at600 = smallest(600);
  for (const scale of SCALES) if (!(smallest(scale).small < MIN_OBJECT_PIXELS)) return { scale, ...at600 };
  return { scale: SCALES[SCALES.length - 1], ...at600 };
}

/**
 * Passes over the training views: 2.5 for a set with one object per image (the raccoon optimum), growing with the
 * square root of the objects per image (a batch's 32 foreground RoIs are shared among all of an image's objects, so
 * crowded images need more passes for each object to be seen as often), capped at 10.
 */
function epochsFor(boxesPerImage: number): number {
  return Math.min(10, 2.5 * Math.sqrt(Math.max(1, boxesPerImage)));
}

export function recommendRecipe(input: RecipeInput): Recipe {
  const choices: RecipeChoice[] = [];
  const choose = (setting: string, value: string, why: string) => choices.push({ setting, value, why });
  const train = input.train;
  const boxes = train.reduce((sum, image) => sum + image.boxes.length, 0);
  if (train.length === 0 || boxes === 0) throw new Error('the recipe needs at least one training image with a labelled box');
  // classes with boxes: exports such as Roboflow's COCO carry an unused category (the set's own name)
  const classCount = new Set(train.flatMap((image) => image.boxes.map((b) => b.classIndex))).size;
  const boxesPerImage = boxes / train.length;
  const budget = input.budgetSeconds ?? DEFAULT_BUDGET_SECONDS;
  const rates = input.rates ?? DEFAULT_RATES;

  const { scale, small, className } = chooseScale(train, input.classNames);
  choose('scale', `${scale} px (longest side ≤ ${maxSizeFor(scale)})`, scale === 600
    ? `the paper's 600: the smallest class's median object (${className}) is ${Math.round(small)} px on its short side there`
    : `the median ${className} is ${Math.round(small)} px on its short side at 600; ${scale} brings it ${scale === SCALES[SCALES.length - 1] ? 'towards' : 'to'} ` +
      `${MIN_OBJECT_PIXELS} px, 4 cells of the stride-16 feature map`);

  const flips = 2; // horizontal mirror, as in the paper
  const epochs = epochsFor(boxesPerImage);
  const wanted = Math.round((epochs * train.length * flips) / DEFAULT_TRAIN_CONFIG.sampling.imagesPerBatch);
  const fixedSeconds = estimateRun({
    train: train, test: [], iterations: 0, scale, maxSize: maxSizeFor(scale), flipped: true,
    needProposals: input.needProposals ?? train.length + input.validation.length,
    validation: { images: input.validation, evaluations: VALIDATION_EVALUATIONS },
  }, rates).seconds;
  const perIteration = rates.iterationSeconds * iterationCostFactor(scale);
  const affordable = Math.floor(Math.max(0, budget - fixedSeconds) / perIteration);
  // Training again on train + validation (the validation images are labelled data too: a fifth more images)
  // costs the schedule once more, stretched by their ratio, plus the validation images' mirrored features.
  const ratio = (train.length + input.validation.length) / train.length;
  const mirrorSeconds = estimateRun({ train: input.validation, test: [], iterations: 0, scale, maxSize: maxSizeFor(scale), flipped: false, needProposals: 0 }, rates).phases.features;
  const affordableWithRetrain = Math.floor(Math.max(0, budget - fixedSeconds - mirrorSeconds) / (perIteration * (1 + ratio)));
  const wantedWithinLimits = Math.max(MIN_ITERATIONS, Math.min(MAX_ITERATIONS, wanted));
  const retrainOnAll = input.validation.length > 0 && wantedWithinLimits <= affordableWithRetrain;
  // what both runs at the wanted length would take: the budget that allows the second run
  const secondsWithRetrain = fixedSeconds + mirrorSeconds + perIteration * (1 + ratio) * wantedWithinLimits;
  const iterations = Math.max(MIN_ITERATIONS, Math.min(wantedWithinLimits, affordable));
  const bound = iterations === MIN_ITERATIONS && wanted < MIN_ITERATIONS ? `at least ${MIN_ITERATIONS}`
    : iterations < wanted ? `the ${Math.round(budget / 60)}-minute budget allows ${iterations} of the ${wanted} wanted`
    : iterations === MAX_ITERATIONS ? `capped at ${MAX_ITERATIONS}` : '';
  choose('iterations', String(iterations),
    `${epochs.toFixed(1)} passes over ${train.length} images and their mirrors (${boxesPerImage.toFixed(1)} objects per image)` +
    `${bound ? `; ${bound}` : ''}; the learning rate drops tenfold at 3/4` +
    (input.validation.length > 0 ? ', and the run keeps the weights of its best validation evaluation' : ''));

  choose('learning rate', String(RECIPE_LEARNING_RATE), 'the fc layers start from random weights: the paper\'s 0.001 is far from converged in a few hundred iterations');
  choose('layers that learn', `${RECIPE_TRAINABLE} and the head`, 'the last backbone conv layer (a 1x1 conv, trains on every backend) plus the RoI head; learning from expanded_conv_11 too swung 27 points on raccoon validation and ended lower');
  choose('dropout', '0', 'no dropout on a head trained from scratch for a few hundred iterations');

  const crowded = boxesPerImage >= CROWDED_BOXES_PER_IMAGE;
  const bgThreshLo = crowded ? 0 : DEFAULT_TRAIN_CONFIG.sampling.bgThreshLo;
  choose('background examples', crowded ? 'from the whole image (IoU 0 to 0.5)' : 'near objects (IoU 0.1 to 0.5)', crowded
    ? `${boxesPerImage.toFixed(1)} objects per image: in crowded scenes the unlabelled look-alikes far from any box must be seen as background`
    : `${boxesPerImage.toFixed(1)} objects per image: the paper's hard negatives next to the objects`);

  const fgBalance = classCount > 1 ? 'per-class' : 'uniform';
  choose('foreground sampling', fgBalance === 'per-class' ? 'an equal share per class in each image' : 'uniform',
    classCount > 1 ? 'a rare class is not outnumbered by a common one in every batch' : 'one class with boxes: nothing to balance');

  const validateEvery = input.validation.length > 0 ? Math.max(1, Math.round(iterations / VALIDATION_POINTS)) : 0;
  choose('validation', input.validation.length > 0 ? `${input.validation.length} images, every ${validateEvery} iterations` : 'none',
    input.validation.length > 0 ? 'mAP on images the run does not train on; the best evaluation\'s weights are kept'
      : `fewer than ${MIN_IMAGES_TO_HOLD_OUT} labelled images: all of them train, and the run keeps its last weights`);
  if (input.validation.length > 0) {
    choose('after validation', retrainOnAll ? `train again on all ${train.length + input.validation.length} images` : 'keep the validated weights',
      retrainOnAll ? `the validation images are labelled data too: the schedule is run again on train + validation, stretched by ${ratio.toFixed(2)} and stopped at the iteration validation chose`
        : `a second run on train + validation would not fit the ${Math.round(budget / 60)}-minute budget; the two runs need about ` +
          `${Math.ceil(secondsWithRetrain / 60)} minutes here`);
  }
  choose('box voting', `IoU ${RECIPE_BOX_VOTING_IOU}`, 'each box becomes the score-weighted mean of its overlapping candidates (moves boxes only)');

  const config: TrainConfig = {
    ...DEFAULT_TRAIN_CONFIG,
    solver: { ...scaledSolver(iterations), baseLr: RECIPE_LEARNING_RATE },
    sampling: { ...DEFAULT_TRAIN_CONFIG.sampling, bgThreshLo, fgBalance },
    useFlipped: true,
    scale,
    maxSize: maxSizeFor(scale),
    trainable: { kind: 'conv', firstLayer: RECIPE_TRAINABLE },
    checkpointEvery: checkpointInterval(iterations),
  };
  const estimatedSeconds = estimateRun({
    train, test: [], iterations, scale, maxSize: maxSizeFor(scale), flipped: true,
    needProposals: input.needProposals ?? train.length + input.validation.length,
    validation: { images: input.validation, evaluations: validateEvery > 0 ? VALIDATION_EVALUATIONS : 0 },
  }, rates).seconds + (retrainOnAll ? iterations * ratio * perIteration + mirrorSeconds : 0);
  return {
    config,
    retrainOnAll,
    head: { ...DEFAULT_HEAD, dropoutRate: 0 },
    proposalMode: 'fast',
    proposalMaxSide: DEFAULT_PROPOSAL_MAX_SIDE,
    maxProposals: DEFAULT_MAX_PROPOSALS,
    detect: { boxVotingIou: RECIPE_BOX_VOTING_IOU },
    validateEvery,
    choices,
    estimatedSeconds,
  };
}

/** The iterations at which a run with `validateEvery` evaluates validation mAP: from the half on, and the last. */
export function validationIterations(iterations: number, validateEvery: number): number[] {
  if (validateEvery <= 0) return [];
  const out: number[] = [];
  for (let i = validateEvery; i < iterations; i += validateEvery) if (i >= iterations / 2) out.push(i);
  out.push(iterations);
  return out;
}

/** The recipe's choices as text lines (the command's log, the Train tab's summary). */
export function describeRecipe(recipe: Recipe): string[] {
  return recipe.choices.map((c) => `${c.setting}: ${c.value} (${c.why})`);
}

/** Settings a user (a command-line flag, the Train tab, a library option) sets over the recipe's. */
export interface RecipeOverrides {
  readonly iterations?: number;
  readonly learningRate?: number;
  /** Shortest side of the training images; the longest side is capped at 5/3 of it unless maxSize is given. */
  readonly scale?: number;
  readonly maxSize?: number;
  readonly dropout?: number;
  /** 'fc' (the head only) or the first backbone block that learns. */
  readonly trainable?: string;
  readonly fgBalance?: 'uniform' | 'per-class';
  readonly bgThreshLo?: number;
  readonly flip?: boolean;
  readonly verticalFlip?: boolean;
  /** null turns box voting off. */
  readonly boxVotingIou?: number | null;
  readonly proposalMode?: 'fast' | 'quality';
  readonly proposalMaxSide?: number;
  readonly maxProposals?: number;
  readonly seed?: number;
  readonly head?: Partial<HeadConfig>;
  /** Train again on train + validation after validation chose the iteration (default: when it fits the budget). */
  readonly retrainOnAll?: boolean;
}

/** The recipe with the user's settings on top; each overridden choice says so. */
export function withOverrides(recipe: Recipe, o: RecipeOverrides): Recipe {
  const mine = 'set by you';
  const choices = new Map(recipe.choices.map((c) => [c.setting, c]));
  const set = (setting: string, value: string | undefined) => {
    if (value !== undefined) choices.set(setting, { setting, value, why: mine });
  };
  const iterations = o.iterations !== undefined ? Math.max(1, Math.round(o.iterations)) : recipe.config.solver.iterations;
  set('iterations', o.iterations !== undefined ? String(iterations) : undefined);
  set('learning rate', o.learningRate?.toString());
  set('scale', o.scale !== undefined || o.maxSize !== undefined ? `${o.scale ?? recipe.config.scale} px (longest side ≤ ${o.maxSize ?? maxSizeFor(o.scale ?? recipe.config.scale)})` : undefined);
  set('dropout', o.dropout?.toString());
  set('layers that learn', o.trainable === undefined ? undefined : o.trainable === 'fc' ? 'the head only' : `${o.trainable} and up, and the head`);
  set('foreground sampling', o.fgBalance);
  set('background examples', o.bgThreshLo === undefined ? undefined : `IoU ${o.bgThreshLo} to 0.5`);
  set('after validation', o.retrainOnAll === undefined ? undefined : o.retrainOnAll ? 'train again on all images' : 'keep the validated weights');
  set('box voting', o.boxVotingIou === undefined ? undefined : o.boxVotingIou === null ? 'off' : `IoU ${o.boxVotingIou}`);
  const scale = o.scale ?? recipe.config.scale;
  const config: TrainConfig = {
    ...recipe.config,
    solver: { ...scaledSolver(iterations, recipe.config.solver), baseLr: o.learningRate ?? recipe.config.solver.baseLr },
    sampling: { ...recipe.config.sampling, ...(o.fgBalance && { fgBalance: o.fgBalance }), ...(o.bgThreshLo !== undefined && { bgThreshLo: o.bgThreshLo }) },
    scale,
    maxSize: o.maxSize ?? (o.scale !== undefined ? maxSizeFor(o.scale) : recipe.config.maxSize),
    useFlipped: o.flip ?? recipe.config.useFlipped,
    useVerticalFlips: o.verticalFlip ?? recipe.config.useVerticalFlips,
    trainable: o.trainable === undefined ? recipe.config.trainable : o.trainable === 'fc' ? { kind: 'fc' } : { kind: 'conv', firstLayer: o.trainable },
    seed: o.seed ?? recipe.config.seed,
    checkpointEvery: checkpointInterval(iterations),
  };
  const detect = o.boxVotingIou === undefined ? recipe.detect : { ...recipe.detect, boxVotingIou: o.boxVotingIou };
  return {
    ...recipe,
    config,
    head: { ...recipe.head, ...o.head, ...(o.dropout !== undefined && { dropoutRate: o.dropout }) },
    proposalMode: o.proposalMode ?? recipe.proposalMode,
    proposalMaxSide: o.proposalMaxSide ?? recipe.proposalMaxSide,
    maxProposals: o.maxProposals ?? recipe.maxProposals,
    detect,
    validateEvery: recipe.validateEvery > 0 ? Math.max(1, Math.round(iterations / VALIDATION_POINTS)) : 0,
    retrainOnAll: recipe.validateEvery > 0 && (o.retrainOnAll ?? recipe.retrainOnAll),
    choices: [...choices.values()],
  };
}
