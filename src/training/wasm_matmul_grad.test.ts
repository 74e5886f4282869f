import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { installPlainMatMulGradient } from './wasm_matmul_grad';

await tf.setBackend('cpu');

function grads(ta: boolean, tb: boolean): number[][] {
  const a = tf.tensor2d([[1, 2, 3], [4, 5, 6]]);
  const b = tf.tensor2d([[0.5, -1], [2, 0], [1, 3]]);
  const a2 = ta ? tf.transpose(a) : a;
  const b2 = tb ? tf.transpose(b) : b;
  const [ga, gb] = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.square(tf.matMul(x, y, ta, tb))))([a2, b2]);
  return [Array.from(ga.dataSync()), Array.from(gb.dataSync())];
}

describe('installPlainMatMulGradient', () => {
  it('gives the same gradients as tfjs for every transpose combination', () => {
    const combos: [boolean, boolean][] = [[false, false], [false, true], [true, false], [true, true]];
    const before = combos.map(([ta, tb]) => grads(ta, tb));
    installPlainMatMulGradient();
    combos.forEach(([ta, tb], i) => {
      const after = grads(ta, tb);
      after.forEach((g, j) => g.forEach((v, k) => expect(v).toBeCloseTo(before[i][j][k], 4)));
    });
  });
});
