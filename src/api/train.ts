/**
 * detector.train(): fine-tunes in the training Web Worker (src/training/client.ts), the same path as the app's
 * Fine-tune tab and `npm run train`:
 * 1. the dataset (and the optional validation and test sets) as worker image specs, classes fixed; without a
 *    validation set, a stratified share of the dataset is held out (job_builder.splitForValidation);
 * 2. the recommended recipe for those images (src/training/recipe.ts), the caller's options on top;
 * 3. the current model's head as the starting point when its classes are the dataset's (else a fresh head);
 * 4. run the job, relaying phases, iterations and validation points; an AbortSignal cancels it (the worker still
 *    exports the weights it has);
 * 5. the exported model files, which the caller turns into its detector's model (modelFromFiles: in the page, or in
 *    the detection worker, src/api/detector_worker.ts).
 * It needs no tfjs backend itself: the current model is read through `TrainStart`, so it runs in the page while the
 * detector's weights live in the detection worker.
 */
import * as tf from '@tensorflow/tfjs';
import type { DetectorConfig } from '../model/defaults';
import type { FastRcnnDetector } from '../model/detector';
import { artifactsFromFiles, detectorFromArtifacts } from '../model/weights_io';
import { TrainingClient } from '../training/client';
import { HEADER_BYTES } from '../data/image_decode';
import { readImageHeader } from '../data/image_header';
import { DEFAULT_TRAIN_CONFIG } from '../training/defaults';
import { buildTrainJob, recipeFor, splitForValidation } from '../training/job_builder';
import type { RecipeOverrides } from '../training/recipe';
import { exportModelFiles, savedConfig } from '../training/model_files';
import type { EvaluationSummary, ModelFiles, TrainJob } from '../training/protocol';
import { datasetClassNames, datasetSpecs } from './dataset';
import { DetectorError } from './errors';
import type { DetectorDataset, TrainOptions, TrainResult } from './types';

/** The model a run may start from: its classes, and its weights as files (read only when the run starts from them). */
export interface TrainStart {
  readonly classNames: readonly string[];
  files(): Promise<ModelFiles>;
}

export interface TrainedFiles {
  readonly result: TrainResult;
  /** The trained detector's files; null when the worker sent no weights. */
  readonly files: ModelFiles | null;
}

/** Trains a head for `dataset` starting from `current`. */
export async function trainModel(current: TrainStart, dataset: DetectorDataset, options: TrainOptions = {}): Promise<TrainedFiles> {
  options.signal?.throwIfAborted();
  if (options.proposals !== undefined && options.proposals !== 'rpn' && options.proposals !== 'selective-search') {
    throw new DetectorError('dataset', `proposals must be 'rpn' or 'selective-search', got ${String(options.proposals)}`);
  }
  const classNames = datasetClassNames(dataset);
  if (classNames.length === 0) throw new DetectorError('dataset', 'train: the dataset has no labelled objects');
  const train = datasetSpecs(dataset, classNames, 'train');
  const validation = options.validation ? datasetSpecs(options.validation, classNames, 'train (validation set)') : null;
  const test = options.test ? datasetSpecs(options.test, classNames, 'train (test set)') : null;
  try {
    const startFrom = (options.fromCurrentModel ?? true) && sameClasses(current.classNames, classNames) ? await current.files() : undefined;
    const split = splitForValidation(train.images, options.validation === null ? [] : validation?.images ?? null);
    const sizes = await imageSizes([...split.train, ...split.validation], options.signal);
    const recipe = recipeFor({ classNames, images: split, sizes, overrides: overridesOf(options, startFrom ? savedConfig(startFrom) : null), budgetSeconds: options.budgetSeconds });
    const job = buildTrainJob(classNames, { train: split.train, validation: split.validation, test: test?.images ?? [] }, recipe, {
      runId: `api-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`,
      backend: options.backend ?? 'wasm',
      featureBackend: options.featureBackend ?? 'wasm',
      model: startFrom,
      ...(options.proposals === 'rpn' && { proposals: 'rpn' as const, sizes }),
    });
    const { summary, evaluation, files } = await runJob(job, options);
    return {
      result: {
        iterations: summary.iterations, seconds: summary.seconds, cancelled: summary.cancelled, evaluation,
        validation: summary.validation ?? [], chosenIteration: summary.chosenIteration ?? summary.iterations, recipe: recipe.choices,
      },
      files,
    };
  } finally {
    train.release();
    validation?.release();
    test?.release();
  }
}

/** The caller's options as recipe overrides; a run that starts from the current model keeps its head's sizes. */
function overridesOf(options: TrainOptions, startFrom: DetectorConfig | null): RecipeOverrides {
  if (options.inputScale !== undefined && !(options.inputScale >= 16)) throw new DetectorError('dataset', `inputScale must be at least 16 pixels, got ${options.inputScale}`);
  if (options.iterations !== undefined && !(options.iterations >= 1)) throw new DetectorError('dataset', `iterations must be at least 1, got ${options.iterations}`);
  return {
    iterations: options.iterations,
    learningRate: options.learningRate,
    scale: options.inputScale === undefined ? undefined : Math.round(options.inputScale),
    flip: options.flip,
    verticalFlip: options.verticalFlip,
    bgThreshLo: options.backgroundAnywhere === undefined ? undefined : options.backgroundAnywhere ? 0 : DEFAULT_TRAIN_CONFIG.sampling.bgThreshLo,
    proposalMode: options.proposalMode,
    proposalMaxSide: options.proposalMaxSide,
    maxProposals: options.maxProposals,
    ...(startFrom && { head: startFrom.head }),
  };
}

/** Each image's size from its file's first bytes (the recipe measures objects against it); unknown ones are left out. */
async function imageSizes(specs: readonly { id: string; url: string }[], signal?: AbortSignal): Promise<Map<string, { width: number; height: number }>> {
  const sizes = new Map<string, { width: number; height: number }>();
  await Promise.all(specs.map(async (spec) => {
    try {
      const blob = await (await fetch(spec.url, { signal })).blob();
      const header = readImageHeader(new Uint8Array(await blob.slice(0, HEADER_BYTES).arrayBuffer()));
      if (header?.uprightSize) sizes.set(spec.id, header.uprightSize);
    } catch (error) {
      if (signal?.aborted) throw error;
      // unreadable here: the worker reports the image when it decodes it; the recipe assumes its boxes' extent
    }
  }));
  return sizes;
}

function sameClasses(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((name, i) => name === b[i]);
}

/** A model's weights as the files a training run starts from (fc6/fc7 uncompressed). */
export function currentFiles(model: FastRcnnDetector): Promise<ModelFiles> {
  const { classNames, input, bboxNormalization, detect } = model.config;
  return exportModelFiles(model.head, model.backbone, { classNames, input, bboxNormalization, detect, svdRanks: { fc6: null, fc7: null } });
}

async function runJob(job: TrainJob, options: TrainOptions) {
  let evaluation: EvaluationSummary | null = null;
  let files: ModelFiles | null = null;
  const progress = options.onProgress;
  const client = new TrainingClient(job, {
    onPhase: (phase, done, total, detail) => progress?.({ kind: 'phase', phase, done, total, detail }),
    onProgress: (p) => progress?.({ kind: 'iteration', progress: p }),
    onValidation: (point) => progress?.({ kind: 'validation', point }),
    onNan: (iteration, learningRate, message) => progress?.({ kind: 'nan', iteration, learningRate, message }),
    onRecovered: (iteration, message) => progress?.({ kind: 'recovered', iteration, message }),
    onWarning: (message) => progress?.({ kind: 'warning', message }),
    onEvaluation: (result) => (evaluation = result),
    onModel: (model) => (files = model),
  });
  const cancel = () => client.cancel();
  options.signal?.addEventListener('abort', cancel, { once: true });
  try {
    const summary = await client.done;
    return { summary, evaluation: evaluation as EvaluationSummary | null, files: files as ModelFiles | null };
  } finally {
    options.signal?.removeEventListener('abort', cancel);
    client.terminate();
  }
}

/** The trained files as a detector on the current backend; `backbone` is the pretrained graph they name. */
export async function modelFromFiles(files: ModelFiles, backbone: () => Promise<tf.io.ModelArtifacts>): Promise<FastRcnnDetector> {
  return detectorFromArtifacts(artifactsFromFiles(files), { backboneSource: tf.io.fromMemory(await backbone()) });
}
