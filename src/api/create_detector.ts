/**
 * The library's entry: createDetector(options) -> Detector. A detector composes the stages of Fast R-CNN at test
 * time (paper Figure 1) over shared page state:
 *   backend (chosen once per page, backend.ts) -> model (one copy per URL, model_registry.ts)
 *   detect: decoded image -> the one detection pipeline (src/pipeline/detect_pipeline.ts: proposals, network,
 *   post-processing, original pixels, lost-device recovery) -> plain DetectionOutput.
 *
 *   const detector = await createDetector({ model: '/models/bccd/model.json' });
 *   const { objects } = await detector.detect(document.querySelector('img'));
 *   detector.dispose();
 */
import * as tf from '@tensorflow/tfjs';
import type { FastRcnnDetector } from '../model/detector';
import { saveDetector } from '../model/weights_io';
import { runDetection, type NetworkSource } from '../pipeline/detect_pipeline';
import { backendGeneration } from '../runtime/device_loss';
import { ensureBackend, recoverBackend } from './backend';
import { DetectorError } from './errors';
import { evaluateDataset } from './evaluate';
import { decodeImage, toObject } from './image_input';
import { DEFAULT_MODEL_PATH, defaultAssetsBase, fetchArtifacts, resolveAssetUrl, resolvePageUrl } from './model_files';
import { acquireModel, type ModelLease, type ModelRequest } from './model_registry';
import { assertFiniteModel } from './finite_model';
import { trainModel } from './train';
import type {
  DetectInput, DetectionOutput, DetectOptions, DetectorDataset, DetectorOptions,
  EvaluateOptions, EvaluationSummary, TrainOptions, TrainResult,
} from './types';

export interface Detector {
  /** Foreground class names; DetectedObject.classId k is classNames[k - 1]. */
  readonly classNames: readonly string[];
  /** The tfjs backend the page runs on ('webgpu', 'webgl', 'cpu'); it changes when a lost GPU could not restart. */
  readonly backend: string;
  /** Where the weights came from: the model URL, or 'trained in this page' after train(). */
  readonly source: string;
  /** Proposals, then the network, for one image. */
  detect(image: DetectInput, options?: DetectOptions): Promise<DetectionOutput>;
  /** Fine-tunes on labelled images in a Web Worker; afterwards this detector uses the new weights. */
  train(dataset: DetectorDataset, options?: TrainOptions): Promise<TrainResult>;
  /** VOC AP of this detector's detections on labelled images. */
  evaluate(dataset: DetectorDataset, options?: EvaluateOptions): Promise<EvaluationSummary>;
  /** Saves the current weights: 'indexeddb://name', 'downloads://name', or any tfjs IOHandler. */
  save(destination: string | tf.io.IOHandler): Promise<void>;
  /** Frees this detector's share of the weights (the last user of a model frees them); idempotent. */
  dispose(): void;
}

/** Starts the backend (once per page) and loads the model (once per URL); rejects with a DetectorError. */
export async function createDetector(options: DetectorOptions = {}): Promise<Detector> {
  const report = options.onProgress ?? (() => undefined);
  report({ stage: 'backend', fraction: null });
  await ensureBackend(options.backend);
  const request = modelRequest(options);
  report({ stage: 'model', fraction: 0 });
  const lease = await acquireModel(request, (fraction) => report({ stage: 'model', fraction }));
  report({ stage: 'model', fraction: 1 });
  return new LibraryDetector(lease, request);
}

/** Resolved URLs of what `options` asks for (the registry's key). */
function modelRequest(options: Pick<DetectorOptions, 'model' | 'assetsBase' | 'backboneUrl'>): ModelRequest {
  const assetsBase = options.assetsBase ? resolvePageUrl(options.assetsBase) : defaultAssetsBase();
  return {
    modelUrl: options.model ? resolvePageUrl(options.model) : resolveAssetUrl(DEFAULT_MODEL_PATH, assetsBase),
    assetsBase,
    backboneUrl: options.backboneUrl ? resolvePageUrl(options.backboneUrl) : undefined,
  };
}

class LibraryDetector implements Detector {
  /** The shared model while it is the one from the URL; null once train() gave this detector its own. */
  private lease: ModelLease | null;
  private model: FastRcnnDetector;
  private running = 0;
  private disposed = false;
  private readonly retired: (() => void)[] = [];
  /** Builds this detector's own (trained) model again; null while it uses the shared model of the lease. */
  private reloadOwn: (() => Promise<FastRcnnDetector>) | null = null;
  /** backendGeneration() when this detector's own model was built. */
  private ownGeneration = backendGeneration();
  source: string;

  constructor(lease: ModelLease, private readonly request: ModelRequest) {
    this.lease = lease;
    this.model = lease.model;
    this.source = request.modelUrl;
  }

  get backend(): string {
    return tf.getBackend();
  }

  get classNames(): readonly string[] {
    return this.model.classNames;
  }

  detect(image: DetectInput, options: DetectOptions = {}): Promise<DetectionOutput> {
    return this.whileRunning(() => this.runDetect(image, options));
  }

  async train(dataset: DetectorDataset, options: TrainOptions = {}): Promise<TrainResult> {
    return this.whileRunning(async () => {
      const { result, model, reload } = await trainModel(this.model, () => this.backboneArtifacts(), dataset, options);
      if (model !== null) this.replaceModel(model, 'trained in this page', reload);
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

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
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
      const result = await runDetection(decoded, this.network, options);
      return { ...result, objects: result.detections.map(toObject) };
    } finally {
      if (decoded.owned) decoded.bitmap.close();
    }
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

  private backboneArtifacts(): Promise<tf.io.ModelArtifacts> {
    const url = this.request.backboneUrl ?? resolveAssetUrl(this.model.config.backbone.modelUrl, this.request.assetsBase);
    return fetchArtifacts(url, 'backbone');
  }

  private replaceModel(model: FastRcnnDetector, source: string, reload: (() => Promise<FastRcnnDetector>) | null): void {
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
    return lease !== null ? () => lease.release() : () => model.dispose();
  }
}

function quietly(free: () => void): void {
  try {
    free();
  } catch {
    // tensors of a lost device may fail to free; they are unreachable either way
  }
}
