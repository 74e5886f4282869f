/**
 * What one detection run takes (src/pipeline/detect_pipeline.ts): the options and progress events of detect(), as
 * the library exports them (src/api/types.ts re-exports every type here).
 */
export type ProposalMode = 'fast' | 'quality' | 'dense' | 'rpn';

export type DetectStage = 'backend' | 'model' | 'proposals' | 'network';

export interface DetectProgress {
  readonly stage: DetectStage;
  /** 0..1 within the stage; null when unknown. */
  readonly fraction: number | null;
  /** A sentence for the user when something unusual happens, e.g. the GPU device was lost and the backend restarted. */
  readonly notice?: string;
}

export interface DetectOptions {
  /**
   * Detections must score above this (default: the model's, 0.05). The per-class candidates (what NMS, box voting
   * and a redraw at another threshold work on) are the boxes above the lower of this and the model's candidate
   * threshold (0.05), so a detection's box does not depend on the threshold it was asked at.
   */
  readonly scoreThreshold?: number;
  /** Per-class NMS IoU threshold (default: the model's, 0.3). */
  readonly nmsIouThreshold?: number;
  /** At most this many detections, best first (default 100). */
  readonly maxDetections?: number;
  /**
   * Selective search 'fast' (default) or 'quality', a 'dense' grid of boxes, or 'rpn': the model's own Region
   * Proposal Network on the backbone's map (a model trained with one; its test settings, top 300). Ignored when
   * `proposals` is given.
   */
  readonly proposalMode?: ProposalMode;
  /** At most this many proposals go through the network, best ranked first (default 2000, the paper's; 'rpn': the model's, 300). */
  readonly maxProposals?: number;
  /** Selective search runs on the image shrunk to this longest side (default 500); boxes are scaled back. */
  readonly proposalMaxSide?: number;
  /** Your own proposals, [x1, y1, x2, y2] in image pixels; selective search is then skipped. */
  readonly proposals?: readonly (readonly [number, number, number, number])[] | Float32Array;
  /**
   * Shortest side (px) the image is resized to for the network (default: the model's, 600). Smaller is faster
   * and misses small objects. The longest side is capped at the model's maxSize.
   */
  readonly inputScale?: number;
  /**
   * The size of the image that `image` is a shrunk copy of (a bitmap the caller decoded and shrank itself): results,
   * and your own `proposals`, are then in that image's pixels. Default: the image's own size.
   */
  readonly originalSize?: { readonly width: number; readonly height: number };
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: DetectProgress) => void;
}
