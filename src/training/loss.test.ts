import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { multiTaskLoss, smoothL1Loss, softmaxLogLoss } from './loss';

await tf.setBackend('cpu');

describe('softmaxLogLoss', () => {
  it('is the mean of -log p[label], computed by hand', () => {
    const logits = tf.tensor2d([[1, 2, 3], [0, 0, 0]]);
    const labels = tf.tensor1d([2, 0], 'int32');
    const p0 = Math.exp(3) / (Math.exp(1) + Math.exp(2) + Math.exp(3));
    const expected = (-Math.log(p0) - Math.log(1 / 3)) / 2;
    expect(softmaxLogLoss(logits, labels).dataSync()[0]).toBeCloseTo(expected, 5);
  });
});

describe('smoothL1Loss', () => {
  it('is 0.5·d² inside |d| < 1, |d| - 0.5 outside, summed over weighted entries and divided by R', () => {
    const pred = tf.tensor2d([[0.5, -3, 1, 1], [2, 2, 2, 2]]);
    const target = tf.tensor2d([[0, 0, 1, 0], [0, 0, 0, 0]]);
    const weights = tf.tensor2d([[1, 1, 1, 1], [0, 0, 0, 0]]);
    // row 0: d = 0.5 → 0.125; d = -3 → 2.5; d = 0 → 0; d = 1 → 0.5. Row 1 has weight 0. R = 2.
    expect(smoothL1Loss(pred, target, weights).dataSync()[0]).toBeCloseTo((0.125 + 2.5 + 0 + 0.5) / 2, 6);
  });

  it('has gradient d/R inside and sign(d)/R outside', () => {
    const target = tf.tensor2d([[0, 0]]);
    const weights = tf.tensor2d([[1, 1]]);
    const g = tf.grad((p: tf.Tensor) => smoothL1Loss(p as tf.Tensor2D, target, weights))(tf.tensor2d([[0.3, -2]]));
    expect(Array.from(g.dataSync())).toEqual([expect.closeTo(0.3, 6), -1]);
  });
});

describe('multiTaskLoss', () => {
  const inputs = {
    logits: tf.tensor2d([[0, 1]]),
    deltas: tf.tensor2d([[0, 0, 0, 0, 2, 0, 0, 0]]),
    labels: tf.tensor1d([1], 'int32'),
    bboxTargets: tf.tensor2d([[0, 0, 0, 0, 0, 0, 0, 0]]),
    bboxWeights: tf.tensor2d([[0, 0, 0, 0, 1, 1, 1, 1]]),
  };
  const cls = Math.log(1 + Math.exp(-1));

  it('adds λ·L_loc to L_cls', () => {
    const l = multiTaskLoss(inputs, 1);
    expect(l.cls.dataSync()[0]).toBeCloseTo(cls, 6);
    expect(l.loc.dataSync()[0]).toBeCloseTo(1.5, 6);
    expect(l.total.dataSync()[0]).toBeCloseTo(cls + 1.5, 6);
    expect(multiTaskLoss(inputs, 2).total.dataSync()[0]).toBeCloseTo(cls + 3, 6);
  });

  it('drops L_loc from the total in the stage-wise ablation', () => {
    expect(multiTaskLoss(inputs, 1, false).total.dataSync()[0]).toBeCloseTo(cls, 6);
  });
});
