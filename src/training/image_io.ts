/** Fetching and decoding images inside a worker (no DOM): fetch -> createImageBitmap -> OffscreenCanvas pixels. */
import type { RgbaPixels } from '../model/preprocess';

/** RGBA pixels of the image at `url`, optionally resized so that its longest side is at most `maxSide`. */
export async function loadPixels(url: string, maxSide = Infinity): Promise<RgbaPixels & { sourceWidth: number; sourceHeight: number }> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`could not fetch ${url}: HTTP ${response.status}`);
  const blob = await response.blob();
  const full = await createImageBitmap(blob);
  const { width: sourceWidth, height: sourceHeight } = full;
  const s = Math.min(1, maxSide / Math.max(sourceWidth, sourceHeight));
  let bitmap = full;
  if (s < 1) {
    bitmap = await createImageBitmap(blob, {
      resizeWidth: Math.max(1, Math.round(sourceWidth * s)),
      resizeHeight: Math.max(1, Math.round(sourceHeight * s)),
      resizeQuality: 'high',
    });
    full.close();
  }
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const context = canvas.getContext('2d', { willReadFrequently: true });
  if (!context) throw new Error('OffscreenCanvas 2D context unavailable');
  context.drawImage(bitmap, 0, 0);
  bitmap.close();
  const data = context.getImageData(0, 0, canvas.width, canvas.height);
  return { width: data.width, height: data.height, data: data.data, sourceWidth, sourceHeight };
}
