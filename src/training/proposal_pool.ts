/**
 * Selective-search proposals for many images on a small pool of workers (one per core): the image is decoded at
 * most `maxSide` pixels on its longest side (selective search is O(pixels); objects stay several cells wide), and
 * the boxes are scaled back to full-image pixels, capped at `maxProposals` (ranked order kept).
 */
import { loadPixels } from './image_io';
import type { ProposalRequest } from './proposal_worker';

export interface ProposalPoolOptions {
  readonly mode: 'fast' | 'quality';
  readonly maxSide: number;
  readonly maxProposals: number;
  readonly workers: number;
}

export class ProposalPool {
  private readonly workers: Worker[] = [];
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (b: Float32Array) => void; reject: (e: Error) => void }>();

  constructor(private readonly options: ProposalPoolOptions) {
    for (let i = 0; i < Math.max(1, options.workers); i++) {
      const worker = new Worker(new URL('./proposal_worker.ts', import.meta.url), { type: 'module' });
      worker.onmessage = (event: MessageEvent<{ id: number; boxes?: Float32Array; error?: string }>) => {
        const job = this.pending.get(event.data.id);
        this.pending.delete(event.data.id);
        if (event.data.boxes) job?.resolve(event.data.boxes);
        else job?.reject(new Error(event.data.error ?? 'proposal worker failed'));
      };
      this.workers.push(worker);
    }
  }

  /** Proposals for the image at `url` in its full-resolution pixels. */
  async compute(url: string): Promise<Float32Array> {
    const pixels = await loadPixels(url, this.options.maxSide);
    const id = this.nextId++;
    const worker = this.workers[id % this.workers.length];
    const boxes = await new Promise<Float32Array>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      const request: ProposalRequest = { id, image: { width: pixels.width, height: pixels.height, data: pixels.data }, mode: this.options.mode };
      worker.postMessage(request);
    });
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

  /** Runs `compute` over all urls with one image in flight per worker. */
  async computeAll(urls: readonly string[], onEach: (index: number, boxes: Float32Array) => void): Promise<void> {
    let next = 0;
    const lane = async () => {
      while (next < urls.length) {
        const i = next++;
        onEach(i, await this.compute(urls[i]));
      }
    };
    await Promise.all(this.workers.map(lane));
  }

  terminate(): void {
    for (const w of this.workers) w.terminate();
  }
}
