/**
 * Draws a scene (scene.ts) on a 2D canvas. The caller has already scaled the context by devicePixelRatio, so all
 * numbers here are CSS pixels; boxes go through the viewport from image to screen coordinates.
 * Every stroke gets a dark halo first, so the bright class colours stay visible on light and dark photos alike.
 * Labels go where no other label is (label_placement.ts); renderScene says where each went and which it left out.
 */
import type { Box } from '../geometry/box';
import { textColourOn } from './colours';
import { placeLabels, type Rect } from './label_placement';
import type { DensityGrid } from './proposal_layer';
import { labelOrder, type DrawnObject } from './scene';
import { imageToScreen, type Viewport } from './viewport';

const HALO = 'rgba(0, 0, 0, 0.75)';
const LABEL_FONT = '600 12px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
const LABEL_HEIGHT = 17;
export const HANDLE_SIZE = 8;

/** Where the labels went, in CSS pixels of the canvas; `hidden`: ids of objects whose label found no free spot. */
export interface DrawnLabels {
  readonly placed: readonly { readonly id: string; readonly text: string; readonly rect: Rect }[];
  readonly hidden: readonly string[];
}

export function renderScene(ctx: CanvasRenderingContext2D, scene: readonly DrawnObject[], viewport: Viewport): DrawnLabels {
  for (const object of scene) {
    const box = imageToScreen(viewport, object.box);
    ctx.save();
    ctx.globalAlpha = object.alpha;
    if (object.kind === 'density' && object.density) drawDensity(ctx, box, object.density, object.colour);
    else if (object.kind === 'regression' && object.to) drawRegression(ctx, box, imageToScreen(viewport, object.to), object);
    else if (object.kind === 'crosshair' && object.point) drawCrosshair(ctx, box, imageToScreen(viewport, [object.point.x, object.point.y, 0, 0]), object);
    else drawBox(ctx, box, object);
    ctx.restore();
  }
  return drawLabels(ctx, scene, viewport);
}

/** Labels last, so no box is drawn across a label; they pick their spots in scene.ts's labelOrder. */
function drawLabels(ctx: CanvasRenderingContext2D, scene: readonly DrawnObject[], viewport: Viewport): DrawnLabels {
  const ordered = labelOrder(scene);
  ctx.font = LABEL_FONT;
  const scale = ctx.getTransform().a || 1;
  const view = { width: ctx.canvas.width / scale, height: ctx.canvas.height / scale };
  const rects = placeLabels(ordered.map((o) => ({
    anchor: imageToScreen(viewport, o.box), width: ctx.measureText(o.label!).width + 8, height: LABEL_HEIGHT,
  })), view);
  const placed: DrawnLabels['placed'][number][] = [];
  const hidden: string[] = [];
  // drawn in reverse, so where labels touch the more important one is on top
  for (let k = ordered.length - 1; k >= 0; k--) {
    const object = ordered[k];
    const rect = rects[k];
    if (!rect) {
      hidden.push(object.id);
      continue;
    }
    ctx.save();
    ctx.globalAlpha = Math.max(object.alpha, 0.5);
    drawLabel(ctx, rect, object.label!, object.colour);
    ctx.restore();
    placed.push({ id: object.id, text: object.label!, rect });
  }
  return { placed: placed.reverse(), hidden: hidden.reverse() };
}

/**
 * The density map: each cell filled with the map's colour, more opaque where more proposals cover it. Stretched
 * between the least and the most covered cell: 2,000 proposals cover nearly every cell, and an unstretched map
 * would tint the whole image alike.
 */
function drawDensity(ctx: CanvasRenderingContext2D, extent: Box, grid: DensityGrid, colour: string): void {
  const cw = (extent[2] - extent[0]) / grid.cols;
  const ch = (extent[3] - extent[1]) / grid.rows;
  const base = ctx.globalAlpha;
  const low = grid.cells.reduce((m, v) => Math.min(m, v), 1);
  const range = 1 - low;
  ctx.fillStyle = colour;
  for (let r = 0; r < grid.rows; r++) {
    for (let c = 0; c < grid.cols; c++) {
      const v = range > 0 ? (grid.cells[r * grid.cols + c] - low) / range : grid.cells[r * grid.cols + c];
      if (v <= 0) continue;
      ctx.globalAlpha = base * v;
      ctx.fillRect(extent[0] + c * cw, extent[1] + r * ch, cw + 0.5, ch + 0.5); // +0.5: no seams between cells
    }
  }
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

function drawLabel(ctx: CanvasRenderingContext2D, rect: Rect, text: string, colour: string): void {
  ctx.font = LABEL_FONT;
  ctx.setLineDash([]);
  ctx.fillStyle = colour;
  ctx.fillRect(...rect);
  ctx.strokeStyle = HALO;
  ctx.lineWidth = 1;
  ctx.strokeRect(...rect);
  ctx.fillStyle = textColourOn(colour);
  ctx.textBaseline = 'middle';
  ctx.fillText(text, rect[0] + 4, rect[1] + LABEL_HEIGHT / 2 + 0.5);
}
