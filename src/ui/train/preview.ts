/**
 * Detections on a held-out image while training runs: each model snapshot the trainer exports becomes the weights of
 * one detector in the page's detection worker (src/api/worker_detector.ts: the same detector path as the Detect tab,
 * off the main thread), which then runs on the held-out image with the proposals the trainer computed for it. A lost
 * GPU device is survived there as in detect() (src/pipeline/device_recovery.ts): the worker's backend restarts and the
 * last snapshot is loaded again.
 */
import { createWorkerDetectorFromFiles, type WorkerDetector } from '../../api/worker_detector';
import type { Box, ImageSize } from '../../geometry/box';
import type { DetectionResult } from '../../model/detection_types';
import type { ModelFiles } from '../../training/protocol';

const SOURCE = 'training snapshot';

export class PreviewDetector {
  private detector: Promise<WorkerDetector> | null = null;
  private busy = false;
  private disposed = false;

  /** Takes a new snapshot; returns false when the previous one is still being applied (this one is skipped). */
  async update(files: ModelFiles): Promise<boolean> {
    if (this.busy || this.disposed) return false;
    this.busy = true;
    try {
      if (this.detector === null) {
        const created = createWorkerDetectorFromFiles(files, { assetsBase: import.meta.env.BASE_URL }, SOURCE);
        this.detector = created;
        created.catch(() => {
          if (this.detector === created) this.detector = null; // the next snapshot tries again
        });
        await created;
      } else await (await this.detector).useFiles(files, SOURCE);
      if (this.disposed) this.dispose();
      return true;
    } finally {
      this.busy = false;
    }
  }

  /** `image`: possibly a shrunk copy of an image of `originalSize`, the pixels `proposals` and the result are in. */
  async detect(image: ImageBitmap, originalSize: ImageSize, proposals: readonly Box[] | Float32Array, nmsIouThreshold: number): Promise<DetectionResult | null> {
    if (this.detector === null) return null;
    const count = proposals instanceof Float32Array ? proposals.length / 4 : proposals.length;
    if (count === 0) return null;
    const detector = await this.detector;
    const { width, height } = originalSize;
    return detector.detect(image, { proposals, maxProposals: count, scoreThreshold: 0.05, nmsIouThreshold, originalSize: { width, height } });
  }

  dispose(): void {
    this.disposed = true;
    const detector = this.detector;
    this.detector = null;
    void detector?.then((d) => d.dispose(), () => undefined);
  }
}
