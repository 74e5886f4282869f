/**
 * Draws a scene (scene.ts) on a 2D canvas. The caller has already scaled the context by devicePixelRatio, so all
 * numbers here are CSS pixels; boxes go through the viewport from image to screen coordinates.
 * Every stroke gets a dark halo first, so the bright class colours stay visible on light and dark photos alike.
 */
import type { Box } from '../geometry/box';
import { textColourOn } from './colours';
import type { DrawnObject } from './scene';
import { imageToScreen, type Viewport } from './viewport';

const HALO = 'rgba(0, 0, 0, 0.75)';
const LABEL_FONT = '600 12px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
const LABEL_HEIGHT = 17;
export const HANDLE_SIZE = 8;

export function renderScene(ctx: CanvasRenderingContext2D, scene: readonly DrawnObject[], viewport: Viewport): void {
  for (const object of scene) {
    const box = imageToScreen(viewport, object.box);
    ctx.save();
    ctx.globalAlpha = object.alpha;
    if (object.kind === 'regression' && object.to) drawRegression(ctx, box, imageToScreen(viewport, object.to), object);
    else if (object.kind === 'crosshair' && object.point) drawCrosshair(ctx, box, imageToScreen(viewport, [object.point.x, object.point.y, 0, 0]), object);
    else drawBox(ctx, box, object);
    ctx.restore();
  }
  // Labels last, so no box is drawn across a label; focused ones on top of the rest.
  const labelled = scene.filter((o) => o.label != null);
  const ordered = [...labelled.filter((o) => o.emphasis !== 'focused'), ...labelled.filter((o) => o.emphasis === 'focused')];
  const placed: Rect[] = [];
  for (const object of ordered) {
    ctx.save();
    ctx.globalAlpha = Math.max(object.alpha, 0.5);
    placed.push(drawLabel(ctx, imageToScreen(viewport, object.box), object.label!, object.colour, placed));
    ctx.restore();
  }
}

type Rect = readonly [x: number, y: number, w: number, h: number];

function overlaps(a: Rect, b: Rect): boolean {
  return a[0] < b[0] + b[2] && b[0] < a[0] + a[2] && a[1] < b[1] + b[3] && b[1] < a[1] + a[3];
}

function strokeWithHalo(ctx: CanvasRenderingContext2D, path: Path2D, object: DrawnObject): void {
  ctx.setLineDash([]);
  ctx.strokeStyle = HALO;
  ctx.lineWidth = object.lineWidth + 2;
  if (object.kind !== 'proposal') ctx.stroke(path);
  ctx.setLineDash([...object.dash]);
  ctx.strokeStyle = object.colour;
  ctx.lineWidth = object.lineWidth;
  ctx.stroke(path);
}

function drawBox(ctx: CanvasRenderingContext2D, box: Box, object: DrawnObject): void {
  const path = new Path2D();
  path.rect(box[0], box[1], box[2] - box[0], box[3] - box[1]);
  if (object.kind === 'annotation' || object.kind === 'draft') {
    ctx.fillStyle = object.colour;
    ctx.globalAlpha = object.alpha * (object.handles ? 0.22 : 0.1);
    ctx.fill(path);
    ctx.globalAlpha = object.alpha;
  }
  strokeWithHalo(ctx, path, object);
  if (object.handles) drawHandles(ctx, box, object.colour);
}

/** The eight resize handles of a selected annotation (same order as annotate/handles.ts). */
export function handleCentres(box: Box): [number, number][] {
  const [x1, y1, x2, y2] = box;
  const mx = (x1 + x2) / 2;
  const my = (y1 + y2) / 2;
  return [[x1, y1], [mx, y1], [x2, y1], [x2, my], [x2, y2], [mx, y2], [x1, y2], [x1, my]];
}

function drawHandles(ctx: CanvasRenderingContext2D, box: Box, colour: string): void {
  ctx.setLineDash([]);
  ctx.lineWidth = 1.5;
  for (const [x, y] of handleCentres(box)) {
    ctx.fillStyle = '#ffffff';
    ctx.strokeStyle = '#000000';
    ctx.fillRect(x - HANDLE_SIZE / 2, y - HANDLE_SIZE / 2, HANDLE_SIZE, HANDLE_SIZE);
    ctx.strokeRect(x - HANDLE_SIZE / 2, y - HANDLE_SIZE / 2, HANDLE_SIZE, HANDLE_SIZE);
    ctx.fillStyle = colour;
    ctx.fillRect(x - 2, y - 2, 4, 4);
  }
}

/** Guide lines through the pointer across the whole image (CVAT's and makesense's drawing crosshair). */
function drawCrosshair(ctx: CanvasRenderingContext2D, extent: Box, at: Box, object: DrawnObject): void {
  const path = new Path2D();
  path.moveTo(extent[0], at[1]);
  path.lineTo(extent[2], at[1]);
  path.moveTo(at[0], extent[1]);
  path.lineTo(at[0], extent[3]);
  strokeWithHalo(ctx, path, object);
}

/** Corner-to-corner arrows from the proposal (before regression) to the regressed box. */
function drawRegression(ctx: CanvasRenderingContext2D, from: Box, to: Box, object: DrawnObject): void {
  const corners: [number, number][] = [[0, 1], [2, 1], [2, 3], [0, 3]];
  const path = new Path2D();
  for (const [ix, iy] of corners) {
    path.moveTo(from[ix], from[iy]);
    path.lineTo(to[ix], to[iy]);
    arrowHead(path, from[ix], from[iy], to[ix], to[iy]);
  }
  strokeWithHalo(ctx, path, object);
  for (const [ix, iy] of corners) {
    ctx.beginPath();
    ctx.arc(from[ix], from[iy], 2.5, 0, 2 * Math.PI);
    ctx.fillStyle = object.colour;
    ctx.fill();
  }
}

function arrowHead(path: Path2D, x0: number, y0: number, x1: number, y1: number): void {
  const length = Math.hypot(x1 - x0, y1 - y0);
  if (length < 4) return;
  const angle = Math.atan2(y1 - y0, x1 - x0);
  const size = Math.min(7, length / 2);
  for (const side of [-1, 1]) {
    path.moveTo(x1, y1);
    path.lineTo(x1 - size * Math.cos(angle + side * 0.45), y1 - size * Math.sin(angle + side * 0.45));
  }
}

function drawLabel(ctx: CanvasRenderingContext2D, box: Box, text: string, colour: string, placed: readonly Rect[]): Rect {
  ctx.font = LABEL_FONT;
  const width = ctx.measureText(text).width + 8;
  const viewWidth = ctx.canvas.width / (ctx.getTransform().a || 1);
  const x = Math.max(0, Math.min(box[0], viewWidth - width));
  // Above the box, else inside its top edge, else below it: the first spot no earlier label covers.
  const spots = [box[1] - LABEL_HEIGHT, box[1], box[3], box[3] - LABEL_HEIGHT].filter((y) => y >= 0);
  const rects = spots.map((y): Rect => [x, y, width, LABEL_HEIGHT]);
  const rect = rects.find((r) => !placed.some((p) => overlaps(p, r))) ?? rects[0] ?? [x, 0, width, LABEL_HEIGHT];
  ctx.setLineDash([]);
  ctx.fillStyle = colour;
  ctx.fillRect(...rect);
  ctx.strokeStyle = HALO;
  ctx.lineWidth = 1;
  ctx.strokeRect(...rect);
  ctx.fillStyle = textColourOn(colour);
  ctx.textBaseline = 'middle';
  ctx.fillText(text, rect[0] + 4, rect[1] + LABEL_HEIGHT / 2 + 0.5);
  return rect;
}
