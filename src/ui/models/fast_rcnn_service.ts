/**
 * The real DetectorService: selective search (src/proposals, in workers) then Fast R-CNN (src/model) on the model
 * chosen in the Models tab. Proposals are computed as the trainer computes them (src/training: fast mode on the
 * image shrunk to at most 500 px on its longest side, boxes scaled back, at most 2000), so a fine-tuned model sees
 * the same kind of proposals it learned from.
 */
import type { Box } from '../../geometry/box';
import { DEFAULT_DETECT } from '../../model/defaults';
import type { DetectionResult } from '../../model/detection_types';
import type { FastRcnnDetector } from '../../model/detector';
import { computeProposalsPacked } from '../../proposals/proposal_client';
import { backendGeneration, currentDeviceLoss, deviceLossOf, restartBackend, type DeviceLoss } from '../../runtime/device_loss';
import type { DetectorService, DetectorStatus, DetectRequest } from '../detector_service';
import type { ModelInfo } from './model_registry';

import { DEFAULT_MAX_PROPOSALS, DEFAULT_PROPOSAL_MAX_SIDE } from '../../proposals/modes';

export const PROPOSAL_MAX_SIDE = DEFAULT_PROPOSAL_MAX_SIDE;
export const MAX_PROPOSALS = DEFAULT_MAX_PROPOSALS;

export class FastRcnnService implements DetectorService {
  private detector: FastRcnnDetector | null = null;
  private info: ModelInfo | null = null;
  private current: DetectorStatus;
  private readonly listeners = new Set<(status: DetectorStatus) => void>();
  private loadToken = 0;
  private loader: ((info: ModelInfo) => Promise<FastRcnnDetector>) | null = null;
  /** backendGeneration() when the detector's weights were uploaded (a restart since then means they are gone). */
  private generation = backendGeneration();

  constructor(initialMessage: string) {
    this.current = { state: 'unavailable', message: initialMessage, modelName: null };
  }

  status(): DetectorStatus {
    return this.current;
  }

  model(): ModelInfo | null {
    return this.info;
  }

  onStatus(listener: (status: DetectorStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  setUnavailable(message: string): void {
    this.setStatus({ state: 'unavailable', message, modelName: null });
  }

  /** Loads and switches to a model; the previous one keeps working until the new one is ready. */
  async use(info: ModelInfo, load: (info: ModelInfo) => Promise<FastRcnnDetector>): Promise<void> {
    const token = ++this.loadToken;
    this.loader = load;
    this.setStatus({ state: 'loading', message: 'loading the model…', modelName: info.name });
    try {
      const generation = backendGeneration();
      const detector = await load(info);
      if (token !== this.loadToken) return detector.dispose();
      this.generation = generation;
      this.detector?.dispose();
      this.detector = detector;
      this.info = info;
      this.setStatus({ state: 'ready', message: `ready (${detector.classNames.join(', ')})`, modelName: info.name });
    } catch (error) {
      if (token !== this.loadToken) return;
      const message = `could not be loaded: ${error instanceof Error ? error.message : String(error)}`;
      this.setStatus({ state: 'error', message, modelName: info.name });
    }
  }

  async detect(image: ImageBitmap, request: DetectRequest): Promise<DetectionResult> {
    if (!this.detector || this.current.state !== 'ready') throw new Error(this.current.message);
    const start = performance.now();
    // 1. proposals, in workers, on a shrunk copy
    const proposals = await proposalsFor(image, request);
    const proposalMs = performance.now() - start;
    request.signal?.throwIfAborted();
    // 2. the network: keep every candidate above the model's candidate threshold, so the page can lower its slider;
    //    a lost GPU device restarts the backend, reloads the model and runs once more
    request.onProgress?.({ stage: 'network', fraction: null });
    const network = () => this.detector!.detect(image, proposals, {
      scoreThreshold: DEFAULT_DETECT.candidateScoreThreshold,
      candidateScoreThreshold: DEFAULT_DETECT.candidateScoreThreshold,
      nmsIouThreshold: request.nmsIouThreshold,
    });
    const before = currentDeviceLoss();
    if (before || this.generation !== backendGeneration()) await this.recover(before); // lost, or restarted elsewhere
    let result: DetectionResult;
    try {
      result = await network();
    } catch (error) {
      const loss = deviceLossOf(error);
      if (!loss) throw error;
      await this.recover(loss);
      result = await network().catch((again: unknown) => {
        throw deviceLossOf(again) ? new Error(`The GPU device was lost again right after a restart; reload the page to try again. (${String(again)})`) : again;
      });
    }
    return { ...result, timesMs: { ...result.timesMs, proposals: proposalMs, total: result.timesMs.total + proposalMs } };
  }

  /**
   * A new backend (WebGPU again, or the next that starts; the page shows the notice) when `loss` is given, then
   * the model again (also when another part of the page already restarted the backend).
   */
  private async recover(loss: DeviceLoss | null): Promise<void> {
    const info = this.info;
    const load = this.loader;
    const why = loss ? `the GPU device was lost (${loss.message}); restarting…` : 'the GPU backend was restarted; reloading the model…';
    this.setStatus({ state: 'loading', message: why, modelName: info?.name ?? null });
    try {
      if (loss) await restartBackend(loss);
      if (!info || !load) throw new Error('no model to load again');
      this.generation = backendGeneration();
      const detector = await load(info);
      const dead = this.detector;
      this.detector = detector;
      try {
        dead?.dispose();
      } catch {
        // its tensors were on the lost device
      }
      this.setStatus({ state: 'ready', message: `ready again after a GPU reset (${detector.classNames.join(', ')})`, modelName: info.name });
    } catch (error) {
      const message = `could not recover from a lost GPU device: ${error instanceof Error ? error.message : String(error)}. Reload the page.`;
      this.setStatus({ state: 'error', message, modelName: info?.name ?? null });
      throw new Error(message, { cause: error });
    }
  }

  private setStatus(status: DetectorStatus): void {
    this.current = status;
    for (const listener of [...this.listeners]) listener(status);
  }
}

async function proposalsFor(image: ImageBitmap, request: DetectRequest): Promise<Box[]> {
  const scale = Math.min(1, PROPOSAL_MAX_SIDE / Math.max(image.width, image.height));
  const width = Math.max(1, Math.round(image.width * scale));
  const height = Math.max(1, Math.round(image.height * scale));
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
  ctx.drawImage(image, 0, 0, width, height);
  const pixels = ctx.getImageData(0, 0, width, height);
  request.onProgress?.({ stage: 'proposals', fraction: 0 });
  const packed = await computeProposalsPacked(pixels, {
    mode: 'fast', signal: request.signal,
    onProgress: (p) => request.onProgress?.({ stage: 'proposals', fraction: p.fraction }),
  });
  const sx = image.width / width;
  const sy = image.height / height;
  const n = Math.min(packed.length / 4, MAX_PROPOSALS);
  return Array.from({ length: n }, (_, i): Box => [packed[4 * i] * sx, packed[4 * i + 1] * sy, packed[4 * i + 2] * sx, packed[4 * i + 3] * sy]);
}
