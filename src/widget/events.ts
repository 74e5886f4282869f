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

/** A run stopped by cancel() or the element's Cancel button (not one replaced by a newer image or model: those are silent). */
export interface CancelEventDetail {
  /** The stage the run was in; null before its first progress. */
  readonly stage: DetectProgress['stage'] | null;
  /** How long the run had lasted, in milliseconds. */
  readonly elapsedMs: number;
}

export interface ErrorEventDetail {
  /** DetectorError's code, or 'unknown' for anything else. */
  readonly code: DetectorErrorCode | 'unknown';
  readonly message: string;
  readonly sourceError: unknown;
}

/** The element's own events; 'error', 'progress' and 'cancel' replace the DOM's ErrorEvent, ProgressEvent and Event types. */
export interface FrcnnDetectorEventMap extends Omit<HTMLElementEventMap, 'error' | 'progress' | 'cancel'> {
  detections: CustomEvent<DetectionsEventDetail>;
  progress: CustomEvent<ProgressEventDetail>;
  cancel: CustomEvent<CancelEventDetail>;
  error: CustomEvent<ErrorEventDetail>;
}
