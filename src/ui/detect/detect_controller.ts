/**
 * The Detect tab's behaviour, without its widgets: load an image, run the detector on it, and turn the result plus
 * the user's thresholds, layers and focus into the stage's scene. A slider that moves runs the model's
 * post-processing again on the result's candidates (render/detection_view.ts), so the page draws what detect()
 * reports at those thresholds.
 *
 * While a detection runs, the status line names its stage ("Running the network (wasm)…") and, after a second,
 * the stage shows over the image with the elapsed time and a Cancel button (run_progress.ts). Cancel (or Escape,
 * detect_shortcuts.ts) aborts the run's signal: the run's answer is dropped whenever it comes, the boxes shown stay
 * those of the last finished run on this image (none for a newly opened image), and a new run can start at once.
 * A new image replaces a run in flight the same way, without a "cancelled" message.
 */
import { cancelledText, stageText } from '../../api/progress_text';
import { pluralize } from '../../data/plural';
import type { DetectionResult } from '../../model/detection_types';
import { detectionView, type DetectionView } from '../../render/detection_view';
import { hitTest } from '../../render/hit_test';
import { topProposals } from '../../render/proposal_layer';
import { buildScene, type DrawnObject } from '../../render/scene';
import type { CanvasStage, StagePointer } from '../canvas/stage';
import type { DetectorService } from '../detector_service';
import { decodeImage, imageErrorMessage, type LoadedImage } from '../image_input';
import type { StatusLine } from '../status';
import type { Store } from '../state/store';
import type { DetectState } from './detect_state';
import { knownClass } from './model_fit_hint';

/** The backend the page's detector runs on, as main.ts publishes it (`<html data-backend>`); null before it starts. */
function pageBackend(): string | null {
  return document.documentElement.dataset.backend ?? null;
}

export class DetectController {
  private viewCache: { result: DetectionResult; score: number; iou: number; only: string | null; view: DetectionView } | null = null;
  private topCache: { result: DetectionResult; top: readonly number[] } | null = null;
  /** The run in flight, for Cancel. */
  private current: AbortController | null = null;
  /** The stage of the run in flight in words ("Running the network (wasm)…"). */
  private stageWords = '';
  /** "Opened “x” (w × h)." until the first run on that image has said its stage after it. */
  private openedMessage = '';
  private active = true;
  /** The model of the last run started (the result shown is its, once done). */
  private runModel: string | null = null;

  constructor(
    readonly store: Store<DetectState>,
    private readonly stage: CanvasStage,
    private readonly detector: DetectorService,
    private readonly status: StatusLine,
    private readonly backendName: () => string | null = pageBackend,
  ) {
    store.subscribe((state, previous) => this.onChange(state, previous));
    detector.onStatus(() => this.onDetectorStatus());
  }

  /** The Detect tab owns the stage while it is showing. */
  setActive(active: boolean): void {
    this.active = active;
    if (active) this.show();
  }

  /** The first file that decodes becomes the image; a bad file leaves the current image in place. */
  async loadFiles(files: readonly File[]): Promise<void> {
    const file = files[0];
    if (!file) return;
    if (files.length > 1) this.status.info(`${files.length} files were given; the detector looks at one image at a time, “${file.name}”.`);
    await this.loadBlob(file, file.name);
  }

  async loadBlob(blob: Blob, name: string): Promise<boolean> {
    let image: LoadedImage;
    try {
      image = await decodeImage(blob, name);
    } catch (error) {
      this.status.error(`${imageErrorMessage(error, name)} The current image stays.`);
      return false;
    }
    this.dropRun(); // a run on the previous image is cancelled, silently: the new image's run replaces it
    this.store.get().image?.bitmap.close();
    this.store.set({ image, result: null, run: 'idle', hoverKey: null, selectedKey: null, progress: null, runStartedAt: null });
    const shrunk = image.bitmap.width < image.width ? ` It is shown and detected at ${image.bitmap.width} × ${image.bitmap.height}; boxes are in the original's pixels.` : '';
    this.openedMessage = `Opened “${name}” (${image.width} × ${image.height}).${shrunk}`;
    this.status.info(this.openedMessage);
    void this.runDetection();
    return true;
  }

  /** Show a result computed elsewhere (the trainer's preview, or a test fixture through the test API). */
  showResult(result: DetectionResult): void {
    this.dropRun(); // a run still in flight must not replace what is shown
    this.store.set({ result, run: 'done', progress: null, runStartedAt: null, hoverKey: null, selectedKey: null });
  }

  /** The stage of the run in flight, in words; '' when none runs. */
  runStage(): string {
    return this.current ? this.stageWords : '';
  }

  /**
   * Stops the run in flight (the Cancel button, Escape): its answer is dropped, the result shown stays the one
   * from before the run, and the status says so. Returns whether there was a run to stop.
   */
  cancel(): boolean {
    const { run, runStartedAt } = this.store.get();
    if (!this.current || run !== 'running') return false;
    const elapsedMs = performance.now() - (runStartedAt ?? performance.now());
    this.dropRun();
    this.store.set({ run: 'cancelled', progress: null, runStartedAt: null });
    const kept = this.store.get().result ? ' The boxes shown are from the last finished run.' : '';
    this.status.info(`${cancelledText(elapsedMs)}${kept} “Detect again” runs it again.`);
    return true;
  }

  async runDetection(): Promise<void> {
    const { image, scoreThreshold, nmsIouThreshold, useRpn } = this.store.get();
    if (!image) return;
    const status = this.detector.status();
    if (status.state !== 'ready') {
      this.store.set({ run: 'unavailable' });
      return;
    }
    this.dropRun();
    const abort = new AbortController();
    this.current = abort;
    const opened = this.openedMessage ? `${this.openedMessage} ` : '';
    this.openedMessage = '';
    const say = (text: string): void => {
      if (abort.signal.aborted || text === this.stageWords) return;
      this.stageWords = text;
      this.status.busy(`${opened}${text}`); // the stage only, not its percentage: the line is read aloud
    };
    this.stageWords = '';
    this.runModel = status.modelName;
    this.store.set({ run: 'running', progress: null, runStartedAt: performance.now() });
    say('Detecting objects…');
    try {
      // the bitmap may be a shrunk copy: the result comes back in the original's pixels
      const result = await this.detector.detect(image.bitmap, {
        scoreThreshold, nmsIouThreshold, originalSize: { width: image.width, height: image.height }, useRpn, signal: abort.signal,
        onProgress: (progress) => {
          if (abort.signal.aborted) return;
          say(stageText({ ...progress, fraction: null }, this.backendName()));
          this.store.set({ progress });
        },
      });
      if (abort.signal.aborted || this.store.get().image !== image) return;
      this.endRun(abort);
      this.store.set({ result, run: 'done', progress: null, runStartedAt: null, hoverKey: null, selectedKey: null });
      this.status.info(`Found ${pluralize(this.view()?.detections.length ?? 0, 'object')} in ${Math.round(result.timesMs.total)} ms.`);
    } catch (error) {
      if (abort.signal.aborted) return;
      this.endRun(abort);
      this.store.set({ run: 'failed', progress: null, runStartedAt: null });
      this.status.error(`Detection failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** Aborts the run in flight, if any (the caller sets the run's new state). */
  private dropRun(): void {
    const current = this.current;
    this.current = null;
    current?.abort(new DOMException('the detection was cancelled', 'AbortError'));
  }

  /** The run of `abort` finished by itself. */
  private endRun(abort: AbortController): void {
    if (this.current === abort) this.current = null;
  }

  /**
   * The detections at the current thresholds, of the class looked for when the model knows it (memoised:
   * post-processing runs again only when one of them changes).
   */
  view(): DetectionView | null {
    const { result, nmsIouThreshold: iou, scoreThreshold: score, lookingFor } = this.store.get();
    if (!result) return null;
    const only = knownClass(lookingFor, result.classNames);
    const cache = this.viewCache;
    if (cache?.result === result && cache.score === score && cache.iou === iou && cache.only === only) return cache.view;
    const view = detectionView(result, { scoreThreshold: score, nmsIouThreshold: iou, onlyClass: only });
    this.viewCache = { result, score, iou, only, view };
    return view;
  }

  scene(): DrawnObject[] {
    const state = this.store.get();
    return buildScene({
      view: this.view(),
      proposals: state.result?.proposals ?? [],
      layers: state.layers,
      focusKey: state.hoverKey ?? state.selectedKey,
      imageSize: state.image ?? undefined,
      topProposals: state.layers.proposals ? this.topProposals() : [],
      rpn: state.result?.rpn,
    });
  }

  /** The best-scoring proposals of the result shown (memoised per result). */
  private topProposals(): readonly number[] {
    const result = this.store.get().result;
    if (!result) return [];
    if (this.topCache?.result !== result) this.topCache = { result, top: topProposals(result) };
    return this.topCache.top;
  }

  onPointer(pointer: StagePointer): void {
    const view = this.view();
    if (!view) return;
    const { layers, hoverKey, selectedKey } = this.store.get();
    const items = layers.suppressed ? [...view.detections, ...view.suppressed] : view.detections;
    const key = pointer.type === 'leave' ? null : hitTest(items, pointer.image, 3 / this.stage.viewport.scale);
    if (pointer.type === 'down') this.store.set({ selectedKey: key === selectedKey ? null : key });
    else if (key !== hoverKey) this.store.set({ hoverKey: key });
    this.stage.setCursor(key ? 'pointer' : 'default');
  }

  /**
   * A model that becomes ready detects on the image waiting for it, and on the image shown when it replaces the model
   * that made the result (the user picked another one); a GPU reset that brings the same model back changes nothing.
   */
  private onDetectorStatus(): void {
    const { image, run } = this.store.get();
    const status = this.detector.status();
    if (status.state !== 'ready' || !image) return;
    const otherModel = run !== 'idle' && run !== 'unavailable' && status.modelName !== this.runModel;
    if (run === 'idle' || run === 'unavailable' || otherModel) void this.runDetection();
  }

  private onChange(state: DetectState, previous: DetectState): void {
    if (!this.active) return;
    if (state.image !== previous.image) this.stage.setImage(state.image?.bitmap ?? null, state.image ?? undefined);
    this.stage.setScene(this.scene());
  }

  private show(): void {
    const image = this.store.get().image;
    this.stage.setImage(image?.bitmap ?? null, image ?? undefined);
    this.stage.setScene(this.scene());
    this.stage.onPointer((pointer) => this.onPointer(pointer));
    this.stage.setCursor('default');
  }
}
