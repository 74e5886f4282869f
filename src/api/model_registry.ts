/**
 * One copy of each model's weights per page. Detectors and widgets that name the same model (same resolved URL
 * and backbone location) share one loaded FastRcnnDetector; it is reference-counted and disposed when the last
 * user releases it. A failed load is forgotten, so a later request tries again.
 */
import * as tf from '@tensorflow/tfjs';
import type { FastRcnnDetector } from '../model/detector';
import { DETECTOR_FORMAT, detectorFromArtifacts, type SavedDetectorTopology } from '../model/weights_io';
import { backendGeneration } from '../runtime/device_loss';
import { DetectorError, errorMessage } from './errors';
import { fetchArtifacts, loadStoredArtifacts, resolveAssetUrl, type ByteProgress } from './model_files';

export interface ModelRequest {
  /** Absolute URL of model.json, or 'indexeddb://name'. */
  readonly modelUrl: string;
  /** Absolute base the backbone path stored in the model is resolved against. */
  readonly assetsBase: string;
  /** Absolute URL of the backbone graph, overriding the stored path. */
  readonly backboneUrl?: string;
}

export interface ModelLease {
  /** The current copy of the weights (a new one after reload()). */
  readonly model: FastRcnnDetector;
  /** True when the backend was restarted since `model` was loaded: its weights are gone, reload() first. */
  readonly stale: boolean;
  /**
   * After the GPU device was lost (and the backend restarted): loads the weights again onto the current backend.
   * Every user of the model shares one reload: whoever asks with the dead copy first loads, the others get it.
   */
  reload(): Promise<FastRcnnDetector>;
  /** Gives this user's share back; the weights are freed when no user is left. Idempotent. */
  release(): void;
}

interface Entry {
  model: Promise<FastRcnnDetector>;
  /** backendGeneration() when `model` started loading. */
  generation: number;
  /** The copy whose device was lost, while its replacement loads. */
  dead: FastRcnnDetector | null;
  readonly request: ModelRequest;
  readonly listeners: Set<ByteProgress>;
  refs: number;
}

const entries = new Map<string, Entry>();

function keyOf(request: ModelRequest): string {
  return JSON.stringify([request.modelUrl, request.backboneUrl ?? request.assetsBase]);
}

/** The shared model for `request`, loading it on first use; `onProgress` gets the download's 0..1. */
export async function acquireModel(request: ModelRequest, onProgress?: ByteProgress): Promise<ModelLease> {
  const key = keyOf(request);
  let entry = entries.get(key);
  if (entry === undefined) {
    const listeners = new Set<ByteProgress>();
    const created: Entry = { request, generation: backendGeneration(), dead: null, listeners, refs: 0, model: loadModel(request, (f) => listeners.forEach((l) => l(f))) };
    created.model.catch(() => {
      if (entries.get(key) === created) entries.delete(key);
    });
    entries.set(key, created);
    entry = created;
  }
  const shared = entry;
  shared.refs++;
  if (onProgress) shared.listeners.add(onProgress);
  let model: FastRcnnDetector;
  try {
    model = await shared.model;
  } catch (error) {
    shared.refs--;
    throw error;
  } finally {
    if (onProgress) shared.listeners.delete(onProgress);
  }
  let released = false;
  let generation = shared.generation;
  return {
    get model() {
      return model;
    },
    get stale() {
      return generation !== backendGeneration();
    },
    reload: async () => {
      model = await reloadEntry(shared, model);
      generation = shared.generation;
      return model;
    },
    release: () => {
      if (released) return;
      released = true;
      if (--shared.refs > 0) return;
      if (entries.get(key) === shared) entries.delete(key);
      void shared.model.then((m) => disposeQuietly(m), () => undefined);
    },
  };
}

/** A fresh copy of the entry's model, one per dead copy however many users ask; the dead copy is dropped. */
function reloadEntry(entry: Entry, dead: FastRcnnDetector): Promise<FastRcnnDetector> {
  if (entry.dead !== dead) {
    entry.dead = dead;
    entry.generation = backendGeneration();
    entry.model = loadModel(entry.request, () => undefined).then(
      (model) => {
        disposeQuietly(dead);
        return model;
      },
      (error: unknown) => {
        if (entry.dead === dead) entry.dead = null; // a later call tries again
        throw error;
      },
    );
  }
  return entry.model;
}

/** Tensors of a lost device may fail to free; they are unreachable either way. */
function disposeQuietly(model: FastRcnnDetector): void {
  try {
    model.dispose();
  } catch {
    // the backend that held them is gone
  }
}

/** How many models are loaded and how many users hold each (for tests and debugging). */
export function loadedModels(): { readonly key: string; readonly users: number }[] {
  return [...entries].map(([key, entry]) => ({ key, users: entry.refs }));
}

async function loadModel(request: ModelRequest, onProgress: ByteProgress): Promise<FastRcnnDetector> {
  // 1. the saved detector (half of the progress bar), 2. the backbone it names (the other half), 3. assemble
  const artifacts = request.modelUrl.startsWith('indexeddb://')
    ? await loadStoredArtifacts(request.modelUrl)
    : await fetchArtifacts(request.modelUrl, 'model', (f) => onProgress(f / 2));
  const topology = artifacts.modelTopology as Partial<SavedDetectorTopology> | undefined;
  if (topology?.format !== DETECTOR_FORMAT || topology.config === undefined) {
    throw new DetectorError('model-invalid', `${request.modelUrl} is not a saved Fast R-CNN detector (format ${String(topology?.format ?? artifacts.format)}, expected ${DETECTOR_FORMAT})`);
  }
  const backboneUrl = request.backboneUrl ?? resolveAssetUrl(topology.config.backbone.modelUrl, request.assetsBase);
  const backbone = await fetchArtifacts(backboneUrl, 'backbone', (f) => onProgress(0.5 + f / 2));
  let detector: FastRcnnDetector;
  try {
    detector = await detectorFromArtifacts(artifacts, { backboneSource: tf.io.fromMemory(backbone) });
  } catch (error) {
    throw new DetectorError('model-invalid', `the model at ${request.modelUrl} could not be assembled: ${errorMessage(error)}`, { cause: error });
  }
  // 4. one small detection now (FastRcnnDetector.warmUp: weights packed, shaders compiled, code compiled), so the
  // first image is not the slow one; once per load, shared by every user of the model
  try {
    await detector.warmUp();
  } catch (error) {
    disposeQuietly(detector);
    throw error;
  }
  return detector;
}
