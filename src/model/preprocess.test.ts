import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, test } from 'vitest';
import { imageScale, imageToTensor, resizeImage, scaledSize } from './preprocess';
import { assignLevels, projectRois, pyramidLevels } from './pyramid';
import { DEFAULT_SCALES, MULTISCALE_SCALES } from './defaults';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('image scaling (FR prep_im_for_blob)', () => {
  test('short side to 600 unless the long side would pass 1000', () => {
    expect(imageScale({ width: 500, height: 375 }, 600, 1000)).toBeCloseTo(1.6);
    expect(imageScale({ width: 2000, height: 500 }, 600, 1000)).toBeCloseTo(0.5);
    expect(scaledSize({ width: 640, height: 480 }, imageScale({ width: 640, height: 480 }, 600, 1000))).toEqual({ width: 800, height: 600 });
  });

  test('RGBA pixels become RGB floats in 0..255, then resize to the scaled size', async () => {
    const data = new Uint8ClampedArray([255, 0, 10, 255, 1, 2, 3, 128]);
    const image = imageToTensor({ width: 2, height: 1, data });
    expect(image.shape).toEqual([1, 2, 3]);
    expect(Array.from(await image.data())).toEqual([255, 0, 10, 1, 2, 3]);
    const resized = resizeImage(tf.zeros([375, 500, 3]) as tf.Tensor3D, 1.6);
    expect(resized.shape).toEqual([1, 600, 800, 3]);
    tf.dispose([image, resized]);
  });
});

describe('the image pyramid', () => {
  test('one level per scale, each capped', () => {
    expect(pyramidLevels({ width: 500, height: 375 }, DEFAULT_SCALES)).toHaveLength(1);
    const levels = pyramidLevels({ width: 500, height: 375 }, MULTISCALE_SCALES);
    expect(levels.map((l) => l.height)).toEqual([480, 576, 688, 864, 1200]);
    expect(Math.max(...levels.map((l) => l.width))).toBeLessThanOrEqual(2000);
  });

  test('each RoI goes to the level where its scaled area is closest to 224²', () => {
    const scales = [0.5, 1, 2];
    const proposals = Float32Array.from([0, 0, 224, 224, 0, 0, 448, 448, 0, 0, 112, 112, 0, 0, 1000, 1000]);
    expect(Array.from(assignLevels(proposals, scales))).toEqual([1, 0, 2, 0]);
    expect(Array.from(assignLevels(proposals, [1]))).toEqual([0, 0, 0, 0]);
    const rois = projectRois(proposals.subarray(0, 8), Int32Array.from([1, 0]), scales);
    expect(Array.from(rois)).toEqual([1, 0, 0, 224, 224, 0, 0, 0, 224, 224]);
  });
});
