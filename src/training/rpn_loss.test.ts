import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, test } from 'vitest';
import { rpnLoss } from './rpn_loss';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('rpnLoss', () => {
  test('is the sigmoid log loss over the sample plus smooth L1 (σ = 3) on positives, both / sample size', () => {
    const logits = tf.tensor2d([[0, 2, -1, 40]]);
    // anchor 0 positive, 1 negative, 2 and 3 not sampled (3 would cost 40 if it were a negative)
    const deltas = tf.tensor3d([[[0.05, 0, 0.5, 0], [9, 9, 9, 9], [9, 9, 9, 9], [9, 9, 9, 9]]]);
    const targets = { labels: [1, 0, -1, -1], deltas: new Float32Array(16) };
    const before = tf.memory().numTensors;
    const { cls, loc, total } = rpnLoss(logits, deltas, targets);
    // cls: (log 2 + log(1 + e²)) / 2; loc: (0.5·9·0.05² + (0.5 - 0.5/9)) / 2
    const expectedCls = (Math.log(2) + Math.log(1 + Math.exp(2))) / 2;
    const expectedLoc = (0.5 * 9 * 0.05 ** 2 + (0.5 - 0.5 / 9)) / 2;
    expect(cls.dataSync()[0]).toBeCloseTo(expectedCls, 5);
    expect(loc.dataSync()[0]).toBeCloseTo(expectedLoc, 5);
    expect(total.dataSync()[0]).toBeCloseTo(expectedCls + expectedLoc, 5);
    tf.dispose([cls, loc, total]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([logits, deltas]);
  });

  test('stays finite for large logits and regresses onto non-zero targets', () => {
    const logits = tf.tensor1d([-200, 200]);
    const deltas = tf.tensor2d([[0.1, 0.1, 0.1, 0.1], [0, 0, 0, 0]]);
    const t = rpnLoss(logits, deltas, { labels: [1, 0], deltas: [0.1, 0.1, 0.1, 1.1, 0, 0, 0, 0] });
    expect(t.cls.dataSync()[0]).toBeCloseTo(200, 3); // each costs 200, the mean is 200
    expect(t.loc.dataSync()[0]).toBeCloseTo((1 - 0.5 / 9) / 2, 5);
    tf.dispose([logits, deltas, t.cls, t.loc, t.total]);
  });

  test('says what does not match', () => {
    const logits = tf.zeros([3]);
    const deltas = tf.zeros([3, 4]);
    expect(() => rpnLoss(logits, deltas, { labels: [1, 0], deltas: new Float32Array(8) })).toThrow(/3 objectness values need 3 labels/);
    expect(() => rpnLoss(logits, deltas, { labels: [1, 0, 2], deltas: new Float32Array(12) })).toThrow(/label 2 is 2/);
    tf.dispose([logits, deltas]);
  });
});
