/**
 * Frozen-prefix features, computed once per image (and per flip) and kept in float16 for the whole run
 * (paper §2.3 shares one image's conv features among its RoIs; with the prefix frozen they never change).
 * Shapes: a stored map is [1, H, W, C] for an image resized by `scale`.
 */
import * as tf from '@tensorflow/tfjs';
import type { ImageSize } from '../geometry/box';
import type { Flip } from '../geometry/flip';
import type { FeatureForward } from './frozen_graph';
import { flipImage, imageScale, imageToTensor, resizeImage, type RgbaPixels } from '../model/preprocess';
import { decodeHalf, encodeHalf } from './half';

interface StoredMap {
  readonly shape: [number, number, number, number];
  readonly scale: number;
  readonly data: Uint16Array;
}

export class FeatureStore {
  private readonly maps = new Map<string, StoredMap>();

  /**
   * Runs the backbone on the image as mirrored by each of `flips` ('none' = as is) and stores each map under
   * key:flip. `source`: the original image's size when `pixels` is a shrunk copy (src/data/image_decode.ts); the
   * stored scale is always original-to-input, the unit the boxes are in.
   */
  async extract(key: string, pixels: RgbaPixels, forward: FeatureForward, scales: { scale: number; maxSize: number }, flips: readonly Flip[], source: ImageSize = pixels): Promise<void> {
    const scale = imageScale(source, scales.scale, scales.maxSize);
    const image = imageToTensor(pixels);
    const resized = resizeImage(image, (scale * source.width) / pixels.width);
    image.dispose();
    for (const flip of flips) {
      const map = tf.tidy(() => forward(flipImage(resized, flip)));
      const data = encodeHalf(await map.data());
      this.maps.set(`${key}:${flip}`, { shape: map.shape as [number, number, number, number], scale, data });
      map.dispose();
    }
    resized.dispose();
  }

  has(key: string, flip: Flip = 'none'): boolean {
    return this.maps.has(`${key}:${flip}`);
  }

  /** A new tensor on the current backend (the caller disposes it) and the image-to-input scale. */
  get(key: string, flip: Flip = 'none'): { features: tf.Tensor4D; scale: number } {
    const stored = this.maps.get(`${key}:${flip}`);
    if (!stored) throw new Error(`no cached features for ${key}${flip === 'none' ? '' : ` (flipped ${flip})`}`);
    return { features: tf.tensor4d(decodeHalf(stored.data), stored.shape), scale: stored.scale };
  }

  /** Channels of the stored maps (0 when none is stored). */
  get channels(): number {
    const first = this.maps.values().next();
    return first.done ? 0 : first.value.shape[3];
  }

  get bytes(): number {
    let total = 0;
    for (const m of this.maps.values()) total += m.data.byteLength;
    return total;
  }

  clear(): void {
    this.maps.clear();
  }
}
