/**
 * The page's DetectorService: a thin adapter over the library's detector (src/api/create_detector.ts) for the model
 * chosen in the Models tab, so the page detects exactly as the widget and detect() do (one pipeline,
 * src/pipeline/detect_pipeline.ts: the trainer's proposal stage, the network, the model's post-processing, results in
 * the original image's pixels, lost-GPU recovery). The detectors run in the library's detection worker, off the main
 * thread; main.ts starts that worker's backend with the page's preference and hands the same preference here.
 */
import { createDetector, type Detector } from '../../api/create_detector';
import { DetectorError, errorMessage } from '../../api/errors';
import type { BackendPreference, DetectProgress } from '../../api/types';
import { DEFAULT_DETECT } from '../../model/defaults';
import type { DetectionResult } from '../../model/detection_types';
import type { DetectorService, DetectorStatus, DetectRequest } from '../detector_service';
import type { ModelInfo } from './model_registry';

export class FastRcnnService implements DetectorService {
  private detector: Detector | null = null;
  private info: ModelInfo | null = null;
  private current: DetectorStatus;
  private readonly listeners = new Set<(status: DetectorStatus) => void>();
  private loadToken = 0;
  /** The backend the detection worker runs (the page's choice: `?backend=`, or the automatic one). */
  private backendPreference: BackendPreference = 'auto';

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

  setBackendPreference(preference: BackendPreference): void {
    this.backendPreference = preference;
  }

  setUnavailable(message: string): void {
    this.setStatus({ state: 'unavailable', message, modelName: null });
  }

  /** Loads and switches to a model; the previous one keeps working until the new one is ready. */
  async use(info: ModelInfo): Promise<void> {
    const token = ++this.loadToken;
    this.setStatus({ state: 'loading', message: 'loading the model…', modelName: info.name });
    try {
      const detector = await createDetector({ model: info.url, assetsBase: import.meta.env.BASE_URL, backend: this.backendPreference });
      if (token !== this.loadToken) return detector.dispose();
      this.detector?.dispose();
      this.detector = detector;
      this.info = info;
      this.setStatus({ state: 'ready', message: `ready (${detector.classNames.join(', ')})`, modelName: info.name, hasRpn: detector.hasRpn });
    } catch (error) {
      if (token !== this.loadToken) return;
      this.setStatus({ state: 'error', message: `could not be loaded: ${errorMessage(error)}`, modelName: info.name });
    }
  }

  /**
   * Every detection down to the model's candidate threshold: the page draws the user's thresholds from the result's
   * candidates (render/detection_view.ts), as detect() would report them at those thresholds. A model trained with a
   * Region Proposal Network detects with its own proposals when asked (useRpn: proposalMode 'rpn'; the result then
   * explains them).
   */
  async detect(image: ImageBitmap, request: DetectRequest): Promise<DetectionResult> {
    const detector = this.detector;
    if (!detector || this.current.state !== 'ready') throw new Error(this.current.message);
    let recovering = false;
    const onProgress = (progress: DetectProgress) => {
      if (progress.notice) this.recoveryNotice(detector, progress, (recovering = progress.stage !== 'network'));
      request.onProgress?.(progress);
    };
    try {
      return await detector.detect(image, {
        scoreThreshold: DEFAULT_DETECT.candidateScoreThreshold,
        nmsIouThreshold: request.nmsIouThreshold,
        ...(detector.hasRpn && request.useRpn && { proposalMode: 'rpn' as const }),
        originalSize: request.originalSize,
        signal: request.signal,
        onProgress,
      });
    } catch (error) {
      if (recovering || (error instanceof DetectorError && error.code === 'backend')) {
        const message = `could not recover from a lost GPU device: ${errorMessage(error)}. Reload the page.`;
        this.setStatus({ state: 'error', message, modelName: this.info?.name ?? null });
      }
      throw error;
    }
  }

  /** While the library restarts the backend after a lost GPU device, the model is loading again; then ready. */
  private recoveryNotice(detector: Detector, progress: DetectProgress, restarting: boolean): void {
    const modelName = this.info?.name ?? null;
    if (restarting) this.setStatus({ state: 'loading', message: progress.notice ?? 'restarting…', modelName });
    else this.setStatus({ state: 'ready', message: `ready again after a GPU reset (${detector.classNames.join(', ')})`, modelName, hasRpn: detector.hasRpn });
  }

  private setStatus(status: DetectorStatus): void {
    this.current = status;
    for (const listener of [...this.listeners]) listener(status);
  }
}
