/**
 * The one place the app turns image files into pixels (page, library, widget and training worker alike):
 * Blob -> checks -> ImageBitmap that is upright, opaque and at most MAX_DECODED_SIDE on its longest side.
 *
 * 1. The header (image_header.ts) gives format, size and EXIF orientation; empty, 0 x 0 and oversized files are
 *    refused before the decoder runs (image_checks.ts).
 * 2. createImageBitmap decodes, shrinking a large image to the planned size in the same call, so no full-size
 *    bitmap or tensor is ever kept. It applies the EXIF orientation itself (current Chromium always does:
 *    imageOrientation 'none' is treated as 'from-image'), so the result is in the upright frame.
 * 3. Images that can be transparent are composited onto white (ALPHA_BACKGROUND), so the detector and the
 *    screen see the same pixels (a transparent pixel's colour is otherwise undefined, often black).
 * 4. A decoder failure is explained from the header: not an image, truncated, corrupt, out of memory.
 *
 * Boxes found on the bitmap are in bitmap pixels; divide by `scale` for the original image's pixels.
 */
import { classifyDecodeFailure, checkBeforeDecode, decodePlan, ImageDecodeError, type DecodePlan, MAX_DECODED_SIDE, MAX_SOURCE_PIXELS, tooLarge } from './image_checks';
import type { ImageFileCheck } from './image_frame';
import { readImageHeader, type ImageFormat } from './image_header';

/** Enough of a file for its header, EXIF included (APP1 is at most 64 KiB). */
export const HEADER_BYTES = 256 * 1024;

export { ImageDecodeError, MAX_DECODED_SIDE } from './image_checks';

/** What transparent pixels become: white, as an image viewer shows them on a plain page. */
export const ALPHA_BACKGROUND = '#ffffff';

export interface DecodedImage {
  /** Upright, opaque, longest side at most maxSide. The caller closes it. */
  readonly bitmap: ImageBitmap;
  /** The original image's upright size (what annotations and results are measured in). */
  readonly width: number;
  readonly height: number;
  /** Bitmap pixels per original pixel: 1, or less when the image was shrunk. */
  readonly scale: number;
  /** From the file's signature; null for formats the header reader does not know (the browser decoded it). */
  readonly format: ImageFormat | null;
  /** EXIF orientation that was applied (1 = none). */
  readonly orientation: number;
  /** The size as stored in the file, before the orientation (undefined when the header does not say). */
  readonly storedSize?: { readonly width: number; readonly height: number };
}

export interface DecodeOptions {
  /** Longest side of the bitmap; default MAX_DECODED_SIDE. */
  readonly maxSide?: number;
}

/** Decodes a file or blob; throws ImageDecodeError with a message for the user. */
export async function decodeImageBlob(blob: Blob, name: string, options: DecodeOptions = {}): Promise<DecodedImage> {
  const maxSide = options.maxSide ?? MAX_DECODED_SIDE;
  const bytes = new Uint8Array(await blob.arrayBuffer());
  const header = readImageHeader(bytes);
  const early = checkBeforeDecode(name, bytes.length, header);
  if (early) throw early;
  if (header === null && blob.type !== '' && !blob.type.startsWith('image/')) throw classifyDecodeFailure(name, bytes, header, blob.type);
  const size = header?.uprightSize;
  let bitmap: ImageBitmap;
  try {
    const plan = size ? decodePlan(size, maxSide) : null;
    bitmap = plan && plan.scale < 1
      ? await createImageBitmap(blob, shrinkOptions(plan))
      : await createImageBitmap(blob);
  } catch (error) {
    throw withCause(classifyDecodeFailure(name, bytes, header, blob.type), error);
  }
  const width = size?.width ?? bitmap.width;
  const height = size?.height ?? bitmap.height;
  if (width * height > MAX_SOURCE_PIXELS) {
    bitmap.close();
    throw tooLarge(name, { width, height });
  }
  bitmap = await shrinkBitmap(bitmap, maxSide);
  if (header === null || header.mayHaveAlpha) bitmap = flattenAlpha(bitmap);
  return { bitmap, width, height, scale: bitmap.width / width, format: header?.format ?? null, orientation: header?.orientation ?? 1, storedSize: header?.storedSize };
}

/** Whether `blob` decodes (into a tiny bitmap, closed at once), and its EXIF frame: what a dataset import checks. */
export async function checkImageFile(blob: Blob, name: string): Promise<ImageFileCheck> {
  try {
    const decoded = await decodeImageBlob(blob, name, { maxSide: 64 });
    decoded.bitmap.close();
    return { ok: true, orientation: decoded.orientation, storedSize: decoded.storedSize };
  } catch (error) {
    return { ok: false, message: error instanceof ImageDecodeError ? error.message : `“${name}” could not be decoded (${String(error)}).` };
  }
}

/** Fetches and decodes; a failed fetch is an ImageDecodeError of kind 'fetch'. */
export async function fetchImage(url: string, options: DecodeOptions & { signal?: AbortSignal; name?: string } = {}): Promise<DecodedImage> {
  const name = options.name ?? decodeURIComponent(url.split(/[?#]/)[0].split('/').pop() || url);
  let response: Response;
  try {
    response = await fetch(url, { signal: options.signal });
  } catch (error) {
    if (options.signal?.aborted) throw options.signal.reason;
    throw new ImageDecodeError('fetch', `could not fetch the image ${url} (offline, or blocked by CORS).`, name, { cause: error });
  }
  if (!response.ok) throw new ImageDecodeError('fetch', `could not fetch the image ${url} (HTTP ${response.status}).`, name);
  return decodeImageBlob(await response.blob(), name, options);
}

/** `bitmap` itself when its longest side is at most maxSide; otherwise a shrunk copy (the original is closed). */
export async function shrinkBitmap(bitmap: ImageBitmap, maxSide = MAX_DECODED_SIDE): Promise<ImageBitmap> {
  const plan = decodePlan({ width: bitmap.width, height: bitmap.height }, maxSide);
  if (plan.scale === 1) return bitmap;
  const shrunk = await createImageBitmap(bitmap, shrinkOptions(plan));
  bitmap.close();
  return shrunk;
}

/** The bitmap drawn over ALPHA_BACKGROUND (the original is closed). */
function flattenAlpha(bitmap: ImageBitmap): ImageBitmap {
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const context = canvas.getContext('2d');
  if (context === null) return bitmap;
  context.fillStyle = ALPHA_BACKGROUND;
  context.fillRect(0, 0, bitmap.width, bitmap.height);
  context.drawImage(bitmap, 0, 0);
  bitmap.close();
  return canvas.transferToImageBitmap();
}

function withCause(error: ImageDecodeError, cause: unknown): ImageDecodeError {
  return new ImageDecodeError(error.kind, error.message, error.file, { cause });
}

/** createImageBitmap options that shrink to `plan` while decoding (one resampling for every shrunk copy). */
export function shrinkOptions(plan: DecodePlan): ImageBitmapOptions {
  return { resizeWidth: plan.width, resizeHeight: plan.height, resizeQuality: 'medium' };
}
