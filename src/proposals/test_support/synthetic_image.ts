/** Tiny RGBA images for the proposal tests: flat-coloured rectangles on a background, optionally with noise. */
import type { ImageDataLike } from '../types';

export interface PaintedRect {
  readonly box: readonly [number, number, number, number];
  readonly rgb: readonly [number, number, number];
}

export function paintImage(
  width: number,
  height: number,
  background: readonly [number, number, number],
  rects: readonly PaintedRect[],
  noise = 0,
): ImageDataLike {
  const data = new Uint8ClampedArray(width * height * 4);
  let state = 12345;
  const jitter = () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return noise ? ((state >>> 8) % (2 * noise + 1)) - noise : 0;
  };
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let rgb = background;
      for (const r of rects) if (x >= r.box[0] && x < r.box[2] && y >= r.box[1] && y < r.box[3]) rgb = r.rgb;
      const o = 4 * (y * width + x);
      data[o] = rgb[0] + jitter();
      data[o + 1] = rgb[1] + jitter();
      data[o + 2] = rgb[2] + jitter();
      data[o + 3] = 255;
    }
  }
  return { width, height, data };
}
