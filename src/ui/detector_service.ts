/**
 * What the page needs from the detector, as a small interface the panels depend on. The real implementation wraps
 * src/proposals (selective search in a worker) and src/model (Fast R-CNN); until those land, the page uses
 * unavailableDetector(), which says so instead of pretending to detect.
 */
import type { DetectionResult } from '../model/detection_types';

export type DetectorState = 'unavailable' | 'loading' | 'ready' | 'error';

export interface DetectorStatus {
  readonly state: DetectorState;
  /** One sentence for the user. */
  readonly message: string;
  /** The model in use, e.g. "BCCD (default)"; null when none is loaded. */
  readonly modelName: string | null;
}

export interface DetectProgress {
  readonly stage: 'proposals' | 'network';
  /** 0..1 within the stage, when known. */
  readonly fraction: number | null;
}

export interface DetectRequest {
  /** The score and IoU thresholds of the run; the page can redraw at others without running again. */
  readonly scoreThreshold: number;
  readonly nmsIouThreshold: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: DetectProgress) => void;
}

export interface DetectorService {
  status(): DetectorStatus;
  /** Called on every status change; returns an unsubscribe function. */
  onStatus(listener: (status: DetectorStatus) => void): () => void;
  /** Rejects with an AbortError when the signal fires (e.g. a new image arrived). */
  detect(image: ImageBitmap, request: DetectRequest): Promise<DetectionResult>;
}

export function unavailableDetector(message: string): DetectorService {
  const status: DetectorStatus = { state: 'unavailable', message, modelName: null };
  return {
    status: () => status,
    onStatus: () => () => undefined,
    detect: () => Promise.reject(new Error(message)),
  };
}
