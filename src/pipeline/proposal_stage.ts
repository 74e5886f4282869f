/**
 * The proposal stage, the one every caller runs: the library's detect() (so the app and the widget too) and the
 * training worker's proposal pool (src/training/proposal_pool.ts), so test-time proposals are computed exactly as
 * the trainer computed the ones the model learned from.
 *
 *   the caller's own boxes | a dense grid | selective search (src/proposals, in Web Workers) on a copy of the image
 *   shrunk by the one resizer (shrunkPixels) -> boxes scaled back to the image's pixels -> capped at maxProposals,
 *   best ranked first.
 *
 * No DOM: it runs in the page and in workers.
 */
import { decodePlan } from '../data/image_checks';
import { shrinkOptions } from '../data/image_decode';
import { packBoxes, type Box, type ImageSize } from '../geometry/box';
import { denseBoxes } from '../proposals/dense_boxes';
import { DEFAULT_MAX_PROPOSALS, DEFAULT_PROPOSAL_MAX_SIDE } from '../proposals/modes';
import { computeProposalsPacked } from '../proposals/proposal_client';
import { DetectorError } from './errors';
import type { DetectOptions, DetectProgress } from './types';

export type ProposalStageOptions = Pick<DetectOptions, 'proposals' | 'proposalMode' | 'maxProposals' | 'proposalMaxSide' | 'signal'> & {
  /** Selective-search workers (default: the proposal client's, two). */
  readonly workers?: number;
};

/**
 * Packed [x1, y1, x2, y2, ...] proposals for `bitmap`, in its own pixels. `scale`: bitmap pixels per pixel of the
 * original image, which the caller's own proposals are in (less than 1 when the decoder shrank the image).
 */
export async function proposalsFor(
  bitmap: ImageBitmap,
  options: ProposalStageOptions,
  onProgress: (progress: DetectProgress) => void = () => undefined,
  scale = 1,
): Promise<Float32Array> {
  const maxProposals = options.maxProposals ?? DEFAULT_MAX_PROPOSALS;
  if (!(maxProposals >= 1)) throw new DetectorError('image', `maxProposals must be at least 1, got ${maxProposals}`);
  if (options.proposals !== undefined) return suppliedProposals(options.proposals, maxProposals).map((v) => v * scale);
  const mode = options.proposalMode ?? 'fast';
  // the RPN reads the network's feature map: detect_pipeline.ts runs it inside the network (rpn_proposals.ts)
  if (mode === 'rpn') throw new DetectorError('image', "proposalMode 'rpn' proposals come from the model's network, not from the image alone: run a detection");
  // the grid is sized to about maxProposals boxes (a plain cut would keep only the smallest scales)
  if (mode === 'dense') return denseBoxes(bitmap.width, bitmap.height, { targetCount: maxProposals }).slice(0, 4 * maxProposals);
  const pixels = await shrunkPixels(bitmap, options.proposalMaxSide ?? DEFAULT_PROPOSAL_MAX_SIDE);
  const boxes = await computeProposalsPacked(pixels, {
    mode,
    signal: options.signal,
    workers: options.workers,
    onProgress: (p) => onProgress({ stage: 'proposals', fraction: p.fraction }),
  });
  const count = Math.min(boxes.length / 4, Math.floor(maxProposals));
  return scaleBoxes(boxes.subarray(0, 4 * count), bitmap.width / pixels.width, bitmap.height / pixels.height);
}

/**
 * Proposals for a decoded image in the ORIGINAL image's pixels (what the trainer stores with each image): the
 * stage on the decoded bitmap, scaled up by what the decoder shrank.
 */
export async function proposalsForImage(image: { readonly bitmap: ImageBitmap } & ImageSize, options: ProposalStageOptions): Promise<Float32Array> {
  const boxes = await proposalsFor(image.bitmap, options);
  return scaleBoxes(boxes, image.width / image.bitmap.width, image.height / image.bitmap.height);
}

/**
 * The one resizer of the proposal stage: RGBA pixels of `bitmap` shrunk so that its longest side is at most
 * `maxSide` (never enlarged), with the decoder's own shrinking (createImageBitmap, image_decode.ts shrinkOptions).
 */
export async function shrunkPixels(bitmap: ImageBitmap, maxSide: number): Promise<ImageData> {
  const plan = decodePlan({ width: bitmap.width, height: bitmap.height }, maxSide);
  const small = plan.scale < 1 ? await createImageBitmap(bitmap, shrinkOptions(plan)) : bitmap;
  try {
    const canvas = new OffscreenCanvas(small.width, small.height);
    const context = canvas.getContext('2d', { willReadFrequently: true });
    if (context === null) throw new DetectorError('image', 'this browser has no 2D canvas to read pixels with');
    context.drawImage(small, 0, 0);
    return context.getImageData(0, 0, small.width, small.height);
  } finally {
    if (small !== bitmap) small.close();
  }
}

function scaleBoxes(boxes: Float32Array, sx: number, sy: number): Float32Array {
  if (sx === 1 && sy === 1) return boxes.slice();
  const out = new Float32Array(boxes.length);
  for (let i = 0; i < boxes.length; i += 4) {
    out[i] = boxes[i] * sx;
    out[i + 1] = boxes[i + 1] * sy;
    out[i + 2] = boxes[i + 2] * sx;
    out[i + 3] = boxes[i + 3] * sy;
  }
  return out;
}

function suppliedProposals(proposals: NonNullable<DetectOptions['proposals']>, maxProposals: number): Float32Array {
  const packed = proposals instanceof Float32Array ? proposals : packBoxes(proposals as readonly Box[]);
  if (packed.length % 4 !== 0 || !packed.every(Number.isFinite)) {
    throw new DetectorError('image', 'proposals must be finite [x1, y1, x2, y2] boxes');
  }
  return packed.slice(0, 4 * Math.floor(maxProposals));
}
