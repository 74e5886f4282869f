/**
 * Detections on a held-out image while training runs: each model snapshot the trainer exports replaces the head of
 * one page-side detector (the backbone is loaded once), which then runs on the held-out image with the proposals
 * the trainer computed for it.
 */
import type { Box } from '../../geometry/box';
import type { DetectionResult } from '../../model/detection_types';
import type { FastRcnnDetector } from '../../model/detector';
import { detectorFromArtifacts } from '../../model/weights_io';
import { backendGeneration, currentDeviceLoss, restartBackend } from '../../runtime/device_loss';
import { importHead } from '../../training/model_files';
import type { ModelFiles } from '../../training/protocol';
import { artifactsFromFiles } from '../models/model_registry';

export class PreviewDetector {
  private detector: FastRcnnDetector | null = null;
  private generation = backendGeneration();
  private busy = false;

  /** Takes a new snapshot; returns false when the previous one is still being applied (this one is skipped). */
  async update(files: ModelFiles): Promise<boolean> {
    if (this.busy) return false;
    this.busy = true;
    try {
      // a lost GPU device: restart the page's backend (the page says so); weights from before a restart are gone
      const loss = currentDeviceLoss();
      if (loss) await restartBackend(loss);
      if (!this.detector || this.generation !== backendGeneration()) {
        this.generation = backendGeneration();
        this.dropDetector();
        this.detector = await detectorFromArtifacts(artifactsFromFiles(files));
      } else {
        const { config, head } = importHead(files, this.detector.backbone.outputChannels);
        this.detector.replaceHead(head);
        this.detector.setBboxNormalization(config.bboxNormalization);
      }
      return true;
    } finally {
      this.busy = false;
    }
  }

  async detect(image: ImageBitmap, proposals: readonly Box[] | Float32Array, nmsIouThreshold: number): Promise<DetectionResult | null> {
    if (!this.detector) return null;
    return this.detector.detect(image, proposals, { scoreThreshold: 0.05, candidateScoreThreshold: 0.05, nmsIouThreshold });
  }

  dispose(): void {
    this.dropDetector();
  }

  private dropDetector(): void {
    try {
      this.detector?.dispose();
    } catch {
      // its tensors were on a lost device
    }
    this.detector = null;
  }
}
