/**
 * Gradient of BatchMatMul without transposed operands, for the wasm backend. tfjs's own gradient computes the
 * weight gradient as matMul(a, dy, transposeA = true), and the wasm kernel's transposed path is about 8x slower
 * than its plain one (measured in headless Chromium, 2 cores: [6272,128]ᵀ·[128,256] 637 ms vs 75 ms for the
 * same product with the transpose materialized). Transposing explicitly first makes an fc-only training step
 * several times faster. Same values, different operation order; registered only in the training worker.
 */
import * as tf from '@tensorflow/tfjs';

function plainMatMul(x: tf.Tensor, y: tf.Tensor, transposeX: boolean, transposeY: boolean): tf.Tensor {
  const lastTwo = (t: tf.Tensor) => [...t.shape.keys()].map((i) => (i < t.rank - 2 ? i : i === t.rank - 2 ? t.rank - 1 : t.rank - 2));
  const xs = transposeX ? tf.transpose(x, lastTwo(x)) : x;
  const ys = transposeY ? tf.transpose(y, lastTwo(y)) : y;
  return tf.matMul(xs, ys);
}

let installed = false;

export function installPlainMatMulGradient(): void {
  if (installed) return;
  installed = true;
  tf.registerGradient({
    kernelName: 'BatchMatMul',
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, saved, attrs) => {
      const [a, b] = saved;
      const { transposeA, transposeB } = attrs as unknown as { transposeA: boolean; transposeB: boolean };
      const d = dy as tf.Tensor;
      if (!transposeA && !transposeB) return { a: () => plainMatMul(d, b, false, true), b: () => plainMatMul(a, d, true, false) };
      if (!transposeA && transposeB) return { a: () => plainMatMul(d, b, false, false), b: () => plainMatMul(d, a, true, false) };
      if (transposeA && !transposeB) return { a: () => plainMatMul(b, d, false, true), b: () => plainMatMul(a, d, false, false) };
      return { a: () => plainMatMul(b, d, true, true), b: () => plainMatMul(d, a, true, true) };
    },
  });
}
