/**
 * The detector that runs where it is created: in the detection worker (src/api/detector_worker.ts, the default), or
 * in the page itself (`backend: 'keep'`, `worker: false`, or no Worker/OffscreenCanvas). It composes the stages of
 * Fast R-CNN at test time (paper Figure 1) over the state of its thread:
 *   backend (chosen once per thread, backend.ts) -> model (one copy per URL, model_registry.ts)
 *   detect: decoded image -> the one detection pipeline (src/pipeline/detect_pipeline.ts: proposals, network,
 *   post-processing, original pixels, lost-device recovery) -> plain DetectionOutput.
 */
import * as tf from '@tensorflow/tfjs';
import type { FastRcnnDetector } from '../model/detector';
import { detectorArtifacts, saveDetector } from '../model/weights_io';
import { runDetection, type DecodedInput, type NetworkSource } from '../pipeline/detect_pipeline';
import { backendGeneration, onBackendRestart } from '../runtime/device_loss';
import type { BackendChoice } from '../runtime/select_backend';
import { savedConfig } from '../training/model_files';
import type { ModelFiles } from '../training/protocol';
import { ensureBackend, recoverBackend } from './backend';
import type { Detector } from './create_detector';
import { DetectorError } from './errors';
import { evaluateDataset } from './evaluate';
import { assertFiniteModel } from './finite_model';
import { decodeImage, toObject } from './image_input';
import { DEFAULT_MODEL_PATH, defaultAssetsBase, fetchArtifacts, resolveAssetUrl, resolvePageUrl } from './model_files';
import { acquireModel, type ModelLease, type ModelRequest } from './model_registry';
import { currentFiles, modelFromFiles, trainModel } from './train';
import type {
  DetectInput, DetectionOutput, DetectOptions, DetectorDataset, DetectorOptions,
  EvaluateOptions, EvaluationSummary, TrainOptions, TrainResult,
} from './types';

/** What a detector was trained to in this page is called (its `source`). */
export const TRAINED_HERE = 'trained in this page';

/** Starts the backend (once per thread) and loads the model (once per URL); rejects with a DetectorError. */
export async function createPageDetector(options: DetectorOptions = {}): Promise<PageDetector> {
  const report = options.onProgress ?? (() => undefined);
  report({ stage: 'backend', fraction: null });
  const choice = await ensureBackend(options.backend);
  const request = modelRequest(options);
  report({ stage: 'model', fraction: 0 });
  const lease = await acquireModel(request, (fraction) => report({ stage: 'model', fraction }));
  report({ stage: 'model', fraction: 1 });
  return new PageDetector({ lease }, request, request.modelUrl, choice);
}

/** A detector with its own weights, built from saved files (a training snapshot); the backbone they name is fetched. */
export async function pageDetectorFromFiles(files: ModelFiles, options: DetectorOptions, source: string): Promise<PageDetector> {
  const choice = await ensureBackend(options.backend);
  const request = modelRequest(options);
  const backbone = () => fetchArtifacts(backboneUrlOf(request, savedConfig(files).backbone.modelUrl), 'backbone');
  const model = await modelFromFiles(files, backbone);
  return new PageDetector({ model, reload: () => modelFromFiles(files, backbone) }, request, source, choice);
}

/** Resolved URLs of what `options` asks for (the registry's key). */
export function modelRequest(options: Pick<DetectorOptions, 'model' | 'assetsBase' | 'backboneUrl'>): ModelRequest {
  const assetsBase = options.assetsBase ? resolvePageUrl(options.assetsBase) : defaultAssetsBase();
  return {
    modelUrl: options.model ? resolvePageUrl(options.model) : resolveAssetUrl(DEFAULT_MODEL_PATH, assetsBase),
    assetsBase,
    backboneUrl: options.backboneUrl ? resolvePageUrl(options.backboneUrl) : undefined,
  };
}

function backboneUrlOf(request: ModelRequest, stored: string): string {
  return request.backboneUrl ?? resolveAssetUrl(stored, request.assetsBase);
}

type Weights = { readonly lease: ModelLease } | { readonly model: FastRcnnDetector; readonly reload: () => Promise<FastRcnnDetector> };

export class PageDetector implements Detector {
  /** The shared model while it is the one from the URL; null once this detector has its own (trained, from files). */
  private lease: ModelLease | null;
  private model: FastRcnnDetector;
  private running = 0;
  private disposed = false;
  private readonly retired: (() => void)[] = [];
  /** Builds this detector's own model again; null while it uses the shared model of the lease. */
  private reloadOwn: (() => Promise<FastRcnnDetector>) | null;
  /** backendGeneration() when this detector's own model was built. */
  private ownGeneration = backendGeneration();
  private readonly unsubscribe: () => void;

  constructor(weights: Weights, private readonly request: ModelRequest, public source: string, public backendChoice: BackendChoice) {
    this.lease = 'lease' in weights ? weights.lease : null;
    this.model = 'lease' in weights ? weights.lease.model : weights.model;
    this.reloadOwn = 'lease' in weights ? null : weights.reload;
    // a restart after a lost GPU (by any detector of this thread) is the backend this one runs on from then on
    this.unsubscribe = onBackendRestart((restart) => (this.backendChoice = restart));
  }

  get backend(): string {
    return tf.getBackend();
  }

  get classNames(): readonly string[] {
    return this.model.classNames;
  }

  get hasRpn(): boolean {
    return this.model.rpn !== undefined;
  }

  detect(image: DetectInput, options: DetectOptions = {}): Promise<DetectionOutput> {
    return this.whileRunning(() => this.runDetect(image, options));
  }

  /** An image already decoded (by the page, for the worker): `image` holds the original's size. */
  detectDecoded(image: DecodedInput, options: DetectOptions = {}): Promise<DetectionOutput> {
    return this.whileRunning(() => this.runDecoded(image, options));
  }

  async train(dataset: DetectorDataset, options: TrainOptions = {}): Promise<TrainResult> {
    return this.whileRunning(async () => {
      const { result, files } = await trainModel({ classNames: this.classNames, files: () => currentFiles(this.model) }, dataset, options);
      if (files !== null) await this.useFilesNow(files, TRAINED_HERE);
      return result;
    });
  }

  evaluate(dataset: DetectorDataset, options: EvaluateOptions = {}): Promise<EvaluationSummary> {
    const { onProgress: _progress, ...detectOptions } = options;
    return this.whileRunning(() => evaluateDataset((image) => this.runDetect(image, detectOptions), this.classNames, dataset, options));
  }

  async save(destination: string | tf.io.IOHandler): Promise<void> {
    await this.whileRunning(async () => {
      await assertFiniteModel(this.model);
      await saveDetector(this.model, destination);
    });
  }

  /** The current weights as tfjs ModelArtifacts (what save() writes), checked for NaN/Inf first. */
  artifacts(): Promise<tf.io.ModelArtifacts> {
    return this.whileRunning(async () => {
      await assertFiniteModel(this.model);
      return detectorArtifacts(this.model);
    });
  }

  /** The current weights as the files a training run starts from. */
  files(): Promise<ModelFiles> {
    return this.whileRunning(() => currentFiles(this.model));
  }

  /** From now on this detector runs the weights in `files` (its own copy), e.g. after training. */
  useFiles(files: ModelFiles, source: string): Promise<void> {
    return this.whileRunning(() => this.useFilesNow(files, source));
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.unsubscribe();
    if (this.running === 0) this.freeCurrent();
  }

  /** The pipeline's view of this detector's weights: the current copy, and how to upload it again after a lost device. */
  private readonly network: NetworkSource = {
    model: () => this.model,
    weightsGone: () => this.weightsGone(),
    reload: () => this.reloadWeights(),
    restart: recoverBackend,
  };

  private async runDetect(image: DetectInput, options: DetectOptions): Promise<DetectionOutput> {
    const decoded = await decodeImage(image, options.signal);
    try {
      return await this.runDecoded(decoded, options);
    } finally {
      if (decoded.owned) decoded.bitmap.close();
    }
  }

  private async runDecoded(image: DecodedInput, options: DetectOptions): Promise<DetectionOutput> {
    const result = await runDetection(image, this.network, options);
    return { ...result, objects: result.detections.map(toObject) };
  }

  private async useFilesNow(files: ModelFiles, source: string): Promise<void> {
    const backbone = () => fetchArtifacts(backboneUrlOf(this.request, this.model.config.backbone.modelUrl), 'backbone');
    const model = await modelFromFiles(files, backbone);
    this.replaceModel(model, source, () => modelFromFiles(files, backbone));
  }

  /** True when the backend was restarted since this detector's weights were uploaded. */
  private weightsGone(): boolean {
    return this.lease !== null ? this.lease.stale : this.ownGeneration !== backendGeneration();
  }

  /** Uploads this detector's weights to the current backend again (the shared model once for all its users). */
  private async reloadWeights(): Promise<void> {
    if (this.lease !== null) this.model = await this.lease.reload();
    else if (this.reloadOwn !== null) {
      const dead = this.model;
      const generation = backendGeneration();
      this.model = await this.reloadOwn();
      this.ownGeneration = generation;
      this.retired.push(() => quietly(() => dead.dispose()));
    } else throw new Error('this detector has no copy of its weights to load again');
  }

  private async whileRunning<T>(work: () => Promise<T>): Promise<T> {
    if (this.disposed) throw new DetectorError('disposed', 'this detector was disposed');
    this.running++;
    try {
      return await work();
    } finally {
      // weights replaced or disposed while a call was running are freed once no call can be using them
      if (--this.running === 0) {
        this.retired.splice(0).forEach((free) => free());
        if (this.disposed) this.freeCurrent();
      }
    }
  }

  private replaceModel(model: FastRcnnDetector, source: string, reload: () => Promise<FastRcnnDetector>): void {
    this.retired.push(this.freer());
    this.lease = null;
    this.model = model;
    this.reloadOwn = reload;
    this.ownGeneration = backendGeneration();
    this.source = source;
  }

  private freeCurrent(): void {
    this.freer()();
  }

  /** Frees the current weights: gives the shared model back, or disposes this detector's own. */
  private freer(): () => void {
    const { lease, model } = this;
    return lease !== null ? () => lease.release() : () => quietly(() => model.dispose());
  }
}

function quietly(free: () => void): void {
  try {
    free();
  } catch {
    // tensors of a lost device may fail to free; they are unreachable either way
  }
}
