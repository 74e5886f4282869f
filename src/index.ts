/**
 * The library's public API (no side effects): `createDetector` and the types it speaks. The custom element
 * `<frcnn-detector>` is defined by importing 'src/widget/define.ts' (the `frcnn-detector.js` build).
 *
 *   import { createDetector } from './frcnn.js';
 *   const detector = await createDetector();                 // default model, backend picked once per page
 *   const { objects } = await detector.detect(imageElement); // [{ label, score, box: { xmin, ymin, xmax, ymax } }]
 */
export { createDetector, type Detector } from './api/create_detector';
export { DetectorError, type DetectorErrorCode } from './api/errors';
export { DEFAULT_MODEL_PATH } from './api/model_files';
export type {
  BackendChoice, BackendName, BackendPreference, BoxObject, ClassCandidate, ClassCandidates, DetectedObject, DetectInput, Detection,
  DetectionOutput, DetectionResult, DetectOptions, DetectorDataset, DetectorOptions, DetectProgress, DetectStage,
  EvaluateOptions, EvaluationSummary, LabelledImage, LabelledObject, MetricSummary, ProposalMode, StageTimesMs,
  TrainBackend, TrainOptions, TrainProgress, TrainProgressEvent, TrainResult,
} from './api/types';
