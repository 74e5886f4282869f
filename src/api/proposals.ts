/**
 * The proposal stage of detect(): the caller's own boxes, a dense grid, or selective search in Web Workers
 * (src/proposals/proposal_client.ts) on a downscaled copy of the image, scaled back to full-image pixels and capped
 * at maxProposals in ranked order (what the training worker does too, src/training/proposal_pool.ts).
 */
import { packBoxes, type Box } from '../geometry/box';
import { denseBoxes } from '../proposals/dense_boxes';
import { computeProposalsPacked } from '../proposals/proposal_client';
import { DetectorError } from './errors';
import { downscaledPixels } from './image_input';
import type { DetectOptions, DetectProgress } from './types';

import { DEFAULT_MAX_PROPOSALS, DEFAULT_PROPOSAL_MAX_SIDE } from '../proposals/modes';

export { DEFAULT_MAX_PROPOSALS, DEFAULT_PROPOSAL_MAX_SIDE };

/**
 * Packed [x1, y1, x2, y2, ...] proposals for `bitmap`, in its own pixels. `scale`: bitmap pixels per pixel of
 * the original image, which the caller's own proposals are in (less than 1 when the decoder shrank the image).
 */
export async function proposalsFor(
  bitmap: ImageBitmap,
  options: DetectOptions,
  onProgress: (progress: DetectProgress) => void,
  scale = 1,
): Promise<Float32Array> {
  const maxProposals = options.maxProposals ?? DEFAULT_MAX_PROPOSALS;
  if (!(maxProposals >= 1)) throw new DetectorError('image', `maxProposals must be at least 1, got ${maxProposals}`);
  if (options.proposals !== undefined) return suppliedProposals(options.proposals, maxProposals).map((v) => v * scale);
  const mode = options.proposalMode ?? 'fast';
  // the grid is sized to about maxProposals boxes (a plain cut would keep only the smallest scales)
  if (mode === 'dense') return denseBoxes(bitmap.width, bitmap.height, { targetCount: maxProposals }).slice(0, 4 * maxProposals);
  const pixels = downscaledPixels(bitmap, options.proposalMaxSide ?? DEFAULT_PROPOSAL_MAX_SIDE);
  const boxes = await computeProposalsPacked(pixels, {
    mode,
    signal: options.signal,
    onProgress: (p) => onProgress({ stage: 'proposals', fraction: p.fraction }),
  });
  const sx = bitmap.width / pixels.width;
  const sy = bitmap.height / pixels.height;
  const count = Math.min(boxes.length / 4, Math.floor(maxProposals));
  const out = new Float32Array(4 * count);
  for (let i = 0; i < 4 * count; i += 4) {
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
