/**
 * Any DetectInput -> an ImageBitmap, what the detection pipeline reads (src/pipeline/detect_pipeline.ts). Files,
 * blobs and URLs go through src/data/image_decode.ts (the checks, EXIF orientation, alpha on white, shrinking);
 * elements and bitmaps larger than MAX_DECODED_SIDE are shrunk too, in createImageBitmap itself.
 * Results found on a shrunk bitmap are mapped back to the original's pixels by the pipeline (detect_pipeline.ts).
 */
import { decodePlan, MAX_SOURCE_PIXELS, tooLarge } from '../data/image_checks';
import { decodeImageBlob, fetchImage, ImageDecodeError, shrinkOptions } from '../data/image_decode';
import type { ImageSize } from '../geometry/box';
import type { DetectionResult } from '../model/detection_types';
import { DetectorError, errorMessage } from './errors';
import { resolvePageUrl } from './model_files';
import type { DetectedObject, DetectInput } from './types';

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
    if (typeof HTMLImageElement !== 'undefined' && input instanceof HTMLImageElement && !input.complete) await input.decode();
    const size = sizeOf(input);
    if (!(size.width > 0 && size.height > 0)) {
      throw new DetectorError('image', `the image is ${size.width} x ${size.height} pixels (an <img> that did not load, an empty canvas or a video with no frame yet)`);
    }
    if (size.width * size.height > MAX_SOURCE_PIXELS) throw tooLarge('the image', size);
    const plan = decodePlan(size);
    if (plan.scale === 1 && typeof ImageBitmap !== 'undefined' && input instanceof ImageBitmap) return { bitmap: input, owned: false, ...size };
    // shrunk in the same call, so no full-size copy is made
    const options: ImageBitmapOptions | undefined = plan.scale < 1 ? shrinkOptions(plan) : undefined;
    return { bitmap: await createImageBitmap(input, options), owned: true, ...size };
  } catch (error) {
    if (error instanceof DetectorError || (error instanceof DOMException && error.name === 'AbortError')) throw error;
    if (error instanceof ImageDecodeError) throw new DetectorError('image', error.message, { cause: error });
    throw new DetectorError('image', `the image could not be decoded: ${errorMessage(error)}`, { cause: error });
  }
}

/** The intrinsic size of an element or bitmap (an <img>'s natural size, a video's frame size). */
function sizeOf(input: Exclude<DetectInput, string | URL | Blob>): ImageSize {
  if (typeof HTMLImageElement !== 'undefined' && input instanceof HTMLImageElement) return { width: input.naturalWidth, height: input.naturalHeight };
  if (typeof HTMLVideoElement !== 'undefined' && input instanceof HTMLVideoElement) return { width: input.videoWidth, height: input.videoHeight };
  return { width: input.width, height: input.height };
}

function owned(decoded: { bitmap: ImageBitmap; width: number; height: number }): DecodedImage {
  return { bitmap: decoded.bitmap, owned: true, width: decoded.width, height: decoded.height };
}

export function toObject(d: DetectionResult['detections'][number]): DetectedObject {
  return { label: d.className, classId: d.classId, score: d.score, box: { xmin: d.box[0], ymin: d.box[1], xmax: d.box[2], ymax: d.box[3] } };
}
