import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { im2col3x3, RpnHead, rpnWeightShapes, type RpnHeadShape } from './rpn_head';

const shape: RpnHeadShape = { inChannels: 5, convChannels: 7, anchorsPerCell: 3 };
let head: RpnHead;

beforeAll(async () => {
  await tf.setBackend('cpu');
  head = RpnHead.create(shape, 4);
});
afterAll(() => head.dispose());

const maxAbsDiff = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);

describe('im2col3x3', () => {
  test("times the reshaped kernel equals tf.conv2d 'same' with the kernel as a [3, 3, C, M] filter", () => {
    const x = tf.randomNormal([2, 4, 5, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
    const filter = tf.randomNormal([3, 3, 3, 6], 0, 1, 'float32', 2) as tf.Tensor4D;
    const cols = im2col3x3(x);
    expect(cols.shape).toEqual([2 * 4 * 5, 27]);
    const viaMatMul = tf.matMul(cols, tf.reshape(filter, [27, 6]));
    const viaConv = tf.reshape(tf.conv2d(x, filter, 1, 'same'), [40, 6]);
    expect(maxAbsDiff(viaMatMul, viaConv)).toBeLessThan(1e-5);
    // a corner cell's row: the 4 taps outside the map are zero, tap (1, 1) is the cell itself
    const row = Array.from(cols.slice([0, 0], [1, 27]).dataSync());
    expect(row.slice(0, 9).every((v) => v === 0)).toBe(true); // ky = 0: the row above the map
    expect(row.slice(12, 15)).toEqual(Array.from(x.slice([0, 0, 0, 0], [1, 1, 1, 3]).dataSync()));
    tf.dispose([x, filter, cols, viaMatMul, viaConv]);
  });
});

describe('the RPN head', () => {
  test('has the configured weights, N(0, 0.01) kernels and zero biases', () => {
    const w = head.weights();
    expect([...w.keys()]).toEqual([...rpnWeightShapes(shape).keys()]);
    expect(w.get('rpn_conv/kernel')?.shape).toEqual([45, 7]);
    expect(w.get('rpn_cls_score/kernel')?.shape).toEqual([7, 3]);
    expect(w.get('rpn_bbox_pred/kernel')?.shape).toEqual([7, 12]);
    const big = RpnHead.create({ inChannels: 64, convChannels: 64, anchorsPerCell: 9 });
    const std = tf.tidy(() => tf.moments(big.weights().get('rpn_conv/kernel') as tf.Tensor).variance.sqrt().dataSync()[0]);
    expect(std).toBeCloseTo(0.01, 3);
    expect(Math.max(...big.weights().get('rpn_bbox_pred/bias')!.dataSync())).toBe(0);
    big.dispose();
  });

  test('gives one logit and 4 deltas per anchor in (y, x, anchor) order; training and inference agree', () => {
    const features = tf.randomUniform([1, 3, 4, 5], 0, 2, 'float32', 3) as tf.Tensor4D;
    const train = head.forward(features, { training: true });
    const infer = head.forward(features, { training: false });
    expect(train.objectness.shape).toEqual([1, 3 * 4 * 3]);
    expect(train.deltas.shape).toEqual([1, 36, 4]);
    expect(maxAbsDiff(train.objectness, infer.objectness)).toBeLessThan(1e-6);
    expect(maxAbsDiff(train.deltas, infer.deltas)).toBeLessThan(1e-6);
    // anchor (y = 2, x = 1, a = 2) is the cls_score output 2 of cell (2, 1): recompute it from its 3x3 window
    const expected = tf.tidy(() => {
      const window = tf.pad(features, [[0, 0], [1, 1], [1, 1], [0, 0]]).slice([0, 2, 1, 0], [1, 3, 3, 5]).reshape([1, 45]);
      const w = head.weights();
      const hidden = tf.relu(tf.add(tf.matMul(window, w.get('rpn_conv/kernel')!), w.get('rpn_conv/bias')!));
      return tf.add(tf.matMul(hidden, w.get('rpn_cls_score/kernel')!), w.get('rpn_cls_score/bias')!).dataSync()[2];
    });
    expect(train.objectness.dataSync()[(2 * 4 + 1) * 3 + 2]).toBeCloseTo(expected, 5);
    tf.dispose([features, train.objectness, train.deltas, infer.objectness, infer.deltas]);
  });

  test('has a gradient for every weight through the im2col path, and leaks no tensor', () => {
    const features = tf.randomUniform([2, 3, 4, 5], 0, 2, 'float32', 5) as tf.Tensor4D;
    const before = tf.memory().numTensors;
    const { value, grads } = tf.variableGrads(() =>
      tf.tidy(() => {
        const o = head.forward(features, { training: true });
        return tf.add(tf.sum(tf.square(o.objectness)), tf.sum(tf.square(o.deltas))) as tf.Scalar;
      }),
    );
    expect(Object.keys(grads).sort()).toEqual([...head.weights().values()].map((v) => v.name).sort());
    for (const g of Object.values(grads)) expect(tf.tidy(() => tf.sum(tf.abs(g)).dataSync()[0])).toBeGreaterThan(0);
    tf.dispose([value, ...Object.values(grads)]);
    expect(tf.memory().numTensors).toBe(before);
    features.dispose();
  });

  test('create and dispose leave no tensor behind', () => {
    const before = tf.memory().numTensors;
    RpnHead.create(shape, 9).dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  test('fromWeights copies matching weights and names what does not match', () => {
    const copy = RpnHead.fromWeights(shape, head.weights());
    expect(maxAbsDiff(copy.weights().get('rpn_conv/kernel')!, head.weights().get('rpn_conv/kernel')!)).toBe(0);
    copy.dispose();
    expect(() => RpnHead.fromWeights({ ...shape, anchorsPerCell: 9 }, head.weights())).toThrow(/rpn_cls_score\/kernel: shape 7,3, expected 7,9/);
    const missing = new Map(head.weights());
    missing.delete('rpn_conv/bias');
    expect(() => RpnHead.fromWeights(shape, missing)).toThrow(/do not match/);
    expect(() => RpnHead.create({ ...shape, convChannels: 0 })).toThrow(/convChannels must be a positive whole number/);
    const wrong = tf.zeros([1, 2, 2, 4]) as tf.Tensor4D;
    expect(() => head.forward(wrong, { training: false })).toThrow(/4 channels, the head reads 5/);
    wrong.dispose();
  });
});
