/**
 * Any DetectInput -> an ImageBitmap (what both the network and the proposal stage read), plus the RGBA pixels of
 * a downscaled copy for selective search. The only place the library decodes images.
 */
import { DetectorError, errorMessage } from './errors';
import { resolvePageUrl } from './model_files';
import type { DetectInput } from './types';

export interface DecodedImage {
  readonly bitmap: ImageBitmap;
  /** True when the bitmap was made here (the caller closes it when done). */
  readonly owned: boolean;
}

/** Decodes `input`; URLs are fetched (CORS applies), <img> elements awaited until decoded. */
export async function decodeImage(input: DetectInput, signal?: AbortSignal): Promise<DecodedImage> {
  if (typeof ImageBitmap !== 'undefined' && input instanceof ImageBitmap) return { bitmap: input, owned: false };
  try {
    if (typeof input === 'string' || input instanceof URL) return { bitmap: await fetchBitmap(String(input), signal), owned: true };
    if (typeof HTMLImageElement !== 'undefined' && input instanceof HTMLImageElement && !input.complete) await input.decode();
    return { bitmap: await createImageBitmap(input), owned: true };
  } catch (error) {
    if (error instanceof DetectorError || (error instanceof DOMException && error.name === 'AbortError')) throw error;
    throw new DetectorError('image', `the image could not be decoded: ${errorMessage(error)}`, { cause: error });
  }
}

async function fetchBitmap(url: string, signal?: AbortSignal): Promise<ImageBitmap> {
  const resolved = resolvePageUrl(url);
  let response: Response;
  try {
    response = await fetch(resolved, { signal });
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    throw new DetectorError('image', `could not fetch the image ${resolved} (offline, or blocked by CORS): ${errorMessage(error)}`, { cause: error });
  }
  if (!response.ok) throw new DetectorError('image', `could not fetch the image ${resolved} (HTTP ${response.status})`);
  const blob = await response.blob();
  try {
    return await createImageBitmap(blob);
  } catch (error) {
    throw new DetectorError('image', `${resolved} is not an image this browser can decode (${blob.type || 'unknown type'})`, { cause: error });
  }
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
