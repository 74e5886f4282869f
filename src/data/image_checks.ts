/**
 * The rules every decoded image goes through (pure; image_decode.ts applies them in the browser): how large a
 * file may be, how far it is shrunk before any tensor is made, and what to tell the user when it cannot be read.
 * Every message names the file, says what is wrong and what to do about it.
 */
import type { ImageSize } from '../geometry/box';
import { describeNonImage, type ImageHeader } from './image_header';

/** Longest side of the bitmap the app keeps (display, detection, training): the detector itself looks at 1000 px at most. */
export const MAX_DECODED_SIDE = 4096;
/** Larger files are refused before decoding: the browser holds the whole image as RGBA (4 bytes a pixel, 1 GiB here). */
export const MAX_SOURCE_PIXELS = 16384 * 16384;
/** Above this, a decode failure of a complete file is most likely the browser running out of memory. */
const LIKELY_OOM_PIXELS = 64e6;

export type ImageErrorKind =
  | 'empty' // 0 bytes
  | 'not-image' // the bytes are not an image (whatever the extension says)
  | 'unsupported' // an image format this browser cannot decode
  | 'truncated' // the file ends before its image data does
  | 'corrupt' // the header is fine, the data is not
  | 'zero-size' // the header says 0 pixels wide or high
  | 'too-large' // over MAX_SOURCE_PIXELS
  | 'out-of-memory' // a complete, large file the browser could not decode
  | 'fetch'; // a URL that could not be fetched

/** An image that cannot be used; `message` is one or two sentences for the user. */
export class ImageDecodeError extends Error {
  override readonly name = 'ImageDecodeError';
  constructor(
    readonly kind: ImageErrorKind,
    message: string,
    /** The file's name as the user knows it. */
    readonly file: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface DecodePlan {
  /** The bitmap's size: the upright size shrunk so that its longest side is at most maxSide (never enlarged). */
  readonly width: number;
  readonly height: number;
  /** Bitmap pixels per original pixel (1 when not shrunk); boxes found on the bitmap divide by it. */
  readonly scale: number;
}

export function decodePlan(size: ImageSize, maxSide = MAX_DECODED_SIDE): DecodePlan {
  const scale = Math.min(1, maxSide / Math.max(size.width, size.height));
  if (scale === 1) return { width: size.width, height: size.height, scale };
  return { width: Math.max(1, Math.round(size.width * scale)), height: Math.max(1, Math.round(size.height * scale)), scale };
}

const FORMATS = 'Use a JPEG, PNG, WebP, GIF or BMP file.';
const megapixels = (pixels: number) => `${Math.round(pixels / 1e6)} megapixels`;
const side = Math.floor(Math.sqrt(MAX_SOURCE_PIXELS));

/** The error to raise before decoding (empty, 0 x 0, too large), or null when the browser should try. */
export function checkBeforeDecode(name: string, byteLength: number, header: ImageHeader | null): ImageDecodeError | null {
  if (byteLength === 0) return new ImageDecodeError('empty', `“${name}” is empty (0 bytes): the copy or download may not have finished. Choose the file again.`, name);
  const size = header?.declaredSize;
  if (size && (size.width === 0 || size.height === 0)) {
    return new ImageDecodeError('zero-size', `“${name}” is ${size.width} x ${size.height} pixels: there is no picture in it. Export the image again.`, name);
  }
  if (size && size.width * size.height > MAX_SOURCE_PIXELS) return tooLarge(name, size);
  return null;
}

export function tooLarge(name: string, size: ImageSize): ImageDecodeError {
  return new ImageDecodeError('too-large',
    `“${name}” is too large to decode: ${size.width} x ${size.height} (${megapixels(size.width * size.height)}), the limit is ` +
    `${megapixels(MAX_SOURCE_PIXELS)} (${side} x ${side}). Shrink it first (${MAX_DECODED_SIDE} pixels on its longest side is plenty).`, name);
}

/** Why the browser's decoder refused the bytes, judged from what the header says. */
export function classifyDecodeFailure(name: string, bytes: Uint8Array, header: ImageHeader | null, mimeType = ''): ImageDecodeError {
  const early = checkBeforeDecode(name, bytes.length, header);
  if (early) return early;
  if (header === null) {
    const looksLike = describeNonImage(bytes);
    if (looksLike !== null || (mimeType !== '' && !mimeType.startsWith('image/'))) {
      return new ImageDecodeError('not-image', `“${name}” is not an image (it looks like ${looksLike ?? mimeType}). ${FORMATS}`, name);
    }
    return new ImageDecodeError('unsupported', `“${name}” could not be read as an image: it is not a format this browser can decode. ${FORMATS}`, name);
  }
  const format = header.format.toUpperCase();
  if (!header.complete) {
    return new ImageDecodeError('truncated', `“${name}” could not be read as an image: the ${format} file is truncated (it ends before its image data does, as an unfinished download or copy leaves it). Get the whole file again.`, name);
  }
  const size = header.uprightSize;
  if (size && size.width * size.height > LIKELY_OOM_PIXELS) {
    return new ImageDecodeError('out-of-memory', `“${name}” (${size.width} x ${size.height}) could not be decoded: the browser most likely ran out of memory. Close other tabs, or shrink the image to ${MAX_DECODED_SIDE} pixels on its longest side.`, name);
  }
  return new ImageDecodeError('corrupt', `“${name}” could not be read as an image: the ${format} data is corrupt. Export or download it again.`, name);
}
