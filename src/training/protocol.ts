/**
 * Typed messages between the page and the training worker (worker.ts). Plain structured-cloneable data only.
 * The page (or the headless `npm run train`) posts one `start` with a TrainJob, then may post pause / resume /
 * cancel / evaluate / export at any time; the worker answers with phase and progress events, proposals it
 * computed (so the page can cache them), checkpoints, evaluations, the model files and finally `done`.
 */
import type { DetectOptions, HeadConfig, RpnConfig } from '../model/defaults';
import type { TrainConfig } from './defaults';

/** Where the trainable head runs, and (featureBackend) where the frozen backbone prefix runs. */
export type TrainBackend = 'webgpu' | 'webgl' | 'cpu' | 'wasm';

export interface TrainImageSpec {
  /** Stable key of the image (its file name); proposals are cached under it. */
  readonly id: string;
  /** URL the worker can fetch the image from. */
  readonly url: string;
  /** [G·4] gt boxes, continuous pixels [x1, y1, x2, y2]. */
  readonly gtBoxes: readonly number[];
  /** [G] 1-based class ids. */
  readonly gtClasses: readonly number[];
  /** [G] PASCAL difficult flags (evaluation ignores these). */
  readonly difficult?: readonly boolean[];
  /** Proposals [P·4] when known (cached or supplied); computed in the worker otherwise. */
  readonly proposals?: Float32Array;
}

export interface ModelFiles {
  /** JSON text: detector config, target stats folded, and the weight manifest. */
  readonly modelJson: string;
  readonly weights: ArrayBuffer;
}

export interface TrainJob {
  /** Key of the run's checkpoint in IndexedDB: the same id resumes where a reload left off. */
  readonly runId: string;
  /** 'proposals' only computes (and reports, for caching) the missing proposals, then stops. */
  readonly mode: 'train' | 'evaluate' | 'proposals';
  readonly classNames: readonly string[];
  readonly train: readonly TrainImageSpec[];
  readonly test: readonly TrainImageSpec[];
  /**
   * Validation images (never trained on): their VOC07 mAP is measured at `validationIterations` (recipe.ts), and the
   * run ends with the weights of its best evaluation. Absent or empty: the run keeps its last weights.
   */
  readonly validation?: readonly TrainImageSpec[];
  /** Validation every this many iterations, from the half of the run on, and at the end (0: never). */
  readonly validateEvery?: number;
  /**
   * After choosing the iteration on validation, train again from the start on train + validation images, with the
   * schedule stretched by their ratio and stopped at the chosen point (recipe.ts decides when this fits the budget).
   */
  readonly retrainOnAll?: boolean;
  readonly config: TrainConfig;
  readonly head: HeadConfig;
  readonly backend: TrainBackend;
  readonly featureBackend: TrainBackend;
  readonly proposalMode: 'fast' | 'quality';
  /** Selective search runs on the image resized so its longest side is at most this (speed); boxes are scaled back. */
  readonly proposalMaxSide: number;
  /** At most this many proposals per image (the paper uses about 2000). */
  readonly maxProposals: number;
  /** Continue from the run's checkpoint when there is one. */
  readonly resume: boolean;
  readonly evaluateAtEnd: boolean;
  /** Truncated-SVD ranks for fc6 / fc7 in the exported model (null: keep the dense layer). */
  readonly svdRanks: { readonly fc6: number | null; readonly fc7: number | null };
  /** Post-processing over DEFAULT_DETECT, or over a loaded model's own (e.g. box voting, test flips); stored with the model. */
  readonly detect?: Partial<DetectOptions>;
  /** Start from these weights (evaluate mode, or fine-tuning a saved model). */
  readonly model?: ModelFiles;
  /** Stage-wise ablation (paper Table 6): classifier first, then bbox_pred alone for this many more iterations. */
  readonly stageWiseLocIterations?: number;
  /**
   * Also train a Region Proposal Network on the head's reduced map (issue 18; job_builder.ts `proposals: 'rpn'`),
   * jointly with the head; the saved model then carries it and can detect with proposalMode 'rpn'. Absent: no RPN.
   */
  readonly rpn?: RpnConfig;
  /**
   * Train only the RPN (`rpn`) on the saved model's map (`model`): its head, reduce conv and backbone stay exactly as
   * saved (the alternating scheme's RPN step with the shared layers fixed), and the model files written are the
   * saved ones with the RPN added (model_files.ts withRpnFiles). job_builder.ts buildRpnOnlyJob builds it.
   */
  readonly rpnOnly?: boolean;
  /** Fault drills for the tests (e2e/faults.spec.ts); never set by the app. */
  readonly testHooks?: TrainTestHooks;
}

/** Iterations are 1-based, as in progress events. */
export interface TrainTestHooks {
  /** Destroy the WebGPU device right before this iteration, as a driver reset would (once per job). */
  readonly loseDeviceAtIteration?: number;
  /** Make the loss of these iterations NaN (the NaN guard must roll them back). */
  readonly nanLossAtIterations?: readonly number[];
}

export type ToWorker =
  | { readonly type: 'start'; readonly job: TrainJob }
  | { readonly type: 'pause' }
  | { readonly type: 'resume' }
  | { readonly type: 'cancel' }
  | { readonly type: 'evaluate' }
  | { readonly type: 'export' };

export type Phase = 'setup' | 'proposals' | 'features' | 'training' | 'validating' | 'evaluating' | 'exporting';

export interface LossValues {
  readonly cls: number;
  readonly loc: number;
  readonly total: number;
}

export interface TrainProgress {
  readonly iteration: number;
  readonly iterations: number;
  /** This iteration's loss terms, and their mean over the last 20 iterations. */
  readonly loss: LossValues;
  readonly smoothedLoss: LossValues;
  readonly learningRate: number;
  readonly imagesPerSecond: number;
  readonly secondsLeft: number;
  readonly elapsedSeconds: number;
  readonly nanEvents: number;
  /** The RPN's loss terms this iteration, when the job trains one. */
  readonly rpnLoss?: { readonly cls: number; readonly loc: number };
  /** tf.memory() of the worker after this iteration (filled in by worker.ts; the memory test checks it stays flat). */
  readonly memory?: { readonly numTensors: number; readonly numBytes: number };
}

export interface MetricSummary {
  readonly perClass: Record<string, number>;
  readonly mAP: number;
}

/** One detection of the held-out evaluation: continuous pixel box [x1, y1, x2, y2] of the original image. */
export interface EvaluatedDetection {
  readonly image: string;
  readonly className: string;
  readonly score: number;
  readonly box: readonly [number, number, number, number];
}

export interface EvaluationSummary {
  readonly images: number;
  readonly metric: { readonly voc07: MetricSummary; readonly area: MetricSummary };
  readonly secondsPerImage: number;
  /** Every scored detection (`npm run eval -- --detections FILE` writes them; the summary JSON leaves them out). */
  readonly detections?: readonly EvaluatedDetection[];
}

/** One validation evaluation during a run. */
export interface ValidationPoint {
  readonly iteration: number;
  /** VOC07 11-point mAP on the validation images, and per class. */
  readonly mAP: number;
  readonly perClass: Record<string, number>;
}

export interface DoneSummary {
  readonly iterations: number;
  /** The validation curve, and the iteration whose weights the run ended with (its best validation mAP). */
  readonly validation?: readonly ValidationPoint[];
  readonly chosenIteration?: number;
  /** The second run on train + validation images, when the job asked for one and it finished. */
  readonly retrained?: { readonly images: number; readonly iterations: number };
  readonly seconds: number;
  readonly cancelled: boolean;
  /** Seconds per phase (proposals, features, training, evaluating, exporting). */
  readonly phaseSeconds: Partial<Record<Phase, number>>;
  /** The backend the SGD ran on, in words ("wasm, 2 threads"). */
  readonly backend?: string;
}

export type FromWorker =
  | { readonly type: 'phase'; readonly phase: Phase; readonly done: number; readonly total: number; readonly detail?: string }
  | { readonly type: 'proposals'; readonly id: string; readonly boxes: Float32Array }
  | { readonly type: 'progress'; readonly progress: TrainProgress }
  | { readonly type: 'checkpoint'; readonly iteration: number }
  /** Something went wrong that does not stop the run (a checkpoint that could not be stored). */
  | { readonly type: 'warning'; readonly message: string }
  /** A non-finite loss: the step was rolled back and the learning rate lowered (message: a sentence for the user). */
  | { readonly type: 'nan'; readonly iteration: number; readonly learningRate: number; readonly message: string }
  /** The GPU device was lost; the backend was restarted and training goes on from the checkpoint at `iteration`. */
  | { readonly type: 'recovered'; readonly iteration: number; readonly message: string }
  | { readonly type: 'paused'; readonly iteration: number }
  | { readonly type: 'resumed'; readonly iteration: number }
  | { readonly type: 'evaluation'; readonly result: EvaluationSummary }
  | { readonly type: 'validation'; readonly point: ValidationPoint }
  | { readonly type: 'model'; readonly files: ModelFiles }
  | { readonly type: 'done'; readonly summary: DoneSummary }
  | { readonly type: 'error'; readonly message: string };

/** How the worker side of a run sends a message to the page (postMessage, or a relay around it). */
export type Post = (message: FromWorker, transfer?: Transferable[]) => void;
