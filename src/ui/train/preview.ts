/**
 * Detections on a held-out image while training runs: each model snapshot the trainer exports replaces the head and
 * the fine-tuned backbone weights of one page-side detector (the backbone graph is loaded once), which then runs on
 * the held-out image with the proposals the trainer computed for it. A lost GPU device is survived as in detect() (src/pipeline/device_recovery.ts): the
 * backend restarts and the last snapshot is loaded again.
 */
import type { Box } from '../../geometry/box';
import type { DetectionResult } from '../../model/detection_types';
import type { FastRcnnDetector } from '../../model/detector';
import { detectorFromArtifacts } from '../../model/weights_io';
import { readyForWork, withDeviceRecovery, type RecoveryHooks } from '../../pipeline/device_recovery';
import { backendGeneration } from '../../runtime/device_loss';
import { importHead, savedBackboneWeights } from '../../training/model_files';
import type { ModelFiles } from '../../training/protocol';
import { artifactsFromFiles } from '../models/model_registry';

export class PreviewDetector {
  private detector: FastRcnnDetector | null = null;
  private generation = backendGeneration();
  private busy = false;
  /** The last snapshot: what a restarted backend loads again. */
  private files: ModelFiles | null = null;
  private readonly recovery: RecoveryHooks = {
    weightsGone: () => this.detector === null || this.generation !== backendGeneration(),
    reload: () => this.rebuild(),
  };

  /** Takes a new snapshot; returns false when the previous one is still being applied (this one is skipped). */
  async update(files: ModelFiles): Promise<boolean> {
    if (this.busy) return false;
    this.busy = true;
    try {
      this.files = files;
      // a lost GPU device restarts the page's backend (the page says so); weights from before a restart are gone
      const before = this.detector;
      await readyForWork(this.recovery);
      if (this.detector === before) {
        const { config, head } = importHead(files, this.detector!.backbone.outputChannels);
        this.detector!.replaceHead(head);
        this.detector!.setBboxNormalization(config.bboxNormalization);
        // the backbone layers that learn (the recipe's expanded_conv_12) change between snapshots too
        const backbone = savedBackboneWeights(files);
        try {
          this.detector!.backbone.assignWeights(backbone);
        } finally {
          for (const t of backbone.values()) t.dispose();
        }
      }
      return true;
    } finally {
      this.busy = false;
    }
  }

  async detect(image: ImageBitmap, proposals: readonly Box[] | Float32Array, nmsIouThreshold: number): Promise<DetectionResult | null> {
    if (!this.detector) return null;
    const run = () => this.detector!.detect(image, proposals, { scoreThreshold: 0.05, candidateScoreThreshold: 0.05, nmsIouThreshold });
    return withDeviceRecovery(run, this.recovery);
  }

  dispose(): void {
    this.dropDetector();
  }

  /** The detector built again from the last snapshot, on the current backend. */
  private async rebuild(): Promise<void> {
    if (!this.files) throw new Error('no snapshot to load');
    this.generation = backendGeneration();
    this.dropDetector();
    this.detector = await detectorFromArtifacts(artifactsFromFiles(this.files));
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
