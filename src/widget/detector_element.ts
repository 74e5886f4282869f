/**
 * <frcnn-detector>: Fast R-CNN in a custom element. Shadow DOM (no CSS crosses either way), the image and its
 * boxes on a canvas, results as CustomEvents. Every instance on a page shares one tfjs backend and, per model URL,
 * one copy of the weights (src/api/model_registry.ts). Defined by define.ts.
 *
 *   <frcnn-detector src="cells.jpg" score-threshold="0.6"></frcnn-detector>
 *   el.addEventListener('detections', (e) => console.log(e.detail.objects));
 *
 * While a detection runs the element shows its stage ("Running the network (wasm)…") and, after a second, the
 * elapsed time and a Cancel button. `el.cancel()` does what that button does: the run stops (detect() rejects with
 * an AbortError), the element says "Detection cancelled after 3 s." and dispatches `cancel` ({ stage, elapsedMs });
 * the image stays, with the boxes of its last finished run if it had one, and a new detect() or src starts at once.
 *
 *   el.addEventListener('cancel', (e) => console.log(`stopped in ${e.detail.stage} after ${e.detail.elapsedMs} ms`));
 *   stopButton.onclick = () => el.cancel();
 */
import { createDetector, type Detector } from '../api/create_detector';
import { DetectorError, errorMessage, isAbortError } from '../api/errors';
import { decodeImage } from '../api/image_input';
import type { ImageSize } from '../geometry/box';
import { cancelledText } from '../api/progress_text';
import type { DetectInput, DetectionOutput, DetectProgress, DetectStage, ProposalMode } from '../api/types';
import {
  ATTRIBUTE_EFFECT, DEFAULT_IOU_THRESHOLD, DEFAULT_SCORE_THRESHOLD, OBSERVED_ATTRIBUTES, parseBackend, parseLayers,
  parseNumber, parseOptionalNumber, parseProposalMode, type ObservedAttribute,
} from './attributes';
import type { CancelEventDetail, DetectionsEventDetail, ErrorEventDetail, FrcnnDetectorEventMap } from './events';
import { progressText, resultText } from './status_text';
import { WidgetView } from './widget_view';

export class FastRcnnDetectorElement extends HTMLElement {
  static readonly observedAttributes = OBSERVED_ATTRIBUTES;

  private readonly view: WidgetView;
  private detector: Promise<Detector> | null = null;
  /** The original size of the image shown (the bitmap may be a shrunk copy). */
  private imageSize: ImageSize | null = null;
  private image: ImageBitmap | null = null;
  private running: AbortController | null = null;
  /** When the run in `running` started (performance.now()) and the stage it last reported. */
  private runStartedAt = 0;
  private runStage: DetectStage | null = null;
  /** The status says a run was cancelled: late progress of a model load does not overwrite that. */
  private showingCancel = false;
  /** Bumped by every new image or model, so a late answer of an older run is dropped. */
  private generation = 0;
  /** Set between a disconnect and the release it schedules: a reconnect in the same task (a move) keeps everything. */
  private pendingRelease: ReturnType<typeof setTimeout> | null = null;
  private loadedClassNames: readonly string[] = [];

  constructor() {
    super();
    const root = this.attachShadow({ mode: 'open' });
    this.view = new WidgetView(this, root, () => ({ scoreThreshold: this.scoreThreshold, nmsIouThreshold: this.iouThreshold, layers: parseLayers(this.layers) }));
  }

  /** `model`: URL of a saved detector's model.json, or 'indexeddb://name'. Default: models/bccd/model.json under assets-base. */
  get model(): string | null { return this.getAttribute('model'); }
  set model(value: string | null) { this.reflect('model', value); }

  /** `assets-base`: base URL of the default model and the pretrained backbone. Default: the page's origin root. */
  get assetsBase(): string | null { return this.getAttribute('assets-base'); }
  set assetsBase(value: string | null) { this.reflect('assets-base', value); }

  /**
   * `backend`: where the page's detectors run: 'auto' (default: a GPU when there is a real one, else wasm, timed
   * where unclear), 'keep' (the host page's tfjs backend), webgpu / wasm / webgl / cpu, or several in order.
   * One backend per page: the first detector on the page decides it.
   */
  get backend(): string | null { return this.getAttribute('backend'); }
  set backend(value: string | null) { this.reflect('backend', value); }

  /** `src`: URL of the image to detect objects in (fetched, so cross-origin images need CORS). */
  get src(): string | null { return this.getAttribute('src'); }
  set src(value: string | null) { this.reflect('src', value); }

  /** `score-threshold`: detections shown and reported score above this, 0..1 (default 0.5). Redraws without re-running. */
  get scoreThreshold(): number { return parseNumber(this.getAttribute('score-threshold'), DEFAULT_SCORE_THRESHOLD, 0, 1); }
  set scoreThreshold(value: number) { this.setAttribute('score-threshold', String(value)); }

  /** `iou-threshold`: per-class NMS overlap threshold, 0..1 (default 0.3). Redraws without re-running. */
  get iouThreshold(): number { return parseNumber(this.getAttribute('iou-threshold'), DEFAULT_IOU_THRESHOLD, 0, 1); }
  set iouThreshold(value: number) { this.setAttribute('iou-threshold', String(value)); }

  /** `layers`: what to draw, space-separated: detections, labels, pre-regression, proposals, suppressed (default "detections labels"). */
  get layers(): string | null { return this.getAttribute('layers'); }
  set layers(value: string | null) { this.reflect('layers', value); }

  /** `max-proposals`: at most this many selective-search boxes go through the network (default 2000; fewer is faster). */
  get maxProposals(): number | undefined { return parseOptionalNumber(this.getAttribute('max-proposals'), 1); }
  set maxProposals(value: number | undefined) { this.reflect('max-proposals', value === undefined ? null : String(value)); }

  /** `proposal-mode`: selective search 'fast' (default) or 'quality', or a 'dense' grid. */
  get proposalMode(): ProposalMode { return parseProposalMode(this.getAttribute('proposal-mode')); }
  set proposalMode(value: ProposalMode) { this.setAttribute('proposal-mode', value); }

  /** `input-scale`: shortest side in pixels the network sees (default: the model's, 600); smaller is faster. */
  get inputScale(): number | undefined { return parseOptionalNumber(this.getAttribute('input-scale'), 16, 4000); }
  set inputScale(value: number | undefined) { this.reflect('input-scale', value === undefined ? null : String(value)); }

  /** The loaded model's class names; empty until a model is loaded. */
  get classNames(): readonly string[] { return this.loadedClassNames; }

  connectedCallback(): void {
    this.view.connect();
    if (this.pendingRelease !== null) {
      clearTimeout(this.pendingRelease);
      this.pendingRelease = null;
      return;
    }
    if (this.src !== null) void this.quietly(this.showSource(this.src));
    else void this.quietly(this.loadModel());
  }

  disconnectedCallback(): void {
    this.view.disconnect();
    this.pendingRelease = setTimeout(() => {
      this.pendingRelease = null;
      this.running?.abort();
      this.running = null;
      this.view.stopRun();
      this.dropDetector();
    }, 0);
  }

  attributeChangedCallback(name: ObservedAttribute, previous: string | null, value: string | null): void {
    if (previous === value || !this.isConnected) return;
    const effect = ATTRIBUTE_EFFECT[name];
    if (effect === 'redraw') this.view.requestDraw();
    else if (effect === 'model') {
      this.dropDetector();
      void this.quietly(this.image ? this.run(this.image) : this.loadModel());
    } else if (effect === 'image') void this.quietly(value === null ? this.clear() : this.showSource(value));
    else if (this.image) void this.quietly(this.run(this.image));
  }

  /** Loads (or switches to) a model; with no argument, the one the attributes name. Resolves with its class names. */
  async loadModel(model?: string): Promise<readonly string[]> {
    if (model !== undefined && model !== this.model) this.model = model; // attributeChangedCallback drops the old one
    const detector = await this.ensureDetector();
    return detector.classNames;
  }

  /** Shows `image` and detects objects in it; also dispatches `detections` (or `error`). */
  async detect(image: DetectInput): Promise<DetectionOutput> {
    const generation = ++this.generation;
    const decoded = await this.reporting(decodeImage(image));
    const bitmap = decoded.owned ? decoded.bitmap : await createImageBitmap(decoded.bitmap);
    if (generation !== this.generation) {
      bitmap.close();
      throw new DOMException('a newer image replaced this one', 'AbortError');
    }
    this.setImage(bitmap, { width: decoded.width, height: decoded.height });
    return this.run(bitmap);
  }

  /**
   * Stops the detection in progress (also while its model loads), as the element's Cancel button does: detect()
   * rejects with an AbortError, the status says "Detection cancelled", and a `cancel` event ({ stage, elapsedMs })
   * follows. The image stays, with the boxes of its last finished run if any. Returns whether a run was stopped.
   */
  cancel(): boolean {
    const controller = this.running;
    if (controller === null) return false;
    const elapsedMs = performance.now() - this.runStartedAt;
    this.running = null;
    controller.abort(new DOMException('the detection was cancelled', 'AbortError'));
    this.view.stopRun();
    this.view.setStatus(cancelledText(elapsedMs), 'cancelled');
    this.showingCancel = true;
    this.emit<CancelEventDetail>('cancel', { stage: this.runStage, elapsedMs });
    return true;
  }

  override addEventListener<K extends keyof FrcnnDetectorEventMap>(type: K, listener: (this: FastRcnnDetectorElement, event: FrcnnDetectorEventMap[K]) => unknown, options?: boolean | AddEventListenerOptions): void;
  override addEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | AddEventListenerOptions): void;
  override addEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | AddEventListenerOptions): void {
    super.addEventListener(type, listener, options);
  }

  private async showSource(src: string): Promise<void> {
    await this.detect(src);
  }

  private clear(): Promise<void> {
    this.generation++;
    this.running?.abort();
    this.running = null;
    this.view.stopRun();
    this.setImage(null);
    this.view.setStatus('', 'idle');
    return Promise.resolve();
  }

  /** `size`: the original image's, when the decoder shrank it (results are reported in the original's pixels). */
  private setImage(bitmap: ImageBitmap | null, size?: ImageSize): void {
    this.image?.close();
    this.image = bitmap;
    this.imageSize = size ?? (bitmap && { width: bitmap.width, height: bitmap.height });
    this.view.setImage(bitmap, this.imageSize);
  }

  /**
   * One detection run on the shown image, shown as running (stage, elapsed time, Cancel) until it ends; a newer
   * run aborts this one silently, cancel() aborts it and says so.
   */
  private async run(bitmap: ImageBitmap): Promise<DetectionOutput> {
    this.running?.abort();
    const controller = new AbortController();
    this.running = controller;
    const generation = this.generation;
    this.runStartedAt = performance.now();
    this.runStage = null;
    this.showingCancel = false;
    this.view.startRun(this.runStartedAt, () => this.cancel());
    try {
      const detector = await this.ensureDetector();
      controller.signal.throwIfAborted(); // cancelled while the model loaded
      const result = await this.reporting(detector.detect(bitmap, {
        scoreThreshold: this.scoreThreshold, nmsIouThreshold: this.iouThreshold, maxProposals: this.maxProposals,
        proposalMode: this.proposalMode, inputScale: this.inputScale, originalSize: this.imageSize ?? undefined, signal: controller.signal,
        onProgress: (progress) => {
          if (!controller.signal.aborted) this.progress(progress, detector.backend);
        },
      }));
      if (controller.signal.aborted || generation !== this.generation) throw new DOMException('superseded by a newer run', 'AbortError');
      this.running = null;
      this.view.setResult(result); // in the original's pixels, as the view draws
      this.view.setStatus(resultText(result.objects), 'done');
      this.emit<DetectionsEventDetail>('detections', { objects: result.objects, result });
      return result;
    } finally {
      if (this.running === controller) this.running = null; // failed
      if (this.running === null) this.view.stopRun(); // else a newer run shows its own
    }
  }

  /**
   * The detector the attributes name, loading it on first use. A load that a newer model replaced ends in a
   * silent AbortError; a failure is reported once (to the first caller that sees it) and forgotten, so a later
   * call loads again.
   */
  private async ensureDetector(): Promise<Detector> {
    this.detector ??= createDetector({
      model: this.model ?? undefined,
      assetsBase: this.assetsBase ?? undefined,
      backend: parseBackend(this.backend),
      onProgress: (progress) => this.progress(progress),
    });
    const pending = this.detector;
    let detector: Detector;
    try {
      detector = await pending;
    } catch (error) {
      if (this.detector !== pending) throw new DOMException('the model was replaced while loading', 'AbortError');
      this.detector = null;
      this.fail(error);
      throw error;
    }
    if (this.detector !== pending) throw new DOMException('the model was replaced while loading', 'AbortError');
    this.loadedClassNames = detector.classNames;
    return detector;
  }

  private dropDetector(): void {
    this.generation++;
    const previous = this.detector;
    this.detector = null;
    this.loadedClassNames = [];
    previous?.then((d) => d.dispose(), () => undefined);
  }

  /** `backend`: where the network runs, named in its stage ("Running the network (wasm)…"). */
  private progress(progress: DetectProgress, backend?: string): void {
    if (this.running !== null) this.runStage = progress.stage;
    if (!(this.showingCancel && this.running === null)) this.view.setStatus(progressText(progress, backend), 'busy');
    this.emit('progress', progress);
  }

  /** Failures become an `error` event and the status line (aborts are silent), then propagate. */
  private async reporting<T>(work: Promise<T>): Promise<T> {
    try {
      return await work;
    } catch (error) {
      if (!isAbortError(error)) this.fail(error);
      throw error;
    }
  }

  private fail(error: unknown): void {
    const code = error instanceof DetectorError ? error.code : 'unknown';
    this.view.setStatus(errorMessage(error), 'error');
    this.emit<ErrorEventDetail>('error', { code, message: errorMessage(error), sourceError: error });
  }

  /** For attribute-driven work: the error was already reported as an event. */
  private async quietly(work: Promise<unknown>): Promise<void> {
    await work.catch(() => undefined);
  }

  private emit<T>(type: keyof FrcnnDetectorEventMap, detail: T): void {
    this.dispatchEvent(new CustomEvent<T>(type, { detail }));
  }

  private reflect(name: ObservedAttribute, value: string | null): void {
    if (value === null) this.removeAttribute(name);
    else this.setAttribute(name, value);
  }
}
