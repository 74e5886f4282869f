/**
 * Fast R-CNN (Girshick 2015, Figure 1) as a short composition: image + proposals in (proposals are an input,
 * e.g. selective search), one shared conv feature map per pyramid level, RoI pooling, the fc head, per-class
 * decoding and NMS. See backbone.ts, heads.ts, pyramid.ts and postprocess.ts for each stage.
 *
 * Shape letters: R proposals, L pyramid levels, K foreground classes, C' pooled channels.
 */
import * as tf from '@tensorflow/tfjs';
import { packBoxes, unpackBoxes, type Box, type ImageSize, type PackedBoxes } from '../geometry/box';
import { flipBoxes } from '../geometry/flip';
import { anchorsPerCell } from '../proposals/rpn/settings';
import { Backbone } from './backbone';
import { classifyRois } from './classify_rois';
import type { BboxNormalization, DetectOptions, DetectorConfig, RpnConfig, ScaleConfig } from './defaults';
import type { DetectionResult } from './detection_types';
import { FC_LAYERS, RoiHead, type PoolFunction } from './heads';
import { selectDetections, type ScoredClassBoxes } from './postprocess';
import { flipImage, imageSize, imageToTensor, resizeImage, type ImageInput } from './preprocess';
import { averageViews, testViews, viewClassBoxes } from './test_flips';
import { assignLevels, projectRois, pyramidLevels } from './pyramid';
import { RpnHead } from './rpn_head';
import { StageTimer } from './stage_timer';
import { truncatedSvd } from './svd';

export interface CreateOptions {
  /** Seed of the head's initial weights. */
  readonly seed?: number;
  /** Where to read the pretrained backbone (default: config.backbone.modelUrl, served by the app). */
  readonly backboneSource?: string | tf.io.IOHandler;
  /** The RoI pooling op (default: src/kernels roiPool). */
  readonly pool?: PoolFunction;
}

/** The warm-up image's side in pixels (FastRcnnDetector.warmUp). */
const WARM_UP_SIDE = 96;
/** Proposals of the warm-up detection. */
const WARM_UP_PROPOSALS = 300;

/** The shared map detect() hands to a MapProposals hook: one image's, at the first pyramid level. */
export interface ProposalMap {
  /** [1, H, W, C'] the reduced map the RoIs are pooled from (RoiHead.reduce's output). */
  readonly features: tf.Tensor4D;
  /** The network input's size (the image at this level's scale). */
  readonly inputSize: ImageSize;
  /** Network-input pixels per original-image pixel. */
  readonly imageScale: number;
}

/**
 * Proposals computed from the network's own map (the RPN: pipeline/rpn_proposals.ts), for a caller that has none
 * before the backbone runs. detect() calls it once, on its first view's map, and pools what it returns: boxes in
 * that view's original-image pixels (the pipeline knows the RPN's settings; the model only runs the network).
 */
export type MapProposals = (map: ProposalMap) => Promise<PackedBoxes>;

export interface SvdReport {
  readonly layer: 'fc6' | 'fc7';
  readonly rank: number;
  /** ‖W − left·right‖_F / ‖W‖_F. */
  readonly relativeError: number;
}

export class FastRcnnDetector {
  /** `rpn`: the RPN's head, exactly when `settings.rpn` is given. */
  constructor(
    private settings: Pick<DetectorConfig, 'classNames' | 'input' | 'bboxNormalization' | 'detect' | 'rpn'>,
    readonly backbone: Backbone,
    private currentHead: RoiHead,
    readonly rpn?: RpnHead,
  ) {
    if ((settings.rpn === undefined) !== (rpn === undefined)) {
      throw new Error(settings.rpn === undefined ? 'an RPN head was given but the config has no rpn section' : 'the config has an rpn section but no RPN head was given');
    }
  }

  /** A detector with a fresh (untrained) head, and RPN head when the config has one, on the pretrained backbone. */
  static async create(config: DetectorConfig, options: CreateOptions = {}): Promise<FastRcnnDetector> {
    const backbone = await Backbone.load(config.backbone, options.backboneSource);
    const shape = { inChannels: backbone.outputChannels, numClasses: config.classNames.length, head: config.head };
    const rpn = config.rpn && RpnHead.create(rpnHeadShape(config.rpn, config.head.reduceChannels ?? backbone.outputChannels), options.seed);
    return new FastRcnnDetector(config, backbone, RoiHead.create(shape, options.seed, options.pool), rpn);
  }

  get head(): RoiHead {
    return this.currentHead;
  }

  get config(): DetectorConfig {
    const { classNames, input, bboxNormalization, detect, rpn } = this.settings;
    return { classNames, backbone: this.backbone.config, head: this.head.shape.head, input, bboxNormalization, detect, ...(rpn && { rpn }) };
  }

  get classNames(): readonly string[] {
    return this.settings.classNames;
  }

  /** Stores the regression-target statistics the head was trained with (applied at inference, never folded). */
  setBboxNormalization(normalization: BboxNormalization): void {
    const expected = 4 * (this.classNames.length + 1);
    if (normalization.means.length !== expected || normalization.stds.length !== expected) {
      throw new Error(`bbox normalization needs ${expected} means and stds`);
    }
    this.settings = { ...this.settings, bboxNormalization: { means: [...normalization.means], stds: [...normalization.stds] } };
  }

  /** Feature maps the RoIs are pooled from: backbone then the head's reduce conv, [N, H/16, W/16, C']. */
  featureMap(images: tf.Tensor4D): tf.Tensor4D {
    return tf.tidy(() => this.head.reduce(this.backbone.forward(images)));
  }

  /**
   * Detections for one image and its proposals (original-image pixels, [x1, y1, x2, y2]). `signal` is checked
   * between the stages (after preprocessing, the backbone, RoI pooling and the fc head), so a cancelled run stops
   * within one stage rather than at the end of the network.
   */
  async detect(image: ImageInput, proposals: readonly Box[] | PackedBoxes | MapProposals, options: Partial<DetectOptions> = {}, signal?: AbortSignal): Promise<DetectionResult> {
    return this.detectAt(this.settings.input, image, proposals, options, signal);
  }

  /**
   * One small detection, to be run once after loading, so that the first real image does not pay the one-time
   * costs: on wasm XNNPACK packs each conv's weights when the conv first runs, on WebGPU each shader compiles,
   * and the JavaScript of RoI pooling and post-processing gets compiled. A 96x96 image (a 6x6 map) at that size
   * (not scaled up to the model's 600 or 800 px), through the same path as detect(): every stage, the model's test
   * flips, one readback, 300 proposals all kept as candidates so that the post-processing runs in earnest.
   * Leaves no tensor behind. Returns its time in ms.
   */
  async warmUp(): Promise<number> {
    const start = performance.now();
    // wasm: a 4:3 image at the model's own scale (XNNPACK also builds per-size state, and the heap grows, on a
    // size's first run; a 4:3 photo then runs warm from its first image); elsewhere 96x96 (shaders compile per
    // program, not per size, on WebGPU, and a full-size pass would cost seconds on SwiftShader or plain JS)
    const full = tf.getBackend() === 'wasm';
    const height = full ? this.settings.input.scales[0] : WARM_UP_SIDE;
    const width = full ? Math.min(Math.round((height * 4) / 3), this.settings.input.maxSize) : WARM_UP_SIDE;
    const data = new Uint8ClampedArray(width * height * 4);
    for (let i = 0; i < data.length; i++) data[i] = (i * 97) % 251; // not constant: no special case is taken
    // enough proposals, each a candidate of every class (thresholds below any probability), for the
    // post-processing's loops (decoding, NMS, box voting) to be compiled as the optimiser does for hot code
    const boxes = new Float32Array(4 * WARM_UP_PROPOSALS);
    const [sx, sy] = [width / WARM_UP_SIDE, height / WARM_UP_SIDE];
    for (let i = 0; i < WARM_UP_PROPOSALS; i++) {
      const [x, y] = [(i * 37) % (WARM_UP_SIDE - 8), (i * 53) % (WARM_UP_SIDE - 8)];
      const [x2, y2] = [Math.min(WARM_UP_SIDE - 1, x + 8 + (i % 7) * 9), Math.min(WARM_UP_SIDE - 1, y + 8 + (i % 5) * 11)];
      boxes.set([x * sx, y * sy, x2 * sx, y2 * sy], 4 * i);
    }
    const input = { scales: [height], maxSize: Math.max(width, height) };
    await this.detectAt(input, { width, height, data }, boxes, { scoreThreshold: -1, candidateScoreThreshold: -1 });
    return performance.now() - start;
  }

  private async detectAt(
    input: ScaleConfig, image: ImageInput, proposals: readonly Box[] | PackedBoxes | MapProposals, options: Partial<DetectOptions>, signal?: AbortSignal,
  ): Promise<DetectionResult> {
    const run = { ...this.settings.detect, ...options };
    const checkpoint = () => stopIfAborted(signal);
    const timer = new StageTimer();
    const fromMap = typeof proposals === 'function' ? proposals : null;
    let boxes: PackedBoxes | null = fromMap !== null ? null
      : proposals instanceof Float32Array || proposals instanceof Float64Array ? proposals : packBoxes(proposals as readonly Box[]);
    const size = imageSize(image);
    const owned: tf.Tensor[] = [];
    try {
      // 1. the image at each pyramid level
      const levels = pyramidLevels(size, input);
      const pixels = imageToTensor(image);
      owned.push(pixels);
      const scaled = levels.map((level) => resizeImage(pixels, level.scale));
      owned.push(...scaled);
      await timer.end('preprocess', scaled.at(-1));
      await checkpoint();
      const views: ScoredClassBoxes[] = [];
      for (const flip of testViews(run)) {
        // 2. one shared feature map per level (of the image, or of a mirrored view: test_flips.ts), stacked as a batch
        const features = stackLevels(scaled.map((level) => tf.tidy(() => this.featureMap(flipImage(level, flip)))));
        owned.push(features);
        await timer.end('backbone', features);
        await checkpoint();
        if (boxes === null && fromMap !== null) {
          // proposals from this view's own map (the RPN), mirrored back to the image
          const level = levelMap(features, scaled[0], this.backbone.config.featureStride);
          try {
            const inputSize = { width: scaled[0].shape[2], height: scaled[0].shape[1] };
            boxes = flipBoxes(await fromMap({ features: level, inputSize, imageScale: levels[0].scale }), flip, size);
          } finally {
            if (level !== features) level.dispose();
          }
          timer.mark('proposals');
          await checkpoint();
        }
        // 3-4. RoI pooling (each RoI from the level where its area is closest to 224²), then the fc head: the head
        // path the trainer's evaluation runs too (classify_rois.ts)
        const viewBoxes = flipBoxes(boxes as PackedBoxes, flip, size);
        const scales = levels.map((level) => level.scale);
        const rois = projectRois(viewBoxes, assignLevels(viewBoxes, scales), scales);
        if (rois.length === 0) timer.mark('roiPool');
        const afterPool = async (pooled: tf.Tensor4D) => {
          await timer.end('roiPool', pooled);
          await checkpoint();
        };
        const readback = await classifyRois(this.head, features, rois, this.backbone.config.featureStride, { afterPool });
        timer.mark('fc');
        await checkpoint();
        // 5. decode and clip (mirrored back to the image)
        views.push(viewClassBoxes(viewBoxes, flip, readback, this.settings.bboxNormalization, size, run));
      }
      // 6. average the views, per-class NMS
      const found = selectDetections(boxes as PackedBoxes, averageViews(views), this.classNames, run);
      timer.mark('nms');
      const t = timer.times;
      return {
        imageWidth: size.width,
        imageHeight: size.height,
        classNames: this.classNames,
        proposals: unpackBoxes(boxes as PackedBoxes),
        ...found,
        scoreThreshold: run.scoreThreshold,
        nmsIouThreshold: run.nmsIouThreshold,
        maxDetections: run.maxDetections,
        boxVotingIou: run.boxVotingIou ?? null,
        timesMs: {
          ...(fromMap !== null && { proposals: t.proposals }),
          preprocess: t.preprocess, backbone: t.backbone, roiPool: t.roiPool, fc: t.fc, nms: t.nms, total: timer.total,
        },
        backend: tf.getBackend(),
      };
    } finally {
      tf.dispose(owned);
    }
  }

  /** Truncated SVD of fc6 and/or fc7 (paper §3.1), in place, without retraining; null leaves a layer as is. */
  async compress(ranks: { readonly fc6?: number | null; readonly fc7?: number | null }): Promise<SvdReport[]> {
    const reports: SvdReport[] = [];
    for (const layer of FC_LAYERS) {
      const rank = ranks[layer] ?? null;
      if (rank === null) continue;
      const kernel = this.head.weights().get(`${layer}/kernel`);
      if (kernel === undefined) throw new Error(`${layer} is already compressed`);
      const [rows, cols] = kernel.shape;
      const svd = truncatedSvd(await kernel.data(), rows, cols, rank);
      const left = tf.tensor2d(svd.left, [rows, rank]);
      const right = tf.tensor2d(svd.right, [rank, cols]);
      const previous = this.currentHead;
      this.currentHead = previous.factorLayer(layer, left, right);
      tf.dispose([left, right]);
      previous.dispose();
      reports.push({ layer, rank, relativeError: svd.relativeError });
    }
    return reports;
  }

  /** Replaces the head (e.g. after loading weights); the old one is disposed. */
  replaceHead(head: RoiHead): void {
    if (head === this.currentHead) return;
    this.currentHead.dispose();
    this.currentHead = head;
  }

  trainableVariables(): tf.Variable[] {
    return [...this.backbone.trainableVariables(), ...this.head.trainableVariables()];
  }

  dispose(): void {
    this.head.dispose();
    this.rpn?.dispose();
    this.backbone.dispose();
  }
}

/** The RPN head's shape for a config's rpn section, on the map RoIs are pooled from (`mapChannels` channels). */
export function rpnHeadShape(rpn: RpnConfig, mapChannels: number): { inChannels: number; convChannels: number; anchorsPerCell: number } {
  return { inChannels: mapChannels, convChannels: rpn.convChannels, anchorsPerCell: anchorsPerCell(rpn.anchors) };
}

/**
 * The first level's own map out of the stacked levels [L, Hmax, Wmax, C'] (stackLevels pads the smaller ones): with
 * TF 'SAME' padding each stride-2 layer rounds up, so a level of H x W pixels has a ceil(H / stride) x ceil(W / stride) map.
 */
function levelMap(stacked: tf.Tensor4D, scaled: tf.Tensor4D, featureStride: number): tf.Tensor4D {
  if (stacked.shape[0] === 1) return stacked;
  const [height, width] = [Math.ceil(scaled.shape[1] / featureStride), Math.ceil(scaled.shape[2] / featureStride)];
  return tf.slice(stacked, [0, 0, 0, 0], [1, height, width, stacked.shape[3]]);
}

/** [L, Hmax, Wmax, C'] from L maps [1, Hl, Wl, C'], zero-padded at the bottom/right (FR im_list_to_blob). */
function stackLevels(maps: tf.Tensor4D[]): tf.Tensor4D {
  if (maps.length === 1) return maps[0];
  const height = Math.max(...maps.map((m) => m.shape[1]));
  const width = Math.max(...maps.map((m) => m.shape[2]));
  const stacked = tf.tidy(() =>
    tf.concat(maps.map((m) => tf.pad(m, [[0, 0], [0, height - m.shape[1]], [0, width - m.shape[2]], [0, 0]])), 0),
  ) as tf.Tensor4D;
  tf.dispose(maps);
  return stacked;
}

/**
 * Throws the signal's reason when it was aborted. It first yields to the event loop, because a cancel arrives as
 * a message (the detection worker's) or a timer, and a read-back on wasm resolves without ever leaving the
 * microtask queue: without this the abort would only be seen after the whole network.
 */
async function stopIfAborted(signal: AbortSignal | undefined): Promise<void> {
  if (signal === undefined) return;
  await new Promise((resolve) => setTimeout(resolve, 0));
  signal.throwIfAborted();
}
