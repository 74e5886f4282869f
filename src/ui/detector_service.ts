/**
 * What the page needs from the detector, as a small interface the panels depend on. The real implementation is a
 * thin adapter over the library (models/fast_rcnn_service.ts); unavailableDetector() says why there is none
 * instead of pretending to detect.
 */
import type { DetectProgress } from '../api/types';
import type { DetectionResult } from '../model/detection_types';

export type DetectorState = 'unavailable' | 'loading' | 'ready' | 'error';

export interface DetectorStatus {
  readonly state: DetectorState;
  /** One sentence for the user. */
  readonly message: string;
  /** The model in use, e.g. "BCCD (default)"; null when none is loaded. */
  readonly modelName: string | null;
  /** The model has a Region Proposal Network (trained with learned proposals): it can detect with its own proposals. */
  readonly hasRpn?: boolean;
}

/** The library's progress events (stage, fraction, and a notice such as a restarted GPU backend). */
export type { DetectProgress } from '../api/types';

export interface DetectRequest {
  /** The score and IoU thresholds of the run; the page can redraw at others without running again. */
  readonly scoreThreshold: number;
  readonly nmsIouThreshold: number;
  /** The image the bitmap is a shrunk copy of: the result is in its pixels (the library maps it). */
  readonly originalSize?: { readonly width: number; readonly height: number };
  /** The model's own RPN proposals instead of selective search, when it has an RPN (status().hasRpn). */
  readonly useRpn?: boolean;
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
