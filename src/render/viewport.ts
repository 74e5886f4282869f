/**
 * Where the image sits on the canvas: screen = image * scale + offset, in CSS pixels. The only place where image
 * and screen coordinates convert, so drawing, hit tests and the annotation editor agree.
 */
import type { Box } from '../geometry/box';

export interface Viewport {
  /** CSS pixels per image pixel. */
  readonly scale: number;
  readonly offsetX: number;
  readonly offsetY: number;
}

export interface Point {
  readonly x: number;
  readonly y: number;
}

export const IDENTITY_VIEWPORT: Viewport = { scale: 1, offsetX: 0, offsetY: 0 };

/** Fit the whole image in the view ("contain"), centred, never upscaled past `maxScale`. */
export function fitViewport(
  image: { readonly width: number; readonly height: number },
  view: { readonly width: number; readonly height: number },
  options: { readonly padding?: number; readonly maxScale?: number } = {},
): Viewport {
  const padding = options.padding ?? 0;
  const availableW = Math.max(1, view.width - 2 * padding);
  const availableH = Math.max(1, view.height - 2 * padding);
  if (image.width <= 0 || image.height <= 0) return IDENTITY_VIEWPORT;
  const scale = Math.min(availableW / image.width, availableH / image.height, options.maxScale ?? Infinity);
  return {
    scale,
    offsetX: (view.width - image.width * scale) / 2,
    offsetY: (view.height - image.height * scale) / 2,
  };
}

export function imageToScreen(viewport: Viewport, box: Box): Box {
  const { scale, offsetX, offsetY } = viewport;
  return [box[0] * scale + offsetX, box[1] * scale + offsetY, box[2] * scale + offsetX, box[3] * scale + offsetY];
}

export function imagePointToScreen(viewport: Viewport, point: Point): Point {
  return { x: point.x * viewport.scale + viewport.offsetX, y: point.y * viewport.scale + viewport.offsetY };
}

export function screenToImage(viewport: Viewport, point: Point): Point {
  return { x: (point.x - viewport.offsetX) / viewport.scale, y: (point.y - viewport.offsetY) / viewport.scale };
}
