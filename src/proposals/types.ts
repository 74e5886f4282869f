/**
 * Shared types of the proposal generators (selective search, dense boxes, user-supplied boxes).
 *
 * Glossary: N pixels (width * height), R initial regions of one segmentation, C channels of a colour space,
 * P proposals. Boxes are continuous [x1, y1, x2, y2] pixels (src/geometry/box.ts): a region covering pixel
 * columns 3..7 has x1 = 3, x2 = 8.
 */

/** What `ImageData` provides: RGBA bytes, row-major, 4 per pixel. A real ImageData satisfies it. */
export interface ImageDataLike {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8ClampedArray | Uint8Array;
}

/** Colour spaces of the paper's diversification (§3.2; Table 1). */
export type ColorSpaceName = 'hsv' | 'lab' | 'rgi' | 'h' | 'i' | 'rgb';

/**
 * Similarity sets of the paper (§3.2): C colour, T texture, S size, F fill; 'CTSF' is s = sC + sT + sS + sF.
 */
export type SimilaritySet = 'CTSF' | 'TSF' | 'F' | 'S';

export type SelectiveSearchMode = 'fast' | 'quality';

/** One hierarchy's regions in creation order: the R initial regions, then one region per merge. */
export interface Hierarchy {
  /** Packed boxes [x1,y1,x2,y2] of every region, length 4 * (2R - 1) for a connected image. */
  readonly boxes: Float32Array;
  /** Identifies the (colour space, k, similarity set) that produced it; seeds its ranking noise. */
  readonly key: string;
}

/** Progress of a long computation, as a fraction in [0, 1] plus what is being done. */
export interface ProposalProgress {
  readonly fraction: number;
  readonly stage: string;
}
