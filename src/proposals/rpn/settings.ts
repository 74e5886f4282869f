/**
 * The RPN's settings as plain JSON, so a saved model can carry them: its anchors (py-faster-rcnn's meaning of base
 * size, ratios and scales), the target assignment of training and the proposal layer of each phase.
 * Defaults are py-faster-rcnn's (config.py, TRAIN.RPN_* and TEST.RPN_*); the scales of a trained model come
 * from its training set (anchor_scales.ts).
 */

export interface AnchorSettings {
  /** Side of the base anchor in network-input pixels (py-faster-rcnn: 16). */
  readonly baseSize: number;
  /** Aspect ratios h / w. */
  readonly ratios: readonly number[];
  /** Anchor side = baseSize · scale (at ratio 1). */
  readonly scales: readonly number[];
  /** Network-input pixels per feature cell. */
  readonly featureStride: number;
}

export interface AnchorTargetSettings {
  /** An anchor whose best IoU with a gt box is at least this is positive (RPN_POSITIVE_OVERLAP). */
  readonly positiveIou: number;
  /** ... and below this negative (RPN_NEGATIVE_OVERLAP); in between: ignored. */
  readonly negativeIou: number;
  /** Anchors sampled per image (RPN_BATCHSIZE). */
  readonly batchSize: number;
  /** At most this fraction of the sample positive (RPN_FG_FRACTION). */
  readonly positiveFraction: number;
  /** Anchors reaching further than this outside the image are ignored (py-faster-rcnn's allowed border, 0). */
  readonly allowedBorder: number;
}

export interface ProposalLayerSettings {
  /** Best-scoring boxes kept before NMS (RPN_PRE_NMS_TOP_N). */
  readonly preNmsTopN: number;
  /** Kept after NMS (RPN_POST_NMS_TOP_N). */
  readonly postNmsTopN: number;
  /** NMS suppresses a box whose IoU with a better one is above this (RPN_NMS_THRESH). */
  readonly nmsIou: number;
  /** Boxes narrower or shorter than this, in original-image pixels, are dropped (RPN_MIN_SIZE). */
  readonly minSize: number;
}

export interface RpnSettings {
  readonly anchors: AnchorSettings;
  readonly targets: AnchorTargetSettings;
  /**
   * Proposals at test time. The head trains on selective search's proposals (approximate joint training), so
   * there are no training-time RPN proposal settings.
   */
  readonly testProposals: ProposalLayerSettings;
}

export const DEFAULT_ANCHOR_TARGETS: AnchorTargetSettings = {
  positiveIou: 0.7,
  negativeIou: 0.3,
  batchSize: 256,
  positiveFraction: 0.5,
  allowedBorder: 0,
};

export const TEST_PROPOSALS: ProposalLayerSettings = { preNmsTopN: 6000, postNmsTopN: 300, nmsIou: 0.7, minSize: 16 };

/** Settings for the given anchor scales (anchor_scales.ts), everything else py-faster-rcnn's. */
export function defaultRpnSettings(scales: readonly number[] = [8, 16, 32]): RpnSettings {
  return {
    anchors: { baseSize: 16, ratios: [0.5, 1, 2], scales: [...scales], featureStride: 16 },
    targets: DEFAULT_ANCHOR_TARGETS,
    testProposals: TEST_PROPOSALS,
  };
}

/** Anchors per feature cell. */
export function anchorsPerCell(anchors: AnchorSettings): number {
  return anchors.ratios.length * anchors.scales.length;
}
