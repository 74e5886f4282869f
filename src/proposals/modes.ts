/**
 * The diversification strategies of selective search (paper §3.2, §5.2 and Table 5) as plain data.
 *  - fast:    colour spaces HSV, Lab; k = 50, 100; similarity sets C+T+S+F and T+S+F (8 hierarchies).
 *  - quality: HSV, Lab, rgI, H, I; k = 50, 100, 150, 300; C+T+S+F, T+S+F, F, S (80 hierarchies).
 * The Felzenszwalb minimum component size equals k, and boxes under 20 pixels wide or high are dropped, as in
 * the authors' code.
 */
import type { Connectivity } from './graph_edges';
import type { ColorSpaceName, SelectiveSearchMode, SimilaritySet } from './types';

export interface SelectiveSearchConfig {
  readonly colorSpaces: readonly ColorSpaceName[];
  /** Felzenszwalb-Huttenlocher scale parameters, one segmentation per (colour space, k). */
  readonly ks: readonly number[];
  readonly similaritySets: readonly SimilaritySet[];
  /** Gaussian pre-smoothing of the segmentation (FH's sigma). */
  readonly sigma: number;
  /** Minimum component size of the segmentation as a multiple of k (1 = the authors' minSize = k). */
  readonly minSizeFactor: number;
  readonly connectivity: Connectivity;
  /** Boxes narrower or shorter than this are dropped before ranking. */
  readonly minBoxSize: number;
  /** Seed of the randomised ranking. */
  readonly seed: number;
}

// minBoxSize 20 is the authors' demo code (FilterBoxesWidth before removing duplicates).
const COMMON = { sigma: 0.8, minSizeFactor: 1, connectivity: 8, minBoxSize: 20, seed: 1 } as const;

export const SELECTIVE_SEARCH_MODES: Readonly<Record<SelectiveSearchMode, SelectiveSearchConfig>> = {
  fast: { ...COMMON, colorSpaces: ['hsv', 'lab'], ks: [50, 100], similaritySets: ['CTSF', 'TSF'] },
  quality: {
    ...COMMON,
    colorSpaces: ['hsv', 'lab', 'rgi', 'h', 'i'],
    ks: [50, 100, 150, 300],
    similaritySets: ['CTSF', 'TSF', 'F', 'S'],
  },
};

/** The work of one colour space: all its segmentations and hierarchies share the smoothing and the sorted edges. */
export interface ColorSpaceJob {
  readonly colorSpace: ColorSpaceName;
  readonly config: SelectiveSearchConfig;
}

export function jobsOf(config: SelectiveSearchConfig): ColorSpaceJob[] {
  return config.colorSpaces.map((colorSpace) => ({ colorSpace, config }));
}

export function resolveConfig(mode: SelectiveSearchMode, overrides: Partial<SelectiveSearchConfig> = {}): SelectiveSearchConfig {
  const base = SELECTIVE_SEARCH_MODES[mode];
  if (!base) throw new Error(`unknown selective search mode '${String(mode)}' (expected 'fast' or 'quality')`);
  return { ...base, ...overrides };
}

/** Proposals for detection and training alike: selective search on the image shrunk to this longest side (speed), boxes scaled back. */
export const DEFAULT_PROPOSAL_MAX_SIDE = 500;
/** At most this many proposals per image (the paper's about 2,000). */
export const DEFAULT_MAX_PROPOSALS = 2000;
