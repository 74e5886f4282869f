/**
 * The public types of the library (src/index.ts re-exports them). Everything a caller gets back is plain data:
 * no tensors, no class instances, so results can be stored, posted to a worker or sent as event detail.
 *
 * Boxes at this edge are named fields {xmin, ymin, xmax, ymax} in the ORIGINAL image's continuous pixels (no "+1":
 * a box over pixel columns 3..7 has xmin = 3, xmax = 8). The full DetectionResult keeps the [x1, y1, x2, y2] tuples
 * the drawing code uses.
 */
import type { BackendName } from '../runtime/select_backend';
import type { DetectionResult } from '../model/detection_types';
import type { DetectOptions, DetectProgress } from '../pipeline/types';
import type { EvaluationSummary, TrainBackend, TrainProgress, ValidationPoint } from '../training/protocol';
import type { RecipeChoice } from '../training/recipe';

export type { BackendChoice, BackendName, ProbeTiming, RememberedBackend } from '../runtime/select_backend';
export type { Detection, DetectionResult, ClassCandidate, ClassCandidates, StageTimesMs } from '../model/detection_types';
export type { EvaluationSummary, MetricSummary, TrainBackend, TrainProgress } from '../training/protocol';
export type { DetectOptions, DetectProgress, DetectStage, ProposalMode } from '../pipeline/types';

/** An image the detector accepts: any DOM image source, raw pixels, a Blob/File, or a URL (fetched; CORS applies). */
export type DetectInput =
  | HTMLImageElement
  | HTMLCanvasElement
  | HTMLVideoElement
  | ImageBitmap
  | ImageData
  | OffscreenCanvas
  | Blob
  | string
  | URL;

export interface BoxObject {
  readonly xmin: number;
  readonly ymin: number;
  readonly xmax: number;
  readonly ymax: number;
}

/** One detection, the simple view (coco-ssd / transformers.js style). */
export interface DetectedObject {
  /** Class name, as stored in the model. */
  readonly label: string;
  /** 1-based class id (0 is background). */
  readonly classId: number;
  /** Softmax probability of the class, in [0, 1]. */
  readonly score: number;
  readonly box: BoxObject;
}

/** What detect() returns: the simple `objects` list plus the full explanation the widget draws. */
export interface DetectionOutput extends DetectionResult {
  readonly objects: readonly DetectedObject[];
}

/**
 * Where the tfjs backend comes from. The tfjs engine is one per page (shared by every copy of tfjs), so the
 * library picks it once, at the first detector, and every later detector reuses it:
 *  - 'auto' (default): chosen by capability and, where that is not clear-cut, a short timed probe
 *    (src/runtime/select_backend.ts): a hardware WebGPU adapter runs WebGPU; a software one (SwiftShader,
 *    llvmpipe, …) is not a GPU, so wasm runs instead; a hardware WebGL is timed against wasm;
 *  - a name ('webgpu', 'wasm', 'webgl', 'cpu') or an ordered list: the first of these that starts;
 *  - 'keep': never call tf.setBackend; use whatever backend the host page already selected.
 */
export type BackendPreference = 'auto' | 'keep' | BackendName | readonly BackendName[];

export interface DetectorOptions {
  /**
   * The model: URL of a saved detector's model.json (next to its weights.bin), or 'indexeddb://name'.
   * Default: `models/bccd/model.json` under `assetsBase`.
   */
  readonly model?: string;
  /**
   * Base URL of the served assets (the default model and the pretrained backbone, `backbone/centernet.json`).
   * Default: the page's origin root ('/'), i.e. the app's public/ folder.
   */
  readonly assetsBase?: string;
  /** URL of the pretrained backbone graph; default: the path stored in the model, resolved against assetsBase. */
  readonly backboneUrl?: string;
  readonly backend?: BackendPreference;
  /**
   * Run the detector in a dedicated Web Worker (one per page, shared by every detector), so a detection never blocks
   * the page; `backend` then picks the worker's backend. Default: true where Worker and OffscreenCanvas exist;
   * `backend: 'keep'` always runs in the page (the host's tfjs).
   */
  readonly worker?: boolean;
  /** Model loading progress (the weights' download), 0..1. */
  readonly onProgress?: (progress: DetectProgress) => void;
}

/** One labelled object of a dataset image. */
export interface LabelledObject {
  readonly label: string;
  readonly box: BoxObject;
  /** PASCAL 'difficult': used for training, ignored by evaluation. */
  readonly difficult?: boolean;
}

export interface LabelledImage {
  /** A URL (resolved against the page) or a Blob/File. */
  readonly image: string | URL | Blob;
  /** A stable name (the file name); default: the URL, or `image-<index>`. */
  readonly id?: string;
  readonly objects: readonly LabelledObject[];
}

export interface DetectorDataset {
  /** Class order (class id k = classNames[k - 1]); default: the labels found, sorted. */
  readonly classNames?: readonly string[];
  readonly images: readonly LabelledImage[];
}

/**
 * Training options. With none given, train() uses the recommended recipe for the dataset (src/training/recipe.ts:
 * settings derived from its images and boxes and a time budget); each option given overrides the recipe's choice.
 */
export interface TrainOptions {
  /** SGD iterations (default: the recipe's); the learning rate steps down by 10x at 3/4 of them. */
  readonly iterations?: number;
  /** Base learning rate (default: the recipe's, 0.01). */
  readonly learningRate?: number;
  /** Held-out images, evaluated once at the end (VOC AP). */
  readonly test?: DetectorDataset;
  /**
   * Validation images: their mAP is measured during the run and the run ends with the weights of its best
   * evaluation. Default: a stratified fifth of the dataset's images is held out for this (none under 5 images);
   * `null`: no validation, all images train and the last weights are kept.
   */
  readonly validation?: DetectorDataset | null;
  /** Wall-clock budget the recipe fits the iterations into, in seconds (default 900). */
  readonly budgetSeconds?: number;
  /** Backend of the training worker's head (default 'wasm': fastest on machines without a GPU). */
  readonly backend?: TrainBackend;
  /** Backend of the frozen backbone's feature pass (default 'wasm'). */
  readonly featureBackend?: TrainBackend;
  /** Start from the current model's head when its classes equal the dataset's (default true). */
  readonly fromCurrentModel?: boolean;
  readonly proposalMode?: 'fast' | 'quality';
  readonly maxProposals?: number;
  readonly proposalMaxSide?: number;
  /**
   * 'rpn': also train a Region Proposal Network with the head (anchor sizes fitted to the dataset's boxes), so the
   * trained detector can detect with proposalMode 'rpn'; the head still learns from selective search's proposals.
   * Default 'selective-search' (no RPN): one run cannot measure on its validation images which would detect better.
   */
  readonly proposals?: 'selective-search' | 'rpn';
  /** Add mirrored copies of the training images (default true). */
  readonly flip?: boolean;
  /** Also add vertically flipped copies, for images with no "up" such as microscopy (default false). */
  readonly verticalFlip?: boolean;
  /**
   * Background RoIs from every proposal with IoU < 0.5, not only those in [0.1, 0.5) near an object (default: the
   * recipe's, from the whole image when images hold 4 or more objects on average).
   */
  readonly backgroundAnywhere?: boolean;
  /** Shortest side (px) of the training images, and of the trained model's test images (default: the recipe's). */
  readonly inputScale?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: TrainProgressEvent) => void;
}

export type TrainProgressEvent =
  | { readonly kind: 'phase'; readonly phase: string; readonly done: number; readonly total: number; readonly detail?: string }
  | { readonly kind: 'iteration'; readonly progress: TrainProgress }
  /** A validation evaluation: VOC07 mAP of the current weights on the validation images. */
  | { readonly kind: 'validation'; readonly point: ValidationPoint }
  /** A NaN/Inf loss: that step was rolled back and the learning rate lowered (message: a sentence for the user). */
  | { readonly kind: 'nan'; readonly iteration: number; readonly learningRate: number; readonly message: string }
  /** The GPU device was lost; training goes on from the checkpoint at `iteration` on a restarted backend. */
  | { readonly kind: 'recovered'; readonly iteration: number; readonly message: string }
  /** Something that does not stop the run, e.g. a checkpoint the full storage quota refused (message: a sentence). */
  | { readonly kind: 'warning'; readonly message: string };

export interface TrainResult {
  readonly iterations: number;
  readonly seconds: number;
  readonly cancelled: boolean;
  /** The held-out evaluation, when `test` was given. */
  readonly evaluation: EvaluationSummary | null;
  /** The validation curve, and the iteration whose weights the trained model has (its best validation mAP). */
  readonly validation: readonly ValidationPoint[];
  readonly chosenIteration: number;
  /** What the recipe chose and why (and which settings were yours). */
  readonly recipe: readonly RecipeChoice[];
}

export interface EvaluateOptions extends Omit<DetectOptions, 'onProgress' | 'proposals' | 'originalSize'> {
  readonly onProgress?: (done: number, total: number) => void;
}
