/**
 * The network's hyper-parameters, one sentence each, and the defaults (reference §3 and §9; paper §2-§4).
 * Everything here is plain JSON: a saved detector stores its DetectorConfig verbatim (weights_io.ts).
 * Passed explicitly to every function that needs it; never read as a global.
 */
import type { Flip } from '../geometry/flip';
import type { RpnSettings } from '../proposals/rpn/settings';

/**
 * The MobileNetV3 stride-16 tap. Why `expanded_conv_12/expand` (the 1x1 expansion, 88 -> 528 channels, then
 * hard-swish, of the first stride-32 block, taken before its stride-2 depthwise conv): it is the deepest
 * stride-16 tensor of the network, it has passed one more pretrained layer and a non-linearity than the last
 * stride-16 block output (`expanded_conv_11/add`, a linear 88-channel bottleneck), and it is where MobileNetV3's
 * authors attach SSDLite's stride-16 head (Howard et al. 2019, §6.2: "the expansion layer of the last feature
 * extractor layer that has an output stride of 16"). Verified in the graph: strides 2 at Conv, expanded_conv_1,
 * _3, _6 and _12's depthwise, so 600x1000 gives a 38x63x528 map here.
 */
export const MOBILENET_V3_STRIDE16_TAP = 'tower_0/MobilenetV3/expanded_conv_12/expand/hard_swish/mul_1';

export interface BackboneConfig {
  /** Where the app serves the pretrained graph (copied from @vladmandic/human by `npm run prepare-assets`). */
  readonly modelUrl: string;
  /** The graph's image placeholder; its fixed 1x512x512x3 shape is ignored, the layers run at any size. */
  readonly inputNode: string;
  /** The node whose output is the shared conv feature map. */
  readonly tapNode: string;
  /**
   * Input pixels per feature cell; RoIs map onto the map with spatialScale = 1 / featureStride exactly, not
   * featureWidth / imageWidth. Why: with TF 'SAME' padding each stride-2 layer's output cell j reads input from
   * pixel 2j on (the extra padding goes to the bottom/right), so cell j of the stride-16 map is anchored at pixel
   * 16j and the map has ceil(W / 16) cells, the last one covering a partial remainder. The ratio would stretch
   * RoIs by up to 15/W; 1/16 is also what every Fast R-CNN model uses (reference §1).
   */
  readonly featureStride: number;
  /**
   * First block whose conv weights learn ('Conv', 'expanded_conv', 'expanded_conv_1', ...); the blocks below it
   * are frozen and their output can be cached per image. null freezes the whole backbone (fc-only training).
   * A number is an index into that list (0 = 'Conv'); a loaded backbone stores the name.
   */
  readonly trainableFrom: string | number | null;
}

export interface HeadConfig {
  /**
   * Channels of a 1x1 conv + ReLU applied to the feature map before RoI pooling; null pools the tap directly.
   * Why: 7x7x528 inputs make fc6 26k-wide (100 MB at 1024 units); 128 channels cut fc6 4x for one cheap conv
   * per image (not per RoI), keep the paper's 7x7 grid, and keep a trained model under 10 MB.
   */
  readonly reduceChannels: number | null;
  /** RoI max-pooling grid (VGG16 in the paper: 7x7). */
  readonly pooledHeight: number;
  readonly pooledWidth: number;
  /** Units of fc6 and fc7 (VGG16: 4096, VGG_CNN_M_1024: 1024); 256 keeps the default model small. */
  readonly fc6: number;
  readonly fc7: number;
  /** Inverted dropout after fc6 and fc7 while training (Caffe's 0.5); identity at test time. */
  readonly dropoutRate: number;
  /** Truncated-SVD ranks when fc6/fc7 are stored factored (paper §3.1); null = a plain dense layer. */
  readonly fc6Rank: number | null;
  readonly fc7Rank: number | null;
}

/** Test-time image scales (reference §3 TEST.SCALES / MAX_SIZE; paper §3 and §5.2 for the pyramid). */
export interface ScaleConfig {
  /**
   * Shortest side of each pyramid level. One entry = single scale (the paper's default, 600); several = an
   * image pyramid in which each RoI is pooled from the level where its scaled area is closest to 224².
   */
  readonly scales: readonly number[];
  /** Cap on the longest side of every level. */
  readonly maxSize: number;
}

/** Per-class normalization of the box-regression targets: the network predicts (delta - mean) / std. */
export interface BboxNormalization {
  /** 4(K+1) numbers, class-major: entry 4c + k is class c, delta k (dx, dy, dw, dh). */
  readonly means: readonly number[];
  readonly stds: readonly number[];
}

/** Per-call detection options; a detector's stored defaults are overridden field by field. */
export interface DetectOptions {
  /** Final detections must score strictly above this (PF test_net: 0.05; FR's demo shows only >= 0.8). */
  readonly scoreThreshold: number;
  /** Per-class candidates kept (before NMS) must score strictly above this. */
  readonly candidateScoreThreshold: number;
  /** Per-class NMS suppresses a box whose IoU with a better kept box of its class is above this (TEST.NMS). */
  readonly nmsIouThreshold: number;
  /** At most this many detections per image, over all classes, best first (PF max_per_image). */
  readonly maxDetections: number;
  /** Upper clamp on dw and dh before exp() at decode (Detectron's ln(1000/16)); Infinity = FR/PF. */
  readonly deltaClampLog: number;
  /** Apply box regression (TEST.BBOX_REG); false returns each proposal's own box for every class. */
  readonly bboxRegression: boolean;
  /**
   * Box voting after NMS (src/model/box_voting.ts): each detection's box becomes the score-weighted mean of its
   * class's candidates with at least this IoU with it. Absent or null: off (the paper's test_net).
   */
  readonly boxVotingIou?: number | null;
  /**
   * Test-time flips (src/model/test_flips.ts): the image is also run mirrored by each of these, and every
   * proposal's class probabilities and regressed boxes (mapped back) are averaged over the views before NMS.
   * Absent or empty: the image alone (the paper).
   */
  readonly testFlips?: readonly Flip[] | null;
}

export interface DetectorConfig {
  /** Foreground class names; class id k (1-based, 0 = background) is classNames[k - 1]. */
  readonly classNames: readonly string[];
  readonly backbone: BackboneConfig;
  readonly head: HeadConfig;
  readonly input: ScaleConfig;
  readonly bboxNormalization: BboxNormalization;
  readonly detect: DetectOptions;
  /**
   * The Region Proposal Network (issue 18), when the model has one: its anchors and proposal settings, and the
   * width of its 3x3 conv. It reads the head's reduced map (head.reduceChannels channels). Absent: no RPN, and
   * detection takes its proposals from elsewhere (selective search by default).
   */
  readonly rpn?: RpnConfig;
}

/** A saved model's RPN section: py-faster-rcnn's settings (proposals/rpn/settings.ts) plus the head's one width. */
export interface RpnConfig extends RpnSettings {
  /** M: channels of the RPN's 3x3 conv. */
  readonly convChannels: number;
}

export const DEFAULT_BACKBONE: BackboneConfig = {
  modelUrl: '/backbone/centernet.json',
  inputNode: 'tower_0/images',
  tapNode: MOBILENET_V3_STRIDE16_TAP,
  featureStride: 16,
  // Paper §4.5 freezes VGG16's conv1-conv2 (the high-resolution layers); here: everything at strides 2-8.
  trainableFrom: 'expanded_conv_6',
};

export const DEFAULT_HEAD: HeadConfig = {
  reduceChannels: 128,
  pooledHeight: 7,
  pooledWidth: 7,
  fc6: 256,
  fc7: 256,
  dropoutRate: 0.5,
  fc6Rank: null,
  fc7Rank: null,
};

export const DEFAULT_SCALES: ScaleConfig = { scales: [600], maxSize: 1000 };

/** The pyramid of FR's experiments/cfgs/multiscale.yml. */
export const MULTISCALE_SCALES: ScaleConfig = { scales: [480, 576, 688, 864, 1200], maxSize: 2000 };

export const DEFAULT_DETECT: DetectOptions = {
  scoreThreshold: 0.05,
  candidateScoreThreshold: 0.05,
  nmsIouThreshold: 0.3,
  maxDetections: 100,
  deltaClampLog: Math.log(1000 / 16),
  bboxRegression: true,
};

/** Standard deviations of the initial weights (paper §2.3; fc6/fc7 have no pretrained weights here, see heads.ts). */
export const INIT_STD = { clsScore: 0.01, bboxPred: 0.001 } as const;

/** PF's fixed target statistics (BBOX_NORMALIZE_MEANS/STDS), used until a trainer stores empirical ones. */
export function defaultBboxNormalization(numClasses: number): BboxNormalization {
  const means: number[] = [];
  const stds: number[] = [];
  for (let c = 0; c <= numClasses; c++) {
    means.push(0, 0, 0, 0);
    stds.push(0.1, 0.1, 0.2, 0.2);
  }
  return { means, stds };
}

/** A complete config for the given classes, with any section overridden. */
export function makeDetectorConfig(
  classNames: readonly string[],
  overrides: Partial<Omit<DetectorConfig, 'classNames'>> = {},
): DetectorConfig {
  return {
    classNames: [...classNames],
    backbone: overrides.backbone ?? DEFAULT_BACKBONE,
    head: overrides.head ?? DEFAULT_HEAD,
    input: overrides.input ?? DEFAULT_SCALES,
    bboxNormalization: overrides.bboxNormalization ?? defaultBboxNormalization(classNames.length),
    detect: overrides.detect ?? DEFAULT_DETECT,
    ...(overrides.rpn !== undefined && { rpn: overrides.rpn }),
  };
}
