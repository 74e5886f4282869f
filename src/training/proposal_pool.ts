/**
 * Selective-search proposals for many images, through the detection pipeline's proposal stage
 * (src/pipeline/proposal_stage.ts: the same resizer, search, scaling back and cap as detect() at test time, so a
 * model sees at test time the kind of proposals it was trained on). Each image is decoded as everywhere else
 * (src/data/image_decode.ts); the boxes are in its full-resolution pixels.
 */
import { fetchImage } from '../data/image_decode';
import { proposalsForImage } from '../pipeline/proposal_stage';
import { disposeProposalWorkers } from '../proposals/proposal_client';

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
    const image = await fetchImage(url);
    try {
      const { mode, maxSide, maxProposals, workers } = this.options;
      return await proposalsForImage(image, { proposalMode: mode, proposalMaxSide: maxSide, maxProposals, workers });
    } finally {
      image.bitmap.close();
    }
  }

  /** Runs `compute` over all urls, one image at a time (its colour spaces run in parallel). */
  async computeAll(urls: readonly string[], onEach: (index: number, boxes: Float32Array) => void): Promise<void> {
    for (let i = 0; i < urls.length; i++) onEach(i, await this.compute(urls[i]));
  }

  terminate(): void {
    disposeProposalWorkers();
  }
}
