/**
 * Colour statistics of images in the page, measured as scripts/model_domain_stats.ts measures a training set's: the
 * whole image drawn into a STATS_SIDE square by the browser, then data/image_statistics.ts on its pixels.
 */
import { domainStatistics, imageStatistics, STATS_SIDE, type DomainStatistics, type ImageStatistics } from '../data/image_statistics';

/** Null when the image cannot be drawn (e.g. a closed bitmap). */
export function bitmapStatistics(image: CanvasImageSource): ImageStatistics | null {
  try {
    const ctx = new OffscreenCanvas(STATS_SIDE, STATS_SIDE).getContext('2d');
    if (!ctx) return null;
    ctx.drawImage(image, 0, 0, STATS_SIDE, STATS_SIDE);
    return imageStatistics(ctx.getImageData(0, 0, STATS_SIDE, STATS_SIDE).data);
  } catch {
    return null;
  }
}

/** Fewer photos than this say too little about their spread: no colour check for such a model (scores only). */
export const MIN_PHOTOS = 8;

/** The statistics of a set of photos (a model's training images); null with fewer than MIN_PHOTOS that decode. */
export async function photosStatistics(blobs: readonly Blob[]): Promise<DomainStatistics | null> {
  const stats: ImageStatistics[] = [];
  for (const blob of blobs) {
    let bitmap: ImageBitmap | null = null;
    try {
      bitmap = await createImageBitmap(blob, { imageOrientation: 'from-image' });
      const s = bitmapStatistics(bitmap);
      if (s) stats.push(s);
    } catch {
      // an image that does not decode here did not train either; it is simply not counted
    } finally {
      bitmap?.close();
    }
  }
  return stats.length >= MIN_PHOTOS ? domainStatistics(stats) : null;
}
