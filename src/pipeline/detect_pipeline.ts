/**
 * One detection, the same for every caller (the library's detect(), which the app and the widget are thin
 * adapters over):
 *
 *   decoded image (a bitmap at most 4096 px a side, and the original's size)
 *   -> proposals (proposal_stage.ts: the stage the trainer's proposal pool runs too)
 *   -> the network (model/detector.ts: pyramid, backbone, RoI pooling, head), inside the lost-device wrapper
 *      (device_recovery.ts); with proposalMode 'rpn' the proposals come from inside it instead, the model's RPN on
 *      the same map the RoIs are pooled from (rpn_proposals.ts rpnMapProposals)
 *   -> post-processing (model/postprocess.ts: thresholds, NMS, box voting; a redraw at other thresholds runs it
 *      again on the result's candidates, render/detection_view.ts)
 *   -> the result in the original image's pixels (model/scale_result.ts; the original is the input itself, or the
 *      image a caller's shrunk bitmap came from, options.originalSize), so no caller scales results itself.
 */
import type { ImageSize } from '../geometry/box';
import type { DetectOptions as PostprocessOptions } from '../model/defaults';
import type { DetectionResult } from '../model/detection_types';
import { FastRcnnDetector } from '../model/detector';
import { scaleResultToImage } from '../model/scale_result';
import { withDeviceRecovery, type RecoveryHooks } from './device_recovery';
import { DetectorError } from './errors';
import { proposalsFor } from './proposal_stage';
import type { RpnExplanation } from '../model/detection_types';
import { rpnMapProposals } from './rpn_proposals';
import type { DetectOptions, DetectProgress } from './types';

/** A decoded image: the pixels the network and the proposal stage read, and the size results are reported in. */
export interface DecodedInput extends ImageSize {
  /** Possibly a shrunk copy of the original (image_decode.ts). */
  readonly bitmap: ImageBitmap;
}

/** The network with its current weights, and how to upload them again after a lost device. */
export interface NetworkSource extends Omit<RecoveryHooks, 'onProgress'> {
  /** The current weights (after a reload, the new copy). */
  model(): FastRcnnDetector;
}

/** Detections in `image` (see the module comment); rejects with a DetectorError, or an AbortError from the signal. */
export async function runDetection(decoded: DecodedInput, network: NetworkSource, options: DetectOptions = {}): Promise<DetectionResult> {
  const image = withOriginalSize(decoded, options.originalSize);
  const report = (progress: DetectProgress) => options.onProgress?.(progress);
  const { bitmap } = image;
  const started = performance.now();
  report({ stage: 'proposals', fraction: 0 });
  const fromRpn = options.proposals === undefined && options.proposalMode === 'rpn';
  const proposals = fromRpn ? null : await proposalsFor(bitmap, options, report, bitmap.width / image.width);
  const proposalMs = performance.now() - started;
  options.signal?.throwIfAborted();
  report({ stage: 'network', fraction: null });
  let explainRpn: (() => RpnExplanation) | null = null;
  const run = () => {
    const model = network.model();
    const boxes = proposals ?? rpnMapProposals(model, options.maxProposals, (explain) => (explainRpn = explain));
    return networkAt(model, options.inputScale).detect(bitmap, boxes, postprocessOptions(options, model.config.detect), options.signal);
  };
  const result = await withDeviceRecovery(run, {
    weightsGone: () => network.weightsGone(),
    reload: () => network.reload(),
    restart: network.restart && ((loss) => network.restart!(loss)),
    onProgress: report,
  });
  // the network cannot stop midway (it checks nothing), so a cancel that came during it ends the run here
  options.signal?.throwIfAborted();
  report({ stage: 'network', fraction: 1 });
  // 'rpn': the network timed its proposals itself (the RPN head and proposal layer alone, after the backbone)
  const timesMs = { ...result.timesMs, proposals: fromRpn ? result.timesMs.proposals : proposalMs, total: result.timesMs.total + proposalMs };
  // 'rpn': the RPN's anchors, objectness and regression of these proposals, from the same run (the page explains with them)
  const rpn = explainRpn === null ? undefined : (explainRpn as () => RpnExplanation)();
  return scaleResultToImage({ ...result, timesMs, ...(rpn && { rpn }) }, image); // the bitmap may be shrunk
}

/** `image` reported in the pixels of `original`, the image its bitmap is a shrunk copy of, when the caller gives it. */
export function withOriginalSize(image: DecodedInput, original: ImageSize | undefined): DecodedInput {
  if (original === undefined) return image;
  const { width, height } = original;
  const { bitmap } = image;
  if (!(width > 0 && height > 0 && Number.isFinite(width) && Number.isFinite(height))) {
    throw new DetectorError('image', `originalSize must be a positive width and height, got ${width} x ${height}`);
  }
  // a shrunk copy keeps the original's shape up to rounding each side to whole pixels
  if (Math.abs(width * bitmap.height - bitmap.width * height) > Math.max(width, height)) {
    throw new DetectorError('image', `originalSize ${width} x ${height} does not have the shape of the ${bitmap.width} x ${bitmap.height} image: give the size of the image it was shrunk from`);
  }
  return { bitmap, width, height };
}

/**
 * The caller's thresholds over the model's own post-processing. The candidates are those above the lower of the
 * score threshold and the model's candidate threshold: box voting then averages the same candidates whatever
 * threshold the detections were asked at (so detect() at 0.5 gives the boxes `npm run eval` scored at 0.05), a
 * redraw can lower the threshold down to the model's, and scoreThreshold 0 really gives every scored box.
 */
export function postprocessOptions(options: Pick<DetectOptions, 'scoreThreshold' | 'nmsIouThreshold' | 'maxDetections'>, model: PostprocessOptions): Partial<PostprocessOptions> {
  const { scoreThreshold, nmsIouThreshold, maxDetections } = options;
  return {
    ...(scoreThreshold !== undefined && { scoreThreshold, candidateScoreThreshold: Math.min(scoreThreshold, model.candidateScoreThreshold) }),
    ...(nmsIouThreshold !== undefined && { nmsIouThreshold }),
    ...(maxDetections !== undefined && { maxDetections }),
  };
}

/**
 * The model at another input scale: a view over the same backbone and head (no copy of the weights), which is
 * never disposed itself. The longest-side cap scales with it.
 */
function networkAt(model: FastRcnnDetector, inputScale: number | undefined): FastRcnnDetector {
  if (inputScale === undefined) return model;
  if (!(inputScale >= 16)) throw new DetectorError('image', `inputScale must be at least 16 pixels, got ${inputScale}`);
  const { classNames, input, bboxNormalization, detect, rpn } = model.config;
  const maxSize = Math.round((input.maxSize * inputScale) / Math.min(...input.scales));
  return new FastRcnnDetector({ classNames, input: { scales: [inputScale], maxSize }, bboxNormalization, detect, rpn }, model.backbone, model.head, model.rpn);
}
