/**
 * What the element shows in its shadow root: the image and the boxes on one canvas, and a status line. Drawing
 * is the page's (src/render): detection_view (the model's post-processing again at the current thresholds, without
 * the network), scene (what to draw per layer) and renderer (boxes, labels via fillText). Text only ever goes in
 * through textContent.
 *
 * While a detection runs, the status line names its stage and, once the run has lasted PROGRESS_DELAY_MS, the
 * elapsed time ("12 s", a role="timer" that screen readers do not read out every second) and a Cancel button
 * appear beside it (parts `activity`, `elapsed`, `cancel`).
 */
import { formatElapsed, PROGRESS_TICK_MS, showsProgress } from '../api/progress_text';
import type { DetectionOutput } from '../api/types';
import { detectionView, type ViewCandidate } from '../render/detection_view';
import { renderScene } from '../render/renderer';
import { buildScene, formatScore, type LayerState } from '../render/scene';
import { fitViewport } from '../render/viewport';
import { topProposals } from '../render/proposal_layer';
import { WIDGET_CSS } from './styles';

export interface DrawSettings {
  readonly scoreThreshold: number;
  readonly nmsIouThreshold: number;
  readonly layers: LayerState;
}

export type StatusState = 'idle' | 'busy' | 'done' | 'error' | 'cancelled';

const PADDING = 4;

export class WidgetView {
  private readonly canvas: HTMLCanvasElement;
  private readonly status: HTMLElement;
  private readonly activity: HTMLElement;
  private readonly elapsed: HTMLElement;
  private readonly cancelButton: HTMLButtonElement;
  /** The run shown as running: its start (performance.now()) and what Cancel does. */
  private run: { readonly startedAt: number; readonly onCancel: () => void } | null = null;
  private ticker: ReturnType<typeof setInterval> | null = null;
  private readonly resizeObserver = new ResizeObserver(() => this.requestDraw());
  /** The bitmap shown, and the size of the image it is a (possibly shrunk) copy of: the pixels results are in. */
  private image: { readonly bitmap: ImageBitmap; readonly width: number; readonly height: number } | null = null;
  private result: DetectionOutput | null = null;
  private frame = 0;
  /** What the last draw showed: the detections at the thresholds of that moment. */
  private drawn: readonly ViewCandidate[] = [];

  constructor(
    private readonly host: HTMLElement,
    root: ShadowRoot,
    private readonly settings: () => DrawSettings,
  ) {
    const frame = document.createElement('div');
    frame.className = 'frame';
    frame.setAttribute('part', 'frame');
    this.canvas = document.createElement('canvas');
    this.canvas.setAttribute('part', 'canvas');
    this.canvas.setAttribute('role', 'img');
    this.canvas.setAttribute('aria-label', 'No image yet');
    this.status = document.createElement('p');
    this.status.className = 'status';
    this.status.setAttribute('part', 'status');
    this.status.setAttribute('role', 'status');
    this.activity = document.createElement('div');
    this.activity.className = 'activity';
    this.activity.setAttribute('part', 'activity');
    this.activity.hidden = true;
    this.elapsed = document.createElement('span');
    this.elapsed.className = 'elapsed';
    this.elapsed.setAttribute('part', 'elapsed');
    this.elapsed.setAttribute('role', 'timer');
    this.elapsed.setAttribute('aria-label', 'Elapsed time');
    this.cancelButton = document.createElement('button');
    this.cancelButton.type = 'button';
    this.cancelButton.className = 'cancel';
    this.cancelButton.setAttribute('part', 'cancel');
    this.cancelButton.setAttribute('aria-label', 'Cancel detection');
    this.cancelButton.textContent = 'Cancel';
    this.cancelButton.addEventListener('click', () => this.run?.onCancel());
    this.activity.append(this.elapsed, this.cancelButton);
    const bar = document.createElement('div');
    bar.className = 'bar';
    bar.append(this.status, this.activity);
    frame.append(this.canvas, bar);
    adoptStyles(root);
    root.append(frame);
  }

  connect(): void {
    this.resizeObserver.observe(this.host);
    this.requestDraw();
    if (this.run) this.startRun(this.run.startedAt, this.run.onCancel); // moved while running: tick again
  }

  disconnect(): void {
    this.resizeObserver.disconnect();
    if (this.frame) cancelAnimationFrame(this.frame);
    this.frame = 0;
    this.stopTicking();
  }

  /** A new image (`size`: the original's, when the bitmap is a shrunk copy); its old result is cleared. The view does not own the bitmap. */
  setImage(bitmap: ImageBitmap | null, size: { readonly width: number; readonly height: number } | null = bitmap): void {
    this.image = bitmap && { bitmap, width: size?.width ?? bitmap.width, height: size?.height ?? bitmap.height };
    this.result = null;
    this.requestDraw();
  }

  setResult(result: DetectionOutput | null): void {
    this.result = result;
    this.requestDraw();
  }

  setStatus(text: string, state: StatusState): void {
    this.status.textContent = text;
    this.status.dataset.state = state;
  }

  /** A run started at `startedAt` (performance.now()): after PROGRESS_DELAY_MS its elapsed time and Cancel show. */
  startRun(startedAt: number, onCancel: () => void): void {
    this.run = { startedAt, onCancel };
    this.tick();
    this.ticker ??= setInterval(() => this.tick(), PROGRESS_TICK_MS);
  }

  /** The run ended (finished, failed, cancelled or replaced): no elapsed time, no Cancel. */
  stopRun(): void {
    this.run = null;
    this.stopTicking();
  }

  private tick(): void {
    if (!this.run) return;
    const ms = performance.now() - this.run.startedAt;
    const shown = showsProgress(ms);
    this.activity.hidden = !shown;
    if (shown) this.elapsed.textContent = formatElapsed(ms);
  }

  private stopTicking(): void {
    if (this.ticker !== null) clearInterval(this.ticker);
    this.ticker = null;
    if (!this.run) {
      this.activity.hidden = true;
      this.elapsed.textContent = '';
    }
  }

  requestDraw(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.draw();
    });
  }

  /** The detections drawn now (in the original image's pixels, as detect() reports them); tests compare the two. */
  shown(): readonly ViewCandidate[] {
    return this.drawn;
  }

  /** Draws now: the image fitted in the element ("contain"), then the scene of the current result. */
  draw(): void {
    const dpr = window.devicePixelRatio || 1;
    const width = this.canvas.clientWidth;
    const height = this.canvas.clientHeight;
    const pixelW = Math.max(1, Math.round(width * dpr));
    const pixelH = Math.max(1, Math.round(height * dpr));
    if (this.canvas.width !== pixelW || this.canvas.height !== pixelH) {
      this.canvas.width = pixelW;
      this.canvas.height = pixelH;
    }
    const ctx = this.canvas.getContext('2d');
    if (ctx === null) return;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, pixelW, pixelH);
    this.drawn = [];
    if (this.image === null) return;
    const viewport = fitViewport(this.image, { width, height }, { padding: PADDING });
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.imageSmoothingQuality = 'high';
    ctx.drawImage(this.image.bitmap, viewport.offsetX, viewport.offsetY, this.image.width * viewport.scale, this.image.height * viewport.scale);
    if (this.result === null) return;
    const { scoreThreshold, nmsIouThreshold, layers } = this.settings();
    const view = detectionView(this.result, { scoreThreshold, nmsIouThreshold });
    this.drawn = view.detections;
    const proposals = layers.proposals ? this.result.proposals : [];
    const top = layers.proposals ? topProposals(this.result) : [];
    renderScene(ctx, buildScene({ view, proposals, layers, focusKey: null, imageSize: this.image, topProposals: top }), viewport);
    this.canvas.setAttribute('aria-label', describe(view.detections));
  }
}

function describe(detections: readonly { readonly className: string; readonly score: number }[]): string {
  if (detections.length === 0) return 'Image with no detections';
  const listed = detections.slice(0, 20).map((d) => `${d.className} ${formatScore(d.score)}`).join(', ');
  return `Image with ${detections.length} detection${detections.length === 1 ? '' : 's'}: ${listed}`;
}

let sharedSheet: CSSStyleSheet | null = null;

/**
 * The widget's stylesheet as a constructed sheet, shared by every instance: a host page's strict
 * Content-Security-Policy (style-src without 'unsafe-inline') refuses <style> elements but not constructed sheets.
 * Browsers without constructable stylesheets get a <style> element.
 */
function adoptStyles(root: ShadowRoot): void {
  if ('adoptedStyleSheets' in root && typeof CSSStyleSheet.prototype.replaceSync === 'function') {
    if (!sharedSheet) {
      sharedSheet = new CSSStyleSheet();
      sharedSheet.replaceSync(WIDGET_CSS);
    }
    root.adoptedStyleSheets = [sharedSheet];
    return;
  }
  const style = document.createElement('style');
  style.textContent = WIDGET_CSS;
  root.append(style);
}
