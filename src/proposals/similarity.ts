/**
 * The similarity measures of selective search (paper §3.2, Eqs. 1-6) and their combinations. All four lie in
 * [0, 1]; a set sums its members (the paper's a_i in {0, 1}).
 */
import type { HistogramTable } from './histograms';
import { intersectRows } from './histograms';
import type { SimilaritySet } from './types';

/** The regions of one hierarchy under construction; ids 0..R-1 are initial, later ids are merges. */
export interface RegionTable {
  readonly imageArea: number;
  /** Pixels per region. */
  readonly size: Int32Array;
  /** Packed integer boxes [x1, y1, x2, y2]. */
  readonly box: Int32Array;
  readonly color?: HistogramTable;
  readonly texture?: HistogramTable;
}

/** Eq. 1: intersection of colour histograms. */
export function colorSimilarity(t: RegionTable, a: number, b: number): number {
  return t.color ? intersectRows(t.color, a, b) : 0;
}

/** Eq. 3: intersection of texture histograms. */
export function textureSimilarity(t: RegionTable, a: number, b: number): number {
  return t.texture ? intersectRows(t.texture, a, b) : 0;
}

/** Eq. 4: 1 - (size(a) + size(b)) / size(image); merges small regions early. */
export function sizeSimilarity(t: RegionTable, a: number, b: number): number {
  return 1 - (t.size[a] + t.size[b]) / t.imageArea;
}

/** Eq. 5: 1 - (size(BB_ab) - size(a) - size(b)) / size(image); prefers regions that fill each other's gaps. */
export function fillSimilarity(t: RegionTable, a: number, b: number): number {
  const box = t.box;
  const oa = 4 * a;
  const ob = 4 * b;
  const w = Math.max(box[oa + 2], box[ob + 2]) - Math.min(box[oa], box[ob]);
  const h = Math.max(box[oa + 3], box[ob + 3]) - Math.min(box[oa + 1], box[ob + 1]);
  return 1 - (w * h - t.size[a] - t.size[b]) / t.imageArea;
}

export type SimilarityFunction = (t: RegionTable, a: number, b: number) => number;

export const SIMILARITY_SETS: Readonly<Record<SimilaritySet, SimilarityFunction>> = {
  CTSF: (t, a, b) => colorSimilarity(t, a, b) + textureSimilarity(t, a, b) + sizeSimilarity(t, a, b) + fillSimilarity(t, a, b),
  TSF: (t, a, b) => textureSimilarity(t, a, b) + sizeSimilarity(t, a, b) + fillSimilarity(t, a, b),
  F: fillSimilarity,
  S: sizeSimilarity,
};

/** Which histograms a set reads, so a hierarchy only allocates and merges those. */
export function histogramsNeeded(set: SimilaritySet): { color: boolean; texture: boolean } {
  return { color: set === 'CTSF', texture: set === 'CTSF' || set === 'TSF' };
}
