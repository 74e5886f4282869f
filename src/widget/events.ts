/** The events <frcnn-detector> dispatches, with their typed detail (none bubbles, like <img> load/error). */
import type { DetectorErrorCode } from '../api/errors';
import type { DetectedObject, DetectionOutput, DetectProgress } from '../api/types';

export interface DetectionsEventDetail {
  /** Detections above the element's score-threshold, best first. */
  readonly objects: readonly DetectedObject[];
  /** Everything the run computed (proposals, per-class candidates, stage times). */
  readonly result: DetectionOutput;
}

export type ProgressEventDetail = DetectProgress;

export interface ErrorEventDetail {
  /** DetectorError's code, or 'unknown' for anything else. */
  readonly code: DetectorErrorCode | 'unknown';
  readonly message: string;
  readonly sourceError: unknown;
}

/** The element's own events; 'error' and 'progress' replace the DOM's ErrorEvent and ProgressEvent types. */
export interface FrcnnDetectorEventMap extends Omit<HTMLElementEventMap, 'error' | 'progress'> {
  detections: CustomEvent<DetectionsEventDetail>;
  progress: CustomEvent<ProgressEventDetail>;
  error: CustomEvent<ErrorEventDetail>;
}
