/**
 * The messages between the page's detector proxies (worker_detector.ts) and the detection worker
 * (detector_worker.ts). Everything is plain data (structured clone): images travel as transferred ImageBitmaps,
 * weights as transferred ArrayBuffers, errors as their name, code and message.
 *
 * Every request carries a call id; the worker answers it with one 'done' or 'failed', and a detect or create may
 * send 'progress' for the same id before that. 'cancel' aborts the call with that id.
 */
import type * as tf from '@tensorflow/tfjs';
import type { DecodedInput } from '../pipeline/detect_pipeline';
import type { BackendRestart } from '../runtime/device_loss';
import type { BackendChoice } from '../runtime/select_backend';
import type { ModelFiles } from '../training/protocol';
import type { BackendOptions } from './backend';
import type { DetectorErrorCode } from './errors';
import type { BackendPreference, DetectionOutput, DetectOptions, DetectProgress } from './types';

/** What the worker needs to load a model: URLs already resolved against the page (the worker's base differs). */
export interface WorkerModelOptions {
  readonly model: string;
  readonly assetsBase: string;
  readonly backboneUrl?: string;
  readonly backend?: BackendPreference;
}

/** detect()'s options without the parts that cannot cross (the signal and the callback are the proxy's). */
export type WorkerDetectOptions = Omit<DetectOptions, 'signal' | 'onProgress'>;

/** Test hooks of the worker (e2e specs): never sent by the app or the widget. */
export type WorkerTestOp =
  | 'memory' // tf.memory() of the worker, and the models its registry holds
  | 'lose-device' // destroys the WebGPU device now, as a driver reset would
  | 'lose-device-at-network' // destroys it as the next detection's network stage starts
  | 'no-adapter'; // from now on WebGPU gives no adapter (the GPU is gone for good)

export type ToDetectionWorker =
  | { readonly type: 'backend'; readonly id: number; readonly preference?: BackendPreference; readonly options?: BackendOptions }
  | { readonly type: 'create'; readonly id: number; readonly options: WorkerModelOptions; readonly files?: ModelFiles; readonly source?: string }
  | { readonly type: 'detect'; readonly id: number; readonly detector: number; readonly image: DecodedInput; readonly options: WorkerDetectOptions }
  | { readonly type: 'cancel'; readonly id: number }
  | { readonly type: 'files'; readonly id: number; readonly detector: number }
  | { readonly type: 'artifacts'; readonly id: number; readonly detector: number }
  | { readonly type: 'use-files'; readonly id: number; readonly detector: number; readonly files: ModelFiles; readonly source: string }
  | { readonly type: 'dispose'; readonly id: number; readonly detector: number }
  | { readonly type: 'test'; readonly id: number; readonly op: WorkerTestOp };

/** What a created detector looks like from the page. */
export interface CreatedDetector {
  readonly classNames: readonly string[];
  readonly source: string;
  readonly hasRpn: boolean;
  /** The worker's tfjs backend now. */
  readonly backend: string;
  /** How the worker's backend was chosen (ensureBackend's answer). */
  readonly backendChoice: BackendChoice;
}

export interface WorkerMemory {
  readonly numTensors: number;
  readonly numBytes: number;
  readonly models: readonly { readonly key: string; readonly users: number }[];
  readonly backend: string;
}

/** The answer of each request type. */
export interface WorkerAnswers {
  backend: BackendChoice;
  create: CreatedDetector;
  detect: DetectionOutput;
  files: ModelFiles;
  artifacts: tf.io.ModelArtifacts;
  'use-files': { readonly classNames: readonly string[]; readonly source: string; readonly hasRpn: boolean };
  dispose: null;
  test: WorkerMemory | boolean;
}

export interface WorkerError {
  readonly name: string;
  readonly message: string;
  readonly code?: DetectorErrorCode;
}

export type FromDetectionWorker =
  | { readonly type: 'done'; readonly id: number; readonly value: WorkerAnswers[keyof WorkerAnswers] }
  | { readonly type: 'failed'; readonly id: number; readonly error: WorkerError }
  | { readonly type: 'progress'; readonly id: number; readonly progress: DetectProgress }
  /** The worker's backend was restarted after a lost GPU device (for every detector, and the page's backend line). */
  | { readonly type: 'backend-restart'; readonly restart: BackendRestart };
