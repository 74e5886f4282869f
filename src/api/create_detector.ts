/**
 * The library's entry: createDetector(options) -> Detector. By default the detector is a thin proxy
 * (worker_detector.ts) over one that runs in the page's detection worker (detector_worker.ts hosting
 * page_detector.ts), so the backend, the weights, proposals, the network and post-processing never block the page;
 * with `backend: 'keep'` (the host page runs tfjs itself), `worker: false`, or no Worker/OffscreenCanvas, the same
 * detector runs in the page (page_detector.ts).
 *
 *   const detector = await createDetector({ model: '/models/bccd/model.json' });
 *   const { objects } = await detector.detect(document.querySelector('img'));
 *   detector.dispose();
 */
import type * as tf from '@tensorflow/tfjs';
import { createPageDetector } from './page_detector';
import type {
  BackendChoice, DetectInput, DetectionOutput, DetectOptions, DetectorDataset, DetectorOptions,
  EvaluateOptions, EvaluationSummary, TrainOptions, TrainResult,
} from './types';
import { createWorkerDetector, detectionWorkerSupported } from './worker_detector';

export interface Detector {
  /** Foreground class names; DetectedObject.classId k is classNames[k - 1]. */
  readonly classNames: readonly string[];
  /** The tfjs backend the detector runs on ('webgpu', 'wasm', 'cpu', …); it changes when a lost GPU could not restart. */
  readonly backend: string;
  /** How that backend was chosen (its name, why, what was skipped): of the detection worker, or of the page. */
  readonly backendChoice: BackendChoice;
  /** Where the weights came from: the model URL, or 'trained in this page' after train(). */
  readonly source: string;
  /** The model has a Region Proposal Network (trained with proposals 'rpn'): it can detect with proposalMode 'rpn'. */
  readonly hasRpn: boolean;
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

/** Starts the backend (once per page, or once in the page's detection worker) and loads the model (once per URL); rejects with a DetectorError. */
export async function createDetector(options: DetectorOptions = {}): Promise<Detector> {
  const inWorker = options.backend !== 'keep' && (options.worker ?? detectionWorkerSupported());
  return inWorker ? createWorkerDetector(options) : createPageDetector(options);
}
