/**
 * Image in, network input out (reference §4 "Image preprocessing"; FR `prep_im_for_blob`).
 * 1. Any image becomes an RGB float32 tensor [H, W, 3] in 0..255: the backbone's own /255 is folded into its
 *    first conv (backbone.ts), so there is no mean subtraction and no BGR swap (FR's Caffe nets needed both).
 * 2. The scale s makes the short side `target`, unless the long side would then exceed `maxSize`.
 * 3. Bilinear resize with half-pixel centres to round(H·s) x round(W·s) (what cv2.resize INTER_LINEAR does).
 * RoIs are scaled by the same scalar s, unrounded (FR `_project_im_rois`).
 */
import * as tf from '@tensorflow/tfjs';
import type { Flip } from '../geometry/flip';

/** Raw RGBA pixels, as ImageData holds them (what Node tests and workers pass). */
export interface RgbaPixels {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array | Uint8ClampedArray;
}

export type ImageInput =
  | tf.Tensor3D
  | RgbaPixels
  | ImageData
  | HTMLImageElement
  | HTMLCanvasElement
  | HTMLVideoElement
  | ImageBitmap;

export interface ImageSize {
  readonly width: number;
  readonly height: number;
}

/** FR's test-time scale: short side to `target`, long side capped at `maxSize`. */
export function imageScale(size: ImageSize, target: number, maxSize: number): number {
  const short = Math.min(size.width, size.height);
  const long = Math.max(size.width, size.height);
  if (!(short > 0)) throw new Error(`image of size ${size.width}x${size.height} cannot be scaled`);
  const scale = target / short;
  return Math.round(scale * long) > maxSize ? maxSize / long : scale;
}

/** The resized image's size: round(W·s) x round(H·s), at least 1 pixel. */
export function scaledSize(size: ImageSize, scale: number): ImageSize {
  return { width: Math.max(1, Math.round(size.width * scale)), height: Math.max(1, Math.round(size.height * scale)) };
}

export function imageSize(image: ImageInput): ImageSize {
  if (image instanceof tf.Tensor) return { width: image.shape[1], height: image.shape[0] };
  if (typeof HTMLImageElement !== 'undefined' && image instanceof HTMLImageElement) {
    return { width: image.naturalWidth, height: image.naturalHeight };
  }
  if (typeof HTMLVideoElement !== 'undefined' && image instanceof HTMLVideoElement) {
    return { width: image.videoWidth, height: image.videoHeight };
  }
  return { width: image.width, height: image.height };
}

/** Step 1: RGB float32 [H, W, 3] in 0..255. A tensor input is taken as RGB 0..255 already (and is not disposed). */
export function imageToTensor(image: ImageInput): tf.Tensor3D {
  return tf.tidy(() => {
    if (image instanceof tf.Tensor) {
      if (image.rank !== 3 || image.shape[2] !== 3) throw new Error(`image tensor must be [H, W, 3], got [${image.shape}]`);
      return tf.cast(image, 'float32');
    }
    if (isRgbaPixels(image)) return tf.tensor3d(rgbaToRgb(image), [image.height, image.width, 3], 'float32');
    return tf.cast(tf.browser.fromPixels(image, 3), 'float32');
  });
}

/** Steps 2-3 for one scale: [1, round(H·s), round(W·s), 3]. */
export function resizeImage(image: tf.Tensor3D, scale: number): tf.Tensor4D {
  const size = scaledSize(imageSize(image), scale);
  return tf.tidy(() => {
    const batch = tf.expandDims(image, 0) as tf.Tensor4D;
    if (size.height === image.shape[0] && size.width === image.shape[1]) return tf.clone(batch);
    return tf.image.resizeBilinear(batch, [size.height, size.width], false, true);
  });
}

/** [N, H, W, C] mirrored by `flip` (geometry/flip.ts); 'none' returns the input itself. */
export function flipImage(images: tf.Tensor4D, flip: Flip): tf.Tensor4D {
  if (flip === 'none') return images;
  const axes = flip === 'h' ? [2] : flip === 'v' ? [1] : [1, 2];
  return tf.reverse(images, axes);
}

/** ImageData and plain RGBA buffers: read directly (no canvas needed, so this also works in Node and workers). */
function isRgbaPixels(image: ImageInput): image is RgbaPixels {
  const data = (image as Partial<RgbaPixels>).data;
  return data instanceof Uint8Array || data instanceof Uint8ClampedArray;
}

function rgbaToRgb(image: RgbaPixels): Float32Array {
  const pixels = image.width * image.height;
  if (image.data.length !== pixels * 4) throw new Error(`RGBA data of ${image.data.length} bytes for ${image.width}x${image.height}`);
  const rgb = new Float32Array(pixels * 3);
  for (let p = 0; p < pixels; p++) {
    rgb[3 * p] = image.data[4 * p];
    rgb[3 * p + 1] = image.data[4 * p + 1];
    rgb[3 * p + 2] = image.data[4 * p + 2];
  }
  return rgb;
}
