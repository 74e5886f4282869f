/**
 * The page side of a detector whose work runs in the detection worker (detector_worker.ts): a thin proxy with the
 * Detector interface. The page decodes the image (image_input.ts, as before) and hands the worker an ImageBitmap;
 * the backend, the weights, proposals, the network and post-processing live in the worker, so a detection never
 * blocks the page. One worker per page, shared by every detector and widget (so one copy of each model's weights);
 * it stays for the page's lifetime once started (its backend and compiled kernels are the slow part to start), and
 * the registry there frees a model's weights when its last detector is disposed.
 *
 *   page: decode -> transfer bitmap ─────► worker: PageDetector.detectDecoded -> runDetection ─► plain result
 *   signal.abort() -> reject at once, 'cancel' ─► the run's AbortSignal in the worker
 */
import type * as tf from '@tensorflow/tfjs';
import { saveArtifacts } from '../model/weights_io';
import type { BackendRestart } from '../runtime/device_loss';
import type { BackendChoice } from '../runtime/select_backend';
import type { ModelFiles } from '../training/protocol';
import type { BackendOptions } from './backend';
import type { Detector } from './create_detector';
import { DetectorError } from './errors';
import { evaluateDataset } from './evaluate';
import { decodeImage } from './image_input';
import { modelRequest, TRAINED_HERE } from './page_detector';
import { trainModel } from './train';
import type {
  BackendPreference, DetectInput, DetectionOutput, DetectOptions, DetectorDataset, DetectorOptions, DetectProgress,
  EvaluateOptions, EvaluationSummary, TrainOptions, TrainResult,
} from './types';
import type { CreatedDetector, FromDetectionWorker, ToDetectionWorker, WorkerAnswers, WorkerError, WorkerMemory, WorkerModelOptions, WorkerTestOp } from './worker_protocol';

/** True where a detection worker can run: module workers, and OffscreenCanvas for the proposal stage there. */
export function detectionWorkerSupported(): boolean {
  return typeof Worker !== 'undefined' && typeof OffscreenCanvas !== 'undefined';
}

/** Loads `options.model` in the page's detection worker (started on first use). */
export async function createWorkerDetector(options: DetectorOptions = {}): Promise<WorkerDetector> {
  const worker = pageWorker();
  const { id, value } = await worker.call('create', { options: wireOptions(options) }, [], options.onProgress);
  return new WorkerDetector(worker, id, value);
}

/**
 * Starts the detection worker's backend now (the first call decides it, as ensureBackend does for a page), before
 * any model loads: the app shows which backend runs and why. Resolves with the worker's choice.
 */
export async function ensureWorkerBackend(preference?: BackendPreference, options?: BackendOptions): Promise<BackendChoice> {
  return (await pageWorker().call('backend', { preference, options })).value;
}

/**
 * A detector in the worker running the weights of saved files (a training snapshot: the Train tab's preview); the
 * backbone they name is resolved against `options.assetsBase`.
 */
export async function createWorkerDetectorFromFiles(files: ModelFiles, options: DetectorOptions, source: string): Promise<WorkerDetector> {
  const worker = pageWorker();
  const { id, value } = await worker.call('create', { options: wireOptions(options), files: copyFiles(files), source }, [], options.onProgress);
  return new WorkerDetector(worker, id, value);
}

/** Hears every backend restart in the worker after a lost GPU device (the page's backend line); returns an unsubscribe. */
export function onWorkerBackendRestart(listener: (restart: BackendRestart) => void): () => void {
  return pageWorker().onRestart(listener);
}

/** Test hooks (e2e specs): the worker's tf.memory(), or a planted fault. Starts the worker if needed. */
export async function detectionWorkerForTesting(op: WorkerTestOp): Promise<WorkerMemory | boolean> {
  return (await pageWorker().call('test', { op })).value;
}

export class WorkerDetector implements Detector {
  classNames: readonly string[];
  source: string;
  hasRpn: boolean;
  /** How the worker's backend was chosen (its name, why, what was skipped); a restart after a lost GPU replaces it. */
  backendChoice: BackendChoice;
  private backendName: string;
  private disposed = false;
  private readonly unsubscribe: () => void;

  constructor(private readonly worker: DetectionWorker, private readonly id: number, created: CreatedDetector) {
    this.classNames = created.classNames;
    this.source = created.source;
    this.hasRpn = created.hasRpn;
    this.backendName = created.backend;
    this.backendChoice = created.backendChoice;
    this.unsubscribe = worker.onRestart((restart) => {
      this.backendName = restart.name;
      this.backendChoice = restart;
    });
  }

  /** The worker's tfjs backend ('wasm', 'webgpu', …); it changes when a lost GPU could not restart. */
  get backend(): string {
    return this.backendName;
  }

  async detect(image: DetectInput, options: DetectOptions = {}): Promise<DetectionOutput> {
    this.assertLive();
    const { signal, onProgress, ...rest } = options;
    signal?.throwIfAborted();
    const decoded = await decodeImage(image, signal);
    // the worker gets a bitmap of its own: the caller keeps (and may close or draw) the one it passed
    const bitmap = decoded.owned ? decoded.bitmap : await createImageBitmap(decoded.bitmap);
    if (signal?.aborted) {
      bitmap.close();
      signal.throwIfAborted();
    }
    const image_ = { bitmap, width: decoded.width, height: decoded.height };
    // only the two numbers cross to the worker (a caller may pass an object holding its bitmap)
    const originalSize = rest.originalSize && { width: rest.originalSize.width, height: rest.originalSize.height };
    const { value } = await this.worker.call('detect', { detector: this.id, image: image_, options: { ...rest, originalSize } }, [bitmap], onProgress, signal);
    this.backendName = value.backend;
    return value;
  }

  async train(dataset: DetectorDataset, options: TrainOptions = {}): Promise<TrainResult> {
    this.assertLive();
    // the training itself runs in its own worker, started from the page; the result becomes this detector's model there
    const files = async () => (await this.worker.call('files', { detector: this.id })).value;
    const { result, files: trained } = await trainModel({ classNames: this.classNames, files }, dataset, options);
    if (trained !== null) {
      this.assertLive();
      const { value } = await this.worker.call('use-files', { detector: this.id, files: trained, source: TRAINED_HERE }, [trained.weights]);
      this.classNames = value.classNames;
      this.source = value.source;
      this.hasRpn = value.hasRpn;
    }
    return result;
  }

  evaluate(dataset: DetectorDataset, options: EvaluateOptions = {}): Promise<EvaluationSummary> {
    this.assertLive();
    const { onProgress: _progress, ...detectOptions } = options;
    return evaluateDataset((image) => this.detect(image, detectOptions), this.classNames, dataset, options);
  }

  async save(destination: string | tf.io.IOHandler): Promise<void> {
    this.assertLive();
    const { value } = await this.worker.call('artifacts', { detector: this.id });
    await saveArtifacts(value, destination);
  }

  /** This detector's weights replaced by those of `files` (the Train tab's next snapshot). */
  async useFiles(files: ModelFiles, source: string): Promise<void> {
    this.assertLive();
    const { value } = await this.worker.call('use-files', { detector: this.id, files: copyFiles(files), source });
    this.classNames = value.classNames;
    this.source = value.source;
    this.hasRpn = value.hasRpn;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.unsubscribe();
    // calls still running in the worker finish there first; the weights are freed after them
    this.worker.call('dispose', { detector: this.id }).catch(() => undefined);
  }

  private assertLive(): void {
    if (this.disposed) throw new DetectorError('disposed', 'this detector was disposed');
  }
}

/** The model URLs resolved against this page (the worker's own URL differs) and the backend preference. */
function wireOptions(options: DetectorOptions): WorkerModelOptions {
  const request = modelRequest(options);
  return { model: request.modelUrl, assetsBase: request.assetsBase, backboneUrl: request.backboneUrl, backend: options.backend };
}

/** A copy whose weights can be transferred (the caller keeps its files). */
function copyFiles(files: ModelFiles): ModelFiles {
  return { modelJson: files.modelJson, weights: files.weights.slice(0) };
}

type RequestOf<K> = Omit<Extract<ToDetectionWorker, { type: K }>, 'type' | 'id'>;
type AnswerOf<K extends keyof WorkerAnswers> = { id: number; value: WorkerAnswers[K] };

interface Pending {
  resolve(value: unknown): void;
  reject(error: unknown): void;
  onProgress?(progress: DetectProgress): void;
}

/** The page's one detection worker: numbered calls, their progress, cancel, and the worker's broadcasts. */
class DetectionWorker {
  private readonly worker: Worker;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly restartListeners = new Set<(restart: BackendRestart) => void>();
  /** Set when the worker died: every later call fails with it. */
  private failure: DetectorError | null = null;

  constructor() {
    this.worker = new Worker(new URL('./detector_worker.ts', import.meta.url), { type: 'module', name: 'frcnn-detection' });
    this.worker.onmessage = (event: MessageEvent<FromDetectionWorker>) => this.receive(event.data);
    this.worker.onerror = (event) => {
      event.preventDefault();
      this.fail(new DetectorError('backend', `the detection worker failed: ${event.message || 'its script could not be loaded'}`));
    };
    this.worker.onmessageerror = () => this.fail(new DetectorError('backend', 'the detection worker sent a message that could not be read'));
  }

  call<K extends ToDetectionWorker['type'] & keyof WorkerAnswers>(
    type: K,
    request: RequestOf<K>,
    transfer: Transferable[] = [],
    onProgress?: (progress: DetectProgress) => void,
    signal?: AbortSignal,
  ): Promise<AnswerOf<K>> {
    const id = this.nextId++;
    return new Promise<AnswerOf<K>>((resolve, reject) => {
      if (this.failure) return reject(this.failure);
      if (signal?.aborted) return reject(abortReason(signal));
      const abort = () => {
        // the page is answered at once; the worker stops at its next check and its late answer is dropped
        this.pending.delete(id);
        this.worker.postMessage({ type: 'cancel', id } satisfies ToDetectionWorker);
        reject(abortReason(signal!));
      };
      signal?.addEventListener('abort', abort, { once: true });
      const done = () => signal?.removeEventListener('abort', abort);
      this.pending.set(id, {
        resolve: (value) => {
          done();
          resolve({ id, value: value as WorkerAnswers[K] });
        },
        reject: (error) => {
          done();
          reject(error);
        },
        onProgress,
      });
      this.worker.postMessage({ type, id, ...request } as unknown as ToDetectionWorker, transfer);
    });
  }

  onRestart(listener: (restart: BackendRestart) => void): () => void {
    this.restartListeners.add(listener);
    return () => this.restartListeners.delete(listener);
  }

  private receive(message: FromDetectionWorker): void {
    if (message.type === 'backend-restart') {
      for (const listener of [...this.restartListeners]) listener(message.restart);
      return;
    }
    const pending = this.pending.get(message.id);
    if (pending === undefined) return; // cancelled: the page has moved on
    if (message.type === 'progress') return pending.onProgress?.(message.progress);
    this.pending.delete(message.id);
    if (message.type === 'done') pending.resolve(message.value);
    else pending.reject(pageError(message.error));
  }

  private fail(error: DetectorError): void {
    this.failure = error;
    if (pageScope[WORKER_KEY] === this) delete pageScope[WORKER_KEY]; // the next detector starts a fresh worker
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
    this.worker.terminate();
  }
}

/**
 * The worker is page state, kept on globalThis (as tfjs keeps its engine): two copies of the library on one page (the
 * widget's bundle beside the app's, a test's module copy) still share one worker and one copy of each model.
 */
const WORKER_KEY = Symbol.for('frcnn-web.detection-worker');
const pageScope = globalThis as { [WORKER_KEY]?: DetectionWorker };

function pageWorker(): DetectionWorker {
  pageScope[WORKER_KEY] ??= new DetectionWorker();
  return pageScope[WORKER_KEY];
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('the detection was cancelled', 'AbortError');
}

/** The worker's error as the page would have thrown it: a DetectorError with its code, an AbortError, or an Error. */
function pageError(error: WorkerError): Error {
  if (error.code !== undefined) return new DetectorError(error.code, error.message);
  if (error.name === 'AbortError') return new DOMException(error.message, 'AbortError');
  const plain = new Error(error.message);
  plain.name = error.name;
  return plain;
}
