/**
 * The canvas stage: the image on one canvas, the scene on an overlay canvas above it (split by how often they change,
 * as excalidraw does). Sizes both to the element with devicePixelRatio, fits the image in view, redraws on a frame.
 * Pointer events are reported in image coordinates.
 */
import { h } from '../dom';
import { renderScene, type DrawnLabels } from '../../render/renderer';
import type { DrawnObject } from '../../render/scene';
import { fitViewport, IDENTITY_VIEWPORT, screenToImage, type Point, type Viewport } from '../../render/viewport';

export interface StagePointer {
  readonly type: 'down' | 'move' | 'up' | 'leave';
  readonly image: Point;
  readonly screen: Point;
  readonly event: PointerEvent;
}

const PADDING = 12;

export class CanvasStage {
  readonly element: HTMLElement;
  private readonly imageCanvas: HTMLCanvasElement;
  private readonly overlay: HTMLCanvasElement;
  private image: ImageBitmap | null = null;
  /** The frame the scene's coordinates are in: the original image's size, which a shrunk bitmap is drawn over. */
  private imageSize: { width: number; height: number } = { width: 0, height: 0 };
  private scene: readonly DrawnObject[] = [];
  private labels: DrawnLabels = { placed: [], hidden: [] };
  private labelsListener: ((labels: DrawnLabels) => void) | null = null;
  private currentViewport: Viewport = IDENTITY_VIEWPORT;
  private frame = 0;
  private pointerListener: ((pointer: StagePointer) => void) | null = null;

  constructor(label: string) {
    this.imageCanvas = h('canvas', { class: 'stage-image', 'aria-hidden': 'true', testid: 'stage.image' });
    // Focusable, so keyboard users can give the canvas their shortcuts (Tab through boxes, arrows to nudge).
    this.overlay = h('canvas', { class: 'stage-overlay', role: 'img', 'aria-label': label, testid: 'stage.overlay', tabindex: 0 });
    this.element = h('div', { class: 'stage-canvases' }, this.imageCanvas, this.overlay);
    new ResizeObserver(() => this.requestDraw(true)).observe(this.element);
    for (const [domType, type] of [['pointerdown', 'down'], ['pointermove', 'move'], ['pointerup', 'up'], ['pointerleave', 'leave']] as const) {
      this.overlay.addEventListener(domType, (event) => this.forward(type, event));
    }
  }

  get viewport(): Viewport {
    return this.currentViewport;
  }

  /** The size of the image the stage shows ({0, 0} before one is set): image coordinates run over it. */
  get shownImageSize(): { width: number; height: number } {
    return { ...this.imageSize };
  }

  /** `size`: the original image's size when `image` is a shrunk copy (default: the bitmap's own size). */
  setImage(image: ImageBitmap | null, size?: { width: number; height: number }): void {
    this.image = image;
    this.imageSize = size ?? { width: image?.width ?? 0, height: image?.height ?? 0 };
    this.requestDraw(true);
  }

  setScene(scene: readonly DrawnObject[]): void {
    this.scene = scene;
    this.requestDraw(false);
  }

  getScene(): readonly DrawnObject[] {
    return this.scene;
  }

  /** Where the last drawing put each label (CSS pixels of the canvas), and which it left out for want of room. */
  drawnLabels(): DrawnLabels {
    this.drawNow();
    return this.labels;
  }

  /** The labels of the last drawing, without drawing again. */
  lastLabels(): DrawnLabels {
    return this.labels;
  }

  /** Called after a drawing that left out a different number of labels than the one before. */
  onLabelsLeftOut(listener: (labels: DrawnLabels) => void): void {
    this.labelsListener = listener;
  }

  setDescription(text: string): void {
    this.overlay.setAttribute('aria-label', text);
  }

  /** True when the keyboard focus is on the canvas. */
  hasFocus(): boolean {
    return document.activeElement === this.overlay;
  }

  setCursor(cursor: string): void {
    this.overlay.style.cursor = cursor;
  }

  onPointer(listener: (pointer: StagePointer) => void): void {
    this.pointerListener = listener;
  }

  /** RGBA pixels of the overlay in a (2r+1)² device-pixel square around an image point (for tests: what is drawn). */
  overlayPixels(imageX: number, imageY: number, radius = 0): [number, number, number, number][] {
    this.drawNow();
    const dpr = this.overlay.width / Math.max(1, this.overlay.clientWidth);
    const x = Math.round((imageX * this.currentViewport.scale + this.currentViewport.offsetX) * dpr);
    const y = Math.round((imageY * this.currentViewport.scale + this.currentViewport.offsetY) * dpr);
    const size = 2 * radius + 1;
    const data = this.overlay.getContext('2d')!.getImageData(x - radius, y - radius, size, size).data;
    const out: [number, number, number, number][] = [];
    for (let o = 0; o < data.length; o += 4) out.push([data[o], data[o + 1], data[o + 2], data[o + 3]]);
    return out;
  }

  private forward(type: StagePointer['type'], event: PointerEvent): void {
    if (!this.pointerListener) return;
    const rect = this.overlay.getBoundingClientRect();
    const screen = { x: event.clientX - rect.left, y: event.clientY - rect.top };
    if (type === 'down') {
      this.overlay.setPointerCapture?.(event.pointerId);
      this.overlay.focus({ preventScroll: true });
    }
    this.pointerListener({ type, screen, image: screenToImage(this.currentViewport, screen), event });
  }

  private imageDirty = true;

  private requestDraw(imageToo: boolean): void {
    this.imageDirty ||= imageToo;
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => this.drawNow());
  }

  /** Draw synchronously (also used before reading pixels). */
  drawNow(): void {
    if (this.frame) cancelAnimationFrame(this.frame);
    this.frame = 0;
    const dpr = window.devicePixelRatio || 1;
    const width = this.element.clientWidth;
    const height = this.element.clientHeight;
    const pixelW = Math.max(1, Math.round(width * dpr));
    const pixelH = Math.max(1, Math.round(height * dpr));
    for (const canvas of [this.imageCanvas, this.overlay]) {
      if (canvas.width !== pixelW || canvas.height !== pixelH) {
        canvas.width = pixelW;
        canvas.height = pixelH;
        this.imageDirty = true;
      }
    }
    this.currentViewport = this.image
      ? fitViewport(this.imageSize, { width, height }, { padding: PADDING, maxScale: 4 })
      : IDENTITY_VIEWPORT;
    if (this.imageDirty) this.drawImage(dpr);
    const ctx = this.overlay.getContext('2d')!;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, pixelW, pixelH);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    const leftOut = this.labels.hidden.length;
    this.labels = renderScene(ctx, this.scene, this.currentViewport);
    if (this.labels.hidden.length !== leftOut) this.labelsListener?.(this.labels);
  }

  private drawImage(dpr: number): void {
    this.imageDirty = false;
    const ctx = this.imageCanvas.getContext('2d')!;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, this.imageCanvas.width, this.imageCanvas.height);
    if (!this.image) return;
    const { scale, offsetX, offsetY } = this.currentViewport;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.imageSmoothingQuality = 'high';
    ctx.drawImage(this.image, offsetX, offsetY, this.imageSize.width * scale, this.imageSize.height * scale);
  }
}
