/**
 * Selective-search proposals for many images with the proposals module's worker client (src/proposals: the
 * colour-space jobs of one image are shared out between two workers). The image is decoded at most `maxSide`
 * pixels on its longest side (selective search is O(pixels); objects stay several cells wide) and the boxes are
 * scaled back to full-image pixels, capped at `maxProposals` in their ranked order.
 */
import { computeProposalsPacked, disposeProposalWorkers } from '../proposals/proposal_client';
import { loadPixels } from './image_io';

export interface ProposalPoolOptions {
  readonly mode: 'fast' | 'quality';
  readonly maxSide: number;
  readonly maxProposals: number;
  readonly workers: number;
}

export class ProposalPool {
  constructor(private readonly options: ProposalPoolOptions) {}

  /** Proposals for the image at `url` in its full-resolution pixels. */
  async compute(url: string): Promise<Float32Array> {
    const pixels = await loadPixels(url, this.options.maxSide);
    const boxes = await computeProposalsPacked(pixels, { mode: this.options.mode, workers: this.options.workers });
    const sx = pixels.sourceWidth / pixels.width;
    const sy = pixels.sourceHeight / pixels.height;
    const n = Math.min(boxes.length / 4, this.options.maxProposals);
    const out = new Float32Array(n * 4);
    for (let i = 0; i < n; i++) {
      out[4 * i] = boxes[4 * i] * sx;
      out[4 * i + 1] = boxes[4 * i + 1] * sy;
      out[4 * i + 2] = boxes[4 * i + 2] * sx;
      out[4 * i + 3] = boxes[4 * i + 3] * sy;
    }
    return out;
  }

  /** Runs `compute` over all urls, one image at a time (its colour spaces run in parallel). */
  async computeAll(urls: readonly string[], onEach: (index: number, boxes: Float32Array) => void): Promise<void> {
    for (let i = 0; i < urls.length; i++) onEach(i, await this.compute(urls[i]));
  }

  terminate(): void {
    disposeProposalWorkers();
  }
}
