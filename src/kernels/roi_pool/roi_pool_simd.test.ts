import { describe, expect, test } from 'vitest';
import { FLT_MAX, roiPoolForwardImpl, roiPoolForwardInto, type FeatureShape } from './roi_pool_impl';
import { roiPoolForwardFast, simdAvailable } from './roi_pool_simd';

/** A seeded generator, so a failure is reproducible. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) + 0.5) / 2 ** 32;
}

/** Values with ties, zeros of both signs, infinities, the float32 extremes and NaN. */
function featureMap(shape: FeatureShape, rnd: () => number): Float32Array {
  const special = [0, -0, Infinity, -Infinity, NaN, FLT_MAX, -FLT_MAX, 1, 1, -1];
  return Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => {
    const u = rnd();
    return u < 0.2 ? special[Math.floor(rnd() * special.length)] : Math.round((rnd() - 0.6) * 40) / 4;
  });
}

/** RoIs inside, across and outside the map, malformed ones, and rows naming no image. */
function roiRows(count: number, shape: FeatureShape, scale: number, rnd: () => number): Float32Array {
  const [n, h, w] = shape;
  const rows = new Float32Array(5 * count);
  for (let r = 0; r < count; r++) {
    const x1 = (rnd() * 1.4 - 0.2) * w / scale;
    const y1 = (rnd() * 1.4 - 0.2) * h / scale;
    const x2 = x1 + (rnd() * 1.2 - 0.1) * w / scale;
    const y2 = y1 + (rnd() * 1.2 - 0.1) * h / scale;
    const batch = rnd() < 0.05 ? n : Math.floor(rnd() * n);
    rows.set([batch, x1, y1, x2, y2], 5 * r);
  }
  return rows;
}

const same = (a: Float32Array, b: Float32Array) => a.length === b.length && a.every((v, i) => Object.is(v, b[i]));

describe('the fast RoI pooling forward (wasm SIMD and plain JS) against roiPoolForwardImpl', () => {
  test('wasm SIMD is available in Node, so the SIMD path is the one tested', () => {
    expect(simdAvailable(128)).toBe(true);
    expect(simdAvailable(6)).toBe(false);
  });

  test.each([
    [[1, 6, 8, 4], 7, 1 / 16],
    [[2, 9, 13, 16], 7, 1 / 16],
    [[1, 11, 7, 20], 3, 1 / 8], // 16 + 4 channels: both SIMD loops
    [[2, 5, 6, 6], 2, 1 / 4], // C % 4 != 0: the JS loop
    [[1, 38, 50, 128], 7, 1 / 16],
    [[1, 4, 4, 1], 5, 1], // more bins than cells: overlapping and empty bins
  ] as [FeatureShape, number, number][])('map %j, %i bins a side, scale %f: the same bits, garbage in the output overwritten', (shape, pooled, scale) => {
    const rnd = random(shape.reduce((a, b) => a * b, 7));
    const features = featureMap(shape, rnd);
    const count = 300;
    const rois = roiRows(count, shape, scale, rnd);
    const oracle = roiPoolForwardImpl(features, shape, rois, count, pooled, pooled, scale).output;
    const fast = new Float32Array(oracle.length).fill(NaN);
    expect(same(roiPoolForwardFast(features, shape, rois, count, pooled, pooled, scale, fast), oracle)).toBe(true);
    const plain = new Float32Array(oracle.length).fill(NaN);
    expect(same(roiPoolForwardInto(features, shape, rois, count, pooled, pooled, scale, plain), oracle)).toBe(true);
  });

  test('many chunks of outputs (1 MB each) give the same bits', () => {
    const shape: FeatureShape = [1, 12, 16, 512];
    const rnd = random(5);
    const features = featureMap(shape, rnd);
    const count = 120; // 120 x 49 bins x 2 KB = 11.8 MB
    const rois = roiRows(count, shape, 1 / 16, rnd);
    const oracle = roiPoolForwardImpl(features, shape, rois, count, 7, 7, 1 / 16).output;
    const fast = roiPoolForwardFast(features, shape, rois, count, 7, 7, 1 / 16, new Float32Array(oracle.length));
    expect(same(fast, oracle)).toBe(true);
  });
});
