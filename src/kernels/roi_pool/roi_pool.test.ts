import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { roiPool } from './roi_pool';
import { deviceClassOf, minBackwardThreads, planBackward, planBackwardAsForTesting } from './roi_pool_webgpu';
import { binEdges, roiPoolForwardImpl, roundHalfAwayFromZero } from './roi_pool_impl';
import { compareRoiPoolCase, runRoiPoolGoldenCase, type RoiPoolGoldenFile } from './testing/golden_case';

const golden = JSON.parse(
  readFileSync(new URL('../../../../shared/golden/roi_pool.json', import.meta.url), 'utf8'),
) as RoiPoolGoldenFile;

beforeAll(async () => {
  await tf.setBackend('cpu');
  tf.env().set('IS_TEST', true); // the engine then fails a kernel that leaks a tensor
});
afterAll(() => tf.env().set('IS_TEST', false));

/** Reference §11: a 1 x 6 x 8 x 1 map whose value is its plane index h * 8 + w, pooled 2 x 2 at scale 1/16. */
function arangeMap(): tf.Tensor4D {
  return tf.range(0, 48).reshape([1, 6, 8, 1]);
}

async function pool2x2(rois: number[][]): Promise<number[]> {
  const [x, r] = [arangeMap(), tf.tensor2d(rois)];
  const y = roiPool(x, r, 2, 2, 1 / 16);
  const values = Array.from(await y.data());
  tf.dispose([x, r, y]);
  return values;
}

describe('when pooling the hand-worked grids of reference §11', () => {
  test('corners round half away from zero: (8, 8, 56, 40) pools to [[18, 20], [26, 28]]', async () => {
    // Half to even (tf.round, WGSL round) would give (0, 0, 4, 2) and [[10, 12], [18, 20]].
    expect(await pool2x2([[0, 8, 8, 56, 40]])).toEqual([18, 20, 26, 28]);
  });

  test('a malformed RoI becomes the 1 x 1 cell at its rounded start', async () => {
    expect(await pool2x2([[0, 100, 40, 20, 40]])).toEqual([30, 30, 30, 30]);
  });

  test('a RoI wholly outside the map gives 0 and no gradient', async () => {
    expect(await pool2x2([[0, 400, 400, 500, 500]])).toEqual([0, 0, 0, 0]);
    const rois = tf.tensor2d([[0, 400, 400, 500, 500]]);
    const dx = tf.grad((x: tf.Tensor) => roiPool(x as tf.Tensor4D, rois, 2, 2, 1 / 16))(arangeMap());
    expect(Array.from(await dx.data()).every((v) => v === 0)).toBe(true);
    tf.dispose([rois, dx]);
  });

  test('ties go to the first maximum in row-major order, in forward and backward', () => {
    const { argmax } = roiPoolForwardImpl(new Float32Array(12).fill(1), [1, 3, 4, 1], [0, 0, 0, 3, 2], 1, 1, 1, 1);
    expect(Array.from(argmax)).toEqual([0]);
  });
});

describe('the float32 arithmetic of torchvision', () => {
  test('57 rows in 7 bins: the last bin ends at 58, one past the RoI (integers would say 57)', () => {
    expect(binEdges(0, 56, 7, 64)[13]).toBe(58);
  });

  test('round half away from zero, exact just below a half', () => {
    expect([0.5, 1.5, 2.5, -0.5, -2.5].map(roundHalfAwayFromZero)).toEqual([1, 2, 3, -1, -3]);
    expect(roundHalfAwayFromZero(Math.fround(0.49999997))).toBe(0); // floor(v + 0.5) would give 1
  });
});

describe('when checking against ../shared/golden/roi_pool.json', () => {
  test.each(golden.cases.map((c, i) => [i, c] as const))('case %i: forward and features gradient within 1e-5', async (_i, c) => {
    const comparison = compareRoiPoolCase(c, await runRoiPoolGoldenCase(c));
    expect(comparison).toEqual({ pass: true, outputMaxError: expect.any(Number), gradientMaxError: expect.any(Number) });
  });
});

describe('on the wasm backend, which shares the JS kernel', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
  });
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  test.each(golden.cases.map((c, i) => [i, c] as const))('golden case %i passes', async (_i, c) => {
    expect(tf.getBackend()).toBe('wasm');
    expect(compareRoiPoolCase(c, await runRoiPoolGoldenCase(c)).pass).toBe(true);
  });
});

describe('when differentiating', () => {
  test('the gradient matches central differences of a weighted sum of the outputs', async () => {
    const shape: [number, number, number, number] = [2, 5, 6, 2];
    const size = shape.reduce((a, b) => a * b);
    // Distinct values 0.1 apart in a scrambled order, so a 1e-3 step never changes any argmax.
    const base = Float32Array.from({ length: size }, (_, i) => ((i * 37) % size) * 0.1);
    const rois = tf.tensor2d([
      [0, 0, 0, 40, 30],
      [1, 10, 5, 90, 70],
      [0, 30, 20, 60, 60],
      [1, 0, 0, 15, 15],
    ]);
    const weights = tf.tensor4d(Float32Array.from({ length: 4 * 3 * 3 * 2 }, (_, i) => ((i * 7) % 11) - 5), [4, 3, 3, 2]);
    const lossAt = (values: Float32Array): number => {
      const y = tf.tidy(() => roiPool(tf.tensor4d(values, shape), rois, 3, 3, 1 / 16));
      const [out, w] = [y.dataSync() as Float32Array, weights.dataSync() as Float32Array];
      y.dispose();
      return out.reduce((sum, v, i) => sum + v * w[i], 0); // float64: exact for these values
    };
    const analytic = tf.grad((x: tf.Tensor) => roiPool(x as tf.Tensor4D, rois, 3, 3, 1 / 16).mul(weights).sum())(tf.tensor4d(base, shape));
    const expected = await analytic.data();
    const step = 1e-3;
    for (let i = 0; i < size; i += 1) {
      const [up, down] = [Float32Array.from(base), Float32Array.from(base)];
      up[i] += step;
      down[i] -= step;
      expect((lossAt(up) - lossAt(down)) / (up[i] - down[i])).toBeCloseTo(expected[i], 3);
    }
    tf.dispose([rois, weights, analytic]);
  });

  test('tf.variableGrads reaches a feature variable through roiPool', () => {
    const features = tf.variable(tf.ones([1, 4, 4, 3]));
    const rois = tf.tensor2d([[0, 0, 0, 3, 3]]);
    const { value, grads } = tf.variableGrads(() => roiPool(features as tf.Variable<tf.Rank.R4>, rois, 2, 2, 1).sum() as tf.Scalar, [features]);
    expect(grads[features.name].shape).toEqual([1, 4, 4, 3]);
    expect(grads[features.name].sum().arraySync()).toBe(12); // 4 bins x 3 channels, one route each
    tf.dispose([features, rois, value, grads[features.name]]);
  });
});

describe('when the arguments are wrong or unusual', () => {
  // Tensors are made when a test runs, never while the table is collected (the backend is not set yet then).
  const features = (shape = [2, 4, 4, 3], dtype: 'float32' | 'int32' = 'float32') => () => tf.zeros(shape, dtype);
  type Make = () => tf.Tensor;
  const call = (x: Make, rois: number[][] | Make, ph = 2, pw = 2, scale = 1) => () => {
    const r = typeof rois === 'function' ? rois() : tf.tensor2d(rois, [rois.length, 5]);
    roiPool(x() as tf.Tensor4D, r as tf.Tensor2D, ph, pw, scale);
  };

  test('R = 0 gives an empty result and a zero gradient', async () => {
    const [x, rois] = [features()() as tf.Tensor4D, tf.zeros([0, 5]) as tf.Tensor2D];
    const y = roiPool(x, rois, 7, 7, 1 / 16);
    expect(y.shape).toEqual([0, 7, 7, 3]);
    const dx = tf.grad((f: tf.Tensor) => roiPool(f as tf.Tensor4D, rois, 7, 7, 1 / 16))(x);
    expect(await dx.data()).toEqual(new Float32Array(96));
    tf.dispose([x, rois, y, dx]);
  });

  test.each([
    ['a rank-3 features tensor', call(features([4, 4, 3]), [[0, 0, 0, 1, 1]]), /features must be a rank-4 tensor/],
    ['empty features', call(features([1, 0, 4, 3]), [[0, 0, 0, 1, 1]]), /features must not be empty/],
    ['int32 features', call(features([1, 4, 4, 3], 'int32'), [[0, 0, 0, 1, 1]]), /features must be float32/],
    ['rois of 4 columns', call(features(), () => tf.zeros([3, 4])), /rois must have shape \[R, 5\]/],
    ['rank-1 rois', call(features(), () => tf.zeros([5])), /rois must have shape \[R, 5\]/],
    ['a batch index past N', call(features(), [[0, 0, 0, 1, 1], [2, 0, 0, 1, 1]]), /rois\[1, 0\] = 2 is not a batch index of features, which holds 2/],
    ['a negative batch index', call(features(), [[-1, 0, 0, 1, 1]]), /rois\[0, 0\] = -1 is not a batch index/],
    ['a fractional batch index', call(features(), [[0.5, 0, 0, 1, 1]]), /rois\[0, 0\] = 0.5 is not a batch index/],
    ['a NaN coordinate', call(features(), [[0, 0, NaN, 1, 1]]), /rois\[0, 2\] = NaN is not a finite coordinate/],
    ['an infinite coordinate', call(features(), [[0, 0, 0, Infinity, 1]]), /rois\[0, 3\] = Infinity is not a finite coordinate/],
    ['a huge coordinate', call(features(), [[0, 0, 0, 1e9, 1]], 2, 2, 1 / 16), /rois holds a coordinate of magnitude 1000000000/],
    ['pooledHeight 0', call(features(), [[0, 0, 0, 1, 1]], 0), /pooledHeight must be an integer in \[1, 1024\], got 0/],
    ['pooledWidth 2.5', call(features(), [[0, 0, 0, 1, 1]], 2, 2.5), /pooledWidth must be an integer/],
    ['spatialScale NaN', call(features(), [[0, 0, 0, 1, 1]], 2, 2, NaN), /spatialScale must be a finite number > 0/],
  ])('%s is refused with a message naming the argument', (_name, run, message) => {
    expect(run).toThrow(message);
  });

  test('int32 rois are accepted', async () => {
    const [x, rois] = [arangeMap(), tf.tensor2d([[0, 16, 16, 48, 32]], [1, 5], 'int32')];
    const y = roiPool(x, rois, 1, 1, 1 / 16);
    expect(await y.data()).toEqual(new Float32Array([19]));
    tf.dispose([x, rois, y]);
  });
});

describe('the webgpu backward plan', () => {
  test('one chunk up to 512 RoIs, so its sums are the reference bits; more RoIs make more chunks', () => {
    expect(planBackward([1, 38, 50, 512], 512, 16384)).toMatchObject({ numChunks: 1, roisPerChunk: 512 });
    expect(planBackward([1, 38, 50, 512], 2000, 16384)).toMatchObject({ numChunks: 4, roisPerChunk: 500 });
  });

  test('blocks shrink until enough threads run, and partial sums stay within 2^24 floats', () => {
    expect(planBackward([1, 38, 50, 64], 128, 16384)).toMatchObject({ tileSize: 2, numThreads: 19 * 25 * 64 });
    expect(planBackward([1, 38, 50, 64], 1024, 16384)).toMatchObject({ tileSize: 4, numChunks: 2, numThreads: 2 * 10 * 13 * 64 });
    expect(planBackward([1, 38, 50, 64], 128, 256)).toMatchObject({ tileSize: 25, numThreads: 256 });
    const large = planBackward([2, 64, 64, 1024], 100_000, 16384);
    expect(large.numChunks * 2 * 64 * 64 * 1024).toBeLessThanOrEqual(2 ** 24);
    expect(large.numChunks * large.roisPerChunk).toBeGreaterThanOrEqual(100_000);
  });
});

describe('the device class the webgpu backward plans for', () => {
  const backendOn = (architecture: string) => ({ adapterInfo: { architecture } }) as unknown as Parameters<typeof deviceClassOf>[0];

  test("comes from the adapter's architecture: SwiftShader is software, anything else a GPU", () => {
    expect([deviceClassOf(backendOn('swiftshader')), minBackwardThreads(backendOn('swiftshader'))]).toEqual(['software', 256]);
    expect([deviceClassOf(backendOn('ampere')), minBackwardThreads(backendOn('ampere'))]).toEqual(['gpu', 16384]);
  });

  test('the test hook overrides it until it is cleared', () => {
    planBackwardAsForTesting('gpu');
    try {
      expect(minBackwardThreads(backendOn('swiftshader'))).toBe(16384);
    } finally {
      planBackwardAsForTesting(null);
    }
    expect(minBackwardThreads(backendOn('swiftshader'))).toBe(256);
  });
});

describe('when called many times', () => {
  test('100 forward + backward passes leave no tensor behind', () => {
    const [x, rois] = [tf.randomUniform([1, 8, 9, 4]) as tf.Tensor4D, tf.tensor2d([[0, 0, 0, 60, 50], [0, 20, 10, 100, 120]])];
    const before = tf.memory();
    const poolSum = (f: tf.Tensor) => roiPool(f as tf.Tensor4D, rois, 7, 7, 1 / 16).sum();
    for (let i = 0; i < 100; i += 1) {
      const y = roiPool(x, rois, 7, 7, 1 / 16);
      const dx = tf.grad(poolSum)(x);
      tf.dispose([y, dx]);
    }
    const after = tf.memory();
    expect([after.numTensors, after.numDataBuffers, after.numBytes]).toEqual([before.numTensors, before.numDataBuffers, before.numBytes]);
    tf.dispose([x, rois]);
  });
});
