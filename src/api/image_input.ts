/**
 * Any DetectInput -> an ImageBitmap (what both the network and the proposal stage read), plus the RGBA pixels of
 * a downscaled copy for selective search. Files, blobs and URLs go through src/data/image_decode.ts (the checks,
 * EXIF orientation, alpha on white, shrinking); elements and bitmaps larger than MAX_DECODED_SIDE are shrunk too.
 * Results found on a shrunk bitmap are mapped back to the original's pixels by outputInImagePixels.
 */
import { decodeImageBlob, fetchImage, ImageDecodeError, MAX_DECODED_SIDE, shrinkBitmap } from '../data/image_decode';
import { tooLarge, MAX_SOURCE_PIXELS } from '../data/image_checks';
import type { ImageSize } from '../geometry/box';
import type { DetectionResult } from '../model/detection_types';
import { scaleResultToImage } from '../model/scale_result';
import { DetectorError, errorMessage } from './errors';
import { resolvePageUrl } from './model_files';
import type { DetectedObject, DetectInput, DetectionOutput } from './types';

export interface DecodedImage {
  /** At most MAX_DECODED_SIDE per side. */
  readonly bitmap: ImageBitmap;
  /** True when the bitmap was made here (the caller closes it when done). */
  readonly owned: boolean;
  /** The original image's size: what results are reported in. */
  readonly width: number;
  readonly height: number;
}

/** Decodes `input`; URLs are fetched (CORS applies), <img> elements awaited until decoded. */
export async function decodeImage(input: DetectInput, signal?: AbortSignal): Promise<DecodedImage> {
  try {
    if (typeof input === 'string' || input instanceof URL) return owned(await fetchImage(resolvePageUrl(String(input)), { signal }));
    if (input instanceof Blob) return owned(await decodeImageBlob(input, input instanceof File ? input.name : 'the image'));
    if (typeof ImageBitmap !== 'undefined' && input instanceof ImageBitmap) {
      const size = { width: input.width, height: input.height };
      if (Math.max(size.width, size.height) <= MAX_DECODED_SIDE) return { bitmap: input, owned: false, ...size };
      checkPixels(size);
      return { bitmap: await shrinkBitmap(await createImageBitmap(input)), owned: true, ...size };
    }
    if (typeof HTMLImageElement !== 'undefined' && input instanceof HTMLImageElement && !input.complete) await input.decode();
    const full = await createImageBitmap(input);
    const size = { width: full.width, height: full.height };
    if (size.width * size.height > MAX_SOURCE_PIXELS) full.close();
    checkPixels(size);
    return { bitmap: await shrinkBitmap(full), owned: true, ...size };
  } catch (error) {
    if (error instanceof DetectorError || (error instanceof DOMException && error.name === 'AbortError')) throw error;
    if (error instanceof ImageDecodeError) throw new DetectorError('image', error.message, { cause: error });
    throw new DetectorError('image', `the image could not be decoded: ${errorMessage(error)}`, { cause: error });
  }
}

function owned(decoded: { bitmap: ImageBitmap; width: number; height: number }): DecodedImage {
  return { bitmap: decoded.bitmap, owned: true, width: decoded.width, height: decoded.height };
}

function checkPixels(size: ImageSize): void {
  if (size.width * size.height > MAX_SOURCE_PIXELS) throw tooLarge('the image', size);
}

/** A result found on a (possibly shrunk) bitmap, in the pixels of the original image of `size`. */
export function outputInImagePixels(output: DetectionOutput, size: ImageSize): DetectionOutput {
  const result = scaleResultToImage(output, size);
  return result === output ? output : { ...result, objects: result.detections.map(toObject) };
}

export function toObject(d: DetectionResult['detections'][number]): DetectedObject {
  return { label: d.className, classId: d.classId, score: d.score, box: { xmin: d.box[0], ymin: d.box[1], xmax: d.box[2], ymax: d.box[3] } };
}

/** RGBA pixels of the bitmap shrunk so its longest side is at most `maxSide` (never enlarged). */
export function downscaledPixels(bitmap: ImageBitmap, maxSide: number): ImageData {
  const scale = Math.min(1, maxSide / Math.max(bitmap.width, bitmap.height));
  const width = Math.max(1, Math.round(bitmap.width * scale));
  const height = Math.max(1, Math.round(bitmap.height * scale));
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext('2d', { willReadFrequently: true });
  if (context === null) throw new DetectorError('image', 'this browser has no 2D canvas to read pixels with');
  context.imageSmoothingQuality = 'high';
  context.drawImage(bitmap, 0, 0, width, height);
  return context.getImageData(0, 0, width, height);
}
