/**
 * What the Fine-tune tab will run, before it runs: the images marked Train split into training and validation
 * images (a stratified carve-out, src/training/job_builder.ts), the recommended recipe for them
 * (src/training/recipe.ts), the user's settings on top of it, and the time estimate. Pure (no DOM, no tfjs): the tab
 * recomputes it whenever the images, their splits or the settings change, and `TrainController.launch` builds its
 * job from the same plan.
 */
import type { AnnotatedImage, AnnotationSet } from '../annotate/annotation_set';
import { classNamesOf, toDataset } from '../annotate/annotation_set';
import { DEFAULT_SAMPLING } from '../../training/defaults';
import { DEFAULT_RATES, estimateRun, iterationCostFactor, type Estimate, type MeasuredRates } from '../../training/estimate';
import { imageLabels } from '../../training/image_specs';
import { recipeFor, splitForValidation, type ImageSizes, type JobRuntime } from '../../training/job_builder';
import type { TrainBackend } from '../../training/protocol';
import { validationIterations, withOverrides, type Recipe, type RecipeChoice, type RecipeOverrides } from '../../training/recipe';

/** The settings the Train tab lets a user change over the recipe. */
export type UiOverrides = Pick<RecipeOverrides, 'iterations' | 'learningRate' | 'scale' | 'flip' | 'verticalFlip' | 'bgThreshLo' | 'trainable' | 'retrainOnAll'>;

/** Where the run's proposals come from: selective search only, or also a Region Proposal Network trained with the head. */
export type TrainProposals = NonNullable<JobRuntime['proposals']>;

/** What the user set: nothing (the recommended recipe on wasm) unless they changed a setting. */
export interface TrainSettings {
  readonly overrides: UiOverrides;
  readonly backend: TrainBackend;
  /** Absent (as in runs remembered before the choice existed): the default, selective search. */
  readonly proposals?: TrainProposals;
}

export const DEFAULT_BACKEND: TrainBackend = 'wasm';
/**
 * Selective search: one run cannot tell on its validation images which proposals the model would detect better with
 * (the RPN learns beside the head, and the head learns from selective search's proposals either way), so the
 * default stays the method every model already has; 'rpn' adds the learned proposals on request.
 */
export const DEFAULT_PROPOSALS: TrainProposals = 'selective-search';
export const RECOMMENDED_SETTINGS: TrainSettings = { overrides: {}, backend: DEFAULT_BACKEND, proposals: DEFAULT_PROPOSALS };

export const PROPOSAL_NAMES: Readonly<Record<TrainProposals, string>> = {
  'selective-search': 'selective search', rpn: 'learned (RPN) and selective search',
};

/** The settings a run uses, as the form shows them (recipe and overrides resolved). */
export interface EffectiveSettings {
  readonly iterations: number;
  readonly learningRate: number;
  /** Shortest side of the training image in pixels (TrainConfig.scale). */
  readonly scale: number;
  readonly flipped: boolean;
  readonly verticalFlips: boolean;
  /** Background RoIs from anywhere in the image (IoU in [0, 0.5)) instead of near objects only ([0.1, 0.5), the paper). */
  readonly backgroundAnywhere: boolean;
  /** 'fc' (the head only) or the first backbone layer that learns. */
  readonly trainable: string;
  /** After validation chose the iteration, train again on train + validation images (recipe.ts decides by the budget). */
  readonly retrainOnAll: boolean;
  readonly backend: TrainBackend;
  readonly proposals: TrainProposals;
}

/** One image of the plan: what the recipe and the split read (the job's specs are built from these at launch). */
export interface PlanImage {
  readonly id: string;
  readonly gtBoxes: number[];
  readonly gtClasses: number[];
  /** Set when the page already has the image's proposals (the recipe then does not count their time). */
  readonly proposals?: true;
}

export interface RunPlan {
  readonly classNames: string[];
  readonly train: readonly PlanImage[];
  readonly validation: readonly PlanImage[];
  readonly test: readonly PlanImage[];
  /** The validation images were carved out of the images marked Train (false: none, or the run's own on resume). */
  readonly carvedOut: boolean;
  /** The recipe with nothing overridden, and with the user's settings on top (what runs). */
  readonly recommended: Recipe;
  readonly recipe: Recipe;
  readonly settings: EffectiveSettings;
  /** The recipe's choices, plus the settings the recipe does not list (flips, backend), each with its reason. */
  readonly choices: readonly RecipeChoice[];
  /** How many settings the user changed. */
  readonly changed: number;
  /** The whole run: proposals, features, training, validation, the held-out evaluation and the export. */
  readonly estimate: Estimate;
  /** The images' sizes by id (the RPN's anchor sizes are fitted to the training boxes measured against them). */
  readonly sizes: ImageSizes;
}

export interface PlanInput {
  readonly set: AnnotationSet;
  /** Images marked Train with at least one box, and images marked Held out. */
  readonly train: readonly AnnotatedImage[];
  readonly test: readonly AnnotatedImage[];
  readonly settings: TrainSettings;
  readonly rates?: MeasuredRates;
  readonly hasProposals?: (id: string) => boolean;
  /** Resume: the interrupted run's own validation images (ids among `train`), instead of a new carve-out. */
  readonly validationIds?: readonly string[];
  /** Resume: the iteration count the interrupted run was planned with (the estimate may have changed since). */
  readonly iterations?: number;
}

export const BACKEND_NAMES: Readonly<Record<TrainBackend, string>> = {
  wasm: 'CPU, WebAssembly', webgpu: 'GPU, WebGPU', webgl: 'GPU, WebGL', cpu: 'CPU, plain JavaScript',
};

export function effectiveSettings(recipe: Recipe, backend: TrainBackend, proposals: TrainProposals = DEFAULT_PROPOSALS): EffectiveSettings {
  const c = recipe.config;
  return {
    iterations: c.solver.iterations, learningRate: c.solver.baseLr, scale: c.scale, flipped: c.useFlipped,
    verticalFlips: c.useVerticalFlips ?? false, backgroundAnywhere: c.sampling.bgThreshLo === 0,
    trainable: c.trainable.kind === 'fc' ? 'fc' : c.trainable.firstLayer, retrainOnAll: recipe.retrainOnAll, backend, proposals,
  };
}

/** The proposals choice as the settings list shows it, with its reason. */
export function proposalsChoice(proposals: TrainProposals): RecipeChoice {
  return proposals === DEFAULT_PROPOSALS
    ? {
      setting: 'proposals', value: PROPOSAL_NAMES[proposals],
      why: 'on the validation images of both sets we measured, the head detected better on selective search’s proposals than on an RPN’s (BCCD 0.856 against 0.828, raccoon 0.906 against 0.818), and one run cannot compare the two on yours; choose learned (RPN) to also train a Region Proposal Network, which the Detect tab can then detect with',
    }
    : { setting: 'proposals', value: PROPOSAL_NAMES[proposals], why: 'set by you: a Region Proposal Network learns with the head (anchor sizes from your boxes); the Detect tab’s Proposals choice detects with it' };
}

/** The recommended value of each overridable setting (to tell an override from a return to the recommendation). */
function recommendedValue(recommended: Recipe, key: keyof UiOverrides): UiOverrides[keyof UiOverrides] {
  const s = effectiveSettings(recommended, DEFAULT_BACKEND);
  switch (key) {
    case 'iterations': return s.iterations;
    case 'learningRate': return s.learningRate;
    case 'scale': return s.scale;
    case 'flip': return s.flipped;
    case 'verticalFlip': return s.verticalFlips;
    case 'bgThreshLo': return recommended.config.sampling.bgThreshLo;
    case 'trainable': return s.trainable;
    case 'retrainOnAll': return s.retrainOnAll;
  }
}

/** The overrides with one setting changed; setting it back to the recommended value drops the override. */
export function withSetting<K extends keyof UiOverrides>(overrides: UiOverrides, recommended: Recipe | null, key: K, value: NonNullable<UiOverrides[K]>): UiOverrides {
  const { [key]: _dropped, ...rest } = overrides;
  return recommended && recommendedValue(recommended, key) === value ? rest : { ...rest, [key]: value };
}

/** The background-examples checkbox as an override: IoU 0 (anywhere) or the paper's 0.1 (near objects). */
export function backgroundThreshold(anywhere: boolean): number {
  return anywhere ? 0 : DEFAULT_SAMPLING.bgThreshLo;
}

/** The image's labels as the job reads them (training/image_specs.ts); boxes of unknown classes or empty are left out. */
export function planImage(image: AnnotatedImage, set: AnnotationSet, hasProposals?: (id: string) => boolean): PlanImage {
  const [record] = toDataset(set, [image]).records;
  const { gtBoxes, gtClasses } = imageLabels(image.id, record.objects, classNamesOf(set));
  return { id: image.id, gtBoxes, gtClasses, ...(hasProposals?.(image.id) && { proposals: true as const }) };
}

/** Null when nothing can train (no image marked Train has a box). */
export function planRun(input: PlanInput): RunPlan | null {
  if (input.train.length === 0) return null;
  const classNames = classNamesOf(input.set);
  const toPlan = (image: AnnotatedImage) => planImage(image, input.set, input.hasProposals);
  const marked = input.train.map(toPlan);
  const overrides = input.settings.overrides;
  const split = input.validationIds
    ? { train: marked.filter((i) => !input.validationIds!.includes(i.id)), validation: marked.filter((i) => input.validationIds!.includes(i.id)), carvedOut: false }
    : splitForValidation(marked, null, 3);
  const test = input.test.map(toPlan);
  const sizes: ImageSizes = new Map([...input.train, ...input.test].map((i) => [i.id, { width: i.width, height: i.height }]));
  let recommended: Recipe;
  try {
    recommended = recipeFor({ classNames, images: split, sizes, rates: input.rates });
  } catch {
    return null; // no labelled box among the training images
  }
  const recipe = withOverrides(recommended, input.iterations !== undefined && overrides.iterations === undefined ? { ...overrides, iterations: input.iterations } : overrides);
  const settings = effectiveSettings(recipe, input.settings.backend, input.settings.proposals);
  const mine = 'set by you';
  const choices: RecipeChoice[] = [...recipe.choices];
  if (overrides.flip !== undefined) choices.push({ setting: 'mirrored copies', value: overrides.flip ? 'on' : 'off', why: mine });
  if (overrides.verticalFlip !== undefined) choices.push({ setting: 'upside-down copies', value: overrides.verticalFlip ? 'on' : 'off', why: mine });
  choices.push({
    setting: 'train on', value: BACKEND_NAMES[settings.backend],
    why: settings.backend === DEFAULT_BACKEND ? 'the fastest without a GPU, on every core of this machine' : mine,
  });
  choices.push(proposalsChoice(settings.proposals));
  const c = recipe.config;
  const rates = input.rates ?? DEFAULT_RATES;
  const validationImages = input.train.filter((i) => split.validation.some((s) => s.id === i.id));
  const first = estimateRun({
    train: input.train.filter((i) => split.train.some((s) => s.id === i.id)), test: input.test,
    iterations: c.solver.iterations, scale: c.scale, maxSize: c.maxSize, flipped: c.useFlipped, verticalFlips: c.useVerticalFlips ?? false,
    needProposals: [...split.train, ...split.validation, ...test].filter((i) => !i.proposals).length,
    validation: {
      images: validationImages,
      evaluations: split.validation.length > 0 ? validationIterations(c.solver.iterations, recipe.validateEvery).length : 0,
    },
  }, rates);
  // training again on train + validation: at most the whole schedule stretched by their ratio, plus the features of
  // the validation images' training copies (their plain view is already cached for validation)
  const retrainIterations = recipe.retrainOnAll && split.train.length > 0 ? Math.round(c.solver.iterations * (split.train.length + split.validation.length) / split.train.length) : 0;
  const copies = retrainIterations > 0 ? estimateRun({
    train: validationImages, test: [], iterations: 0, scale: c.scale, maxSize: c.maxSize, flipped: c.useFlipped, verticalFlips: c.useVerticalFlips ?? false, needProposals: 0,
  }, rates).phases.features * (1 - 1 / ((c.useFlipped ? 2 : 1) * (c.useVerticalFlips ? 2 : 1))) : 0;
  const retraining = retrainIterations * rates.iterationSeconds * iterationCostFactor(c.scale) + copies;
  const estimate: Estimate = { ...first, seconds: first.seconds + retraining, phases: { ...first.phases, training: first.phases.training + retraining } };
  const changed = Object.values(overrides).filter((v) => v !== undefined).length + (settings.backend === DEFAULT_BACKEND ? 0 : 1)
    + (settings.proposals === DEFAULT_PROPOSALS ? 0 : 1);
  return { classNames, train: split.train, validation: split.validation, test, carvedOut: split.carvedOut, recommended, recipe, settings, choices, changed, estimate, sizes };
}

/** "about 3 minutes" (at least one). */
export function aboutMinutes(seconds: number): string {
  const minutes = Math.max(1, Math.round(seconds / 60));
  return `about ${minutes} minute${minutes === 1 ? '' : 's'}`;
}

/** The headline of the settings section: what the recipe recommends for this set, and how long it takes. */
export function recipeHeadline(plan: RunPlan): string {
  const s = plan.settings;
  const validation = plan.validation.length > 0
    ? `choosing the iteration on ${plan.validation.length} validation image${plan.validation.length === 1 ? '' : 's'}`
    : 'no validation images (too few to set some aside)';
  const yours = plan.changed > 0 ? `, with ${plan.changed} setting${plan.changed === 1 ? '' : 's'} set by you` : '';
  return `Recommended for this set${yours}: ${s.iterations} iterations at ${s.scale} px, learning rate ${s.learningRate}, ${validation}, ${aboutMinutes(plan.estimate.seconds)}.`;
}

/** What a run's summary says of validation (and of a second run on train + validation, if there was one). */
export interface ValidationOutcome {
  readonly iterations: number;
  readonly chosenIteration?: number;
  readonly validation?: readonly { readonly iteration: number; readonly mAP: number }[];
  readonly retrained?: { readonly images: number; readonly iterations: number };
}

/**
 * "Kept iteration 240 of 320: validation mAP 81.2%"; after a second run on train + validation, what validation chose
 * and what was trained then (the kept weights are the second run's). Null for a run without validation.
 */
export function keptText(summary: ValidationOutcome): string | null {
  const chosen = summary.validation?.find((p) => p.iteration === summary.chosenIteration);
  if (!chosen) return null;
  const at = `iteration ${chosen.iteration} of ${summary.iterations}: validation mAP ${(chosen.mAP * 100).toFixed(1)}%`;
  return summary.retrained
    ? `Validation chose ${at}; then trained again on all ${summary.retrained.images} images for ${summary.retrained.iterations} iterations (the same point of the schedule) and kept those weights`
    : `Kept ${at}`;
}
