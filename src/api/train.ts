/**
 * detector.train(): fine-tunes in the training Web Worker (src/training/client.ts), the same path as the app's
 * Fine-tune tab and `npm run train`. Recipe:
 * 1. the dataset (and the optional test set) as worker image specs, classes fixed;
 * 2. the current model's head as the starting point when its classes are the dataset's (else a fresh head);
 * 3. run the job, relaying phases and iterations; an AbortSignal cancels it (the worker still exports the
 *    weights it has);
 * 4. the exported model files -> a FastRcnnDetector on the main thread.
 */
import * as tf from '@tensorflow/tfjs';
import { DEFAULT_HEAD } from '../model/defaults';
import type { FastRcnnDetector } from '../model/detector';
import { detectorFromArtifacts } from '../model/weights_io';
import { TrainingClient } from '../training/client';
import { DEFAULT_TRAIN_CONFIG, checkpointInterval, scaledSolver } from '../training/defaults';
import { exportModelFiles } from '../training/model_files';
import type { EvaluationSummary, ModelFiles, TrainJob } from '../training/protocol';
import { datasetClassNames, datasetSpecs } from './dataset';
import { DetectorError } from './errors';
import { DEFAULT_MAX_PROPOSALS, DEFAULT_PROPOSAL_MAX_SIDE } from './proposals';
import type { DetectorDataset, TrainOptions, TrainResult } from './types';

export interface TrainedModel {
  readonly result: TrainResult;
  /** The trained detector (the caller owns it); null when the worker sent no weights. */
  readonly model: FastRcnnDetector | null;
  /** Builds the trained detector again from its files (kept in memory), e.g. after the GPU device was lost. */
  readonly reload: (() => Promise<FastRcnnDetector>) | null;
}

/** Trains a head for `dataset` starting from `current`; `backbone` is the pretrained graph the model reloads. */
export async function trainModel(
  current: FastRcnnDetector,
  backbone: () => Promise<tf.io.ModelArtifacts>,
  dataset: DetectorDataset,
  options: TrainOptions = {},
): Promise<TrainedModel> {
  options.signal?.throwIfAborted();
  const classNames = datasetClassNames(dataset);
  if (classNames.length === 0) throw new DetectorError('dataset', 'train: the dataset has no labelled objects');
  const train = datasetSpecs(dataset, classNames, 'train');
  const test = options.test ? datasetSpecs(options.test, classNames, 'train (test set)') : null;
  try {
    const startFrom = (options.fromCurrentModel ?? true) && sameClasses(current.classNames, classNames) ? await currentFiles(current) : undefined;
    const job = trainJob(classNames, train.images, test?.images ?? [], options, startFrom, current);
    const { summary, evaluation, files } = await runJob(job, options);
    const model = files ? await modelFromFiles(files, backbone) : null;
    const reload = files ? () => modelFromFiles(files, backbone) : null;
    return { result: { iterations: summary.iterations, seconds: summary.seconds, cancelled: summary.cancelled, evaluation }, model, reload };
  } finally {
    train.release();
    test?.release();
  }
}

function sameClasses(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((name, i) => name === b[i]);
}

function currentFiles(model: FastRcnnDetector): Promise<ModelFiles> {
  const { classNames, input, bboxNormalization, detect } = model.config;
  return exportModelFiles(model.head, model.backbone, { classNames, input, bboxNormalization, detect, svdRanks: { fc6: null, fc7: null } });
}

function trainJob(
  classNames: readonly string[], train: TrainJob['train'], test: TrainJob['test'], options: TrainOptions,
  model: ModelFiles | undefined, current: FastRcnnDetector,
): TrainJob {
  const iterations = Math.max(1, Math.round(options.iterations ?? 1000));
  return {
    runId: `api-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`,
    mode: 'train',
    classNames,
    train,
    test,
    config: {
      ...DEFAULT_TRAIN_CONFIG,
      solver: { ...scaledSolver(iterations), baseLr: options.learningRate ?? DEFAULT_TRAIN_CONFIG.solver.baseLr },
      useFlipped: options.flip ?? true,
      useVerticalFlips: options.verticalFlip ?? false,
      sampling: { ...DEFAULT_TRAIN_CONFIG.sampling, ...(options.backgroundAnywhere ? { bgThreshLo: 0 } : {}) },
      checkpointEvery: checkpointInterval(iterations),
      ...(options.inputScale !== undefined && scaled(options.inputScale)),
    },
    head: model ? current.config.head : DEFAULT_HEAD,
    backend: options.backend ?? 'wasm',
    featureBackend: options.featureBackend ?? 'wasm',
    proposalMode: options.proposalMode ?? 'fast',
    proposalMaxSide: options.proposalMaxSide ?? DEFAULT_PROPOSAL_MAX_SIDE,
    maxProposals: options.maxProposals ?? DEFAULT_MAX_PROPOSALS,
    resume: false,
    evaluateAtEnd: test.length > 0,
    svdRanks: { fc6: null, fc7: null },
    model,
  };
}

/** Training scale and its longest-side cap, in the default's proportion (600 / 1000). */
function scaled(inputScale: number): { scale: number; maxSize: number } {
  if (!(inputScale >= 16)) throw new DetectorError('dataset', `inputScale must be at least 16 pixels, got ${inputScale}`);
  const { scale, maxSize } = DEFAULT_TRAIN_CONFIG;
  return { scale: Math.round(inputScale), maxSize: Math.round((maxSize * inputScale) / scale) };
}

async function runJob(job: TrainJob, options: TrainOptions) {
  let evaluation: EvaluationSummary | null = null;
  let files: ModelFiles | null = null;
  const progress = options.onProgress;
  const client = new TrainingClient(job, {
    onPhase: (phase, done, total, detail) => progress?.({ kind: 'phase', phase, done, total, detail }),
    onProgress: (p) => progress?.({ kind: 'iteration', progress: p }),
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

async function modelFromFiles(files: ModelFiles, backbone: () => Promise<tf.io.ModelArtifacts>): Promise<FastRcnnDetector> {
  const json = JSON.parse(files.modelJson) as { modelTopology: object; weightsManifest: { weights: tf.io.WeightsManifestEntry[] }[] };
  const artifacts: tf.io.ModelArtifacts = {
    modelTopology: json.modelTopology,
    weightSpecs: json.weightsManifest.flatMap((group) => group.weights),
    weightData: files.weights,
  };
  return detectorFromArtifacts(artifacts, { backboneSource: tf.io.fromMemory(await backbone()) });
}
