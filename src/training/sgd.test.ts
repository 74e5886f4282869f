import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { DEFAULT_SOLVER } from './defaults';
import { MomentumSgd } from './sgd';

await tf.setBackend('cpu');

describe('MomentumSgd', () => {
  it('matches two hand-computed Caffe steps (momentum, decay on weights only, bias lr x2)', () => {
    const w = tf.variable(tf.tensor1d([1, -2]));
    const b = tf.variable(tf.tensor1d([0.5]));
    const sgd = new MomentumSgd(
      [{ name: 'w', variable: w, isBias: false }, { name: 'b', variable: b, isBias: true }],
      DEFAULT_SOLVER,
    );
    const lr = 0.1;
    sgd.apply({ w: tf.tensor1d([0.2, 0.4]), b: tf.tensor1d([1]) }, lr);
    // w: v = 0.1·(g + 5e-4·w) = [0.02005, 0.0399]; w = [0.97995, -2.0399]. b: v = 0.2·1 = 0.2; b = 0.3
    expect(Array.from(w.dataSync())).toEqual([expect.closeTo(0.97995, 6), expect.closeTo(-2.0399, 6)]);
    expect(b.dataSync()[0]).toBeCloseTo(0.3, 6);
    sgd.apply({ w: tf.tensor1d([0, 0]), b: tf.tensor1d([0]) }, lr);
    // v = 0.9·v + 0.1·5e-4·w: [0.018045 + 0.0000489975, 0.03591 - 0.000101995]
    expect(w.dataSync()[0]).toBeCloseTo(0.97995 - (0.018045 + 0.1 * 5e-4 * 0.97995), 6);
    expect(w.dataSync()[1]).toBeCloseTo(-2.0399 - (0.03591 + 0.1 * 5e-4 * -2.0399), 6);
    expect(b.dataSync()[0]).toBeCloseTo(0.3 - 0.18, 6);
  });

  it('restores weights and momenta from a snapshot', () => {
    const w = tf.variable(tf.tensor1d([1]));
    const sgd = new MomentumSgd([{ name: 'w', variable: w, isBias: false }], DEFAULT_SOLVER);
    const snap = sgd.snapshot();
    sgd.apply({ w: tf.tensor1d([10]) }, 1);
    sgd.restore(snap);
    expect(w.dataSync()[0]).toBe(1);
    sgd.apply({ w: tf.tensor1d([0]) }, 1); // zero momentum after restore: only the decay moves w
    expect(w.dataSync()[0]).toBeCloseTo(1 - 5e-4, 7);
  });
});
