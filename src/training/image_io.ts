/**
 * Images inside a worker (no DOM): fetched and decoded by src/data/image_decode.ts (checks, EXIF orientation,
 * alpha on white, shrunk to at most MAX_DECODED_SIDE), then read as RGBA through an OffscreenCanvas.
 */
import { fetchImage, MAX_DECODED_SIDE } from '../data/image_decode';
import type { RgbaPixels } from '../model/preprocess';

export interface LoadedPixels extends RgbaPixels {
  /** The original image's upright size: boxes are in these pixels; width/height are the (possibly shrunk) pixels'. */
  readonly sourceWidth: number;
  readonly sourceHeight: number;
}

/**
 * RGBA pixels of the image at `url`, its longest side at most `maxSide` (and never more than MAX_DECODED_SIDE).
 * `name` is how errors call the image (default: the URL's last part).
 */
export async function loadPixels(url: string, maxSide = MAX_DECODED_SIDE, name?: string): Promise<LoadedPixels> {
  const decoded = await fetchImage(url, { maxSide: Math.min(maxSide, MAX_DECODED_SIDE), name });
  const { bitmap } = decoded;
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const context = canvas.getContext('2d', { willReadFrequently: true });
  if (!context) throw new Error('OffscreenCanvas 2D context unavailable');
  context.drawImage(bitmap, 0, 0);
  bitmap.close();
  const data = context.getImageData(0, 0, canvas.width, canvas.height);
  return { width: data.width, height: data.height, data: data.data, sourceWidth: decoded.width, sourceHeight: decoded.height };
}
