import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { roiPoolBackward, roiPoolForward, roiPoolJs } from './roi_pool_js';

await tf.setBackend('cpu');

// Reference §11: a 1x6x8 map with value h·8 + w, pooled 2x2 at spatial scale 1/16.
const map = Float32Array.from({ length: 48 }, (_, i) => i);
const p = { pooledHeight: 2, pooledWidth: 2, spatialScale: 1 / 16 };

describe('roiPoolForward (reference §11 vectors)', () => {
  it('rounds half away from zero', () => {
    expect(Array.from(roiPoolForward(map, 6, 8, 1, [8, 8, 56, 40], p).y)).toEqual([18, 20, 26, 28]);
  });
  it('forces a malformed RoI to 1x1', () => {
    expect(Array.from(roiPoolForward(map, 6, 8, 1, [100, 40, 20, 40], p).y)).toEqual([30, 30, 30, 30]);
  });
  it('gives 0 and argmax -1 outside the map', () => {
    const { y, argmax } = roiPoolForward(map, 6, 8, 1, [400, 400, 500, 500], p);
    expect(Array.from(y)).toEqual([0, 0, 0, 0]);
    expect(Array.from(argmax)).toEqual([-1, -1, -1, -1]);
  });
});

describe('roiPoolBackward', () => {
  it('scatters dy through the argmax, summing overlaps', () => {
    expect(Array.from(roiPoolBackward([1, 2, 3], Int32Array.of(0, 0, 2), 3))).toEqual([3, 0, 3]);
  });

  it('is the gradient of roiPoolJs (one RoI, two channels)', () => {
    const x = tf.tensor4d(Float32Array.from({ length: 96 }, (_, i) => Math.sin(i)), [1, 6, 8, 2]);
    const rois = Float32Array.of(8, 8, 56, 40);
    const g = tf.grad((t: tf.Tensor) => tf.sum(roiPoolJs(t as tf.Tensor4D, rois, p)))(x);
    const { argmax } = roiPoolForward(x.dataSync() as Float32Array, 6, 8, 2, rois, p);
    const expected = roiPoolBackward(new Float32Array(8).fill(1), argmax, 96);
    expect(Array.from(g.dataSync())).toEqual(Array.from(expected));
  });
});
