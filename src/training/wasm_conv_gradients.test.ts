/**
 * The wasm conv gradients against tfjs's own (cpu backend, which has every backprop kernel): first on single convs,
 * then through the real backbone's last blocks, the suffix that fine-tuning trains.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Backbone } from '../model/backbone';
import { loadNodeBackbone } from '../model/testing/node_backbone';
import { installWasmConvGradients } from './wasm_conv_gradients';

type Case = () => { loss: number; grads: Float32Array[] };

/** Runs `f` on `backend` and returns what it computed as plain numbers. */
async function on(backend: string, f: Case): Promise<{ loss: number; grads: Float32Array[] }> {
  await tf.setBackend(backend);
  return f();
}

function seeded(shape: number[], seed: number): tf.Tensor {
  return tf.randomNormal(shape, 0, 1, 'float32', seed);
}

function convCase(op: 'conv' | 'depthwise', k: number): Case {
  return () => tf.tidy(() => {
    const x = seeded([2, 7, 6, 5], 1);
    const filter = op === 'conv' ? seeded([1, 1, 5, 4], 2) : seeded([k, k, 5, 1], 3);
    const target = seeded(op === 'conv' ? [2, 7, 6, 4] : [2, 7, 6, 5], 4);
    const loss = (xi: tf.Tensor, fi: tf.Tensor) => {
      const y = op === 'conv' ? tf.conv2d(xi as tf.Tensor4D, fi as tf.Tensor4D, 1, 'same') : tf.depthwiseConv2d(xi as tf.Tensor4D, fi as tf.Tensor4D, 1, 'same');
      return tf.sum(tf.square(tf.sub(y, target))) as tf.Scalar;
    };
    const { value, grads } = tf.valueAndGrads(loss)([x, filter]);
    return { loss: value.dataSync()[0], grads: grads.map((g) => g.dataSync() as Float32Array) };
  });
}

function expectClose(actual: { loss: number; grads: Float32Array[] }, expected: { loss: number; grads: Float32Array[] }, tolerance: number): void {
  expect(actual.loss).toBeCloseTo(expected.loss, 2);
  expect(actual.grads.length).toBe(expected.grads.length);
  actual.grads.forEach((g, i) => {
    const scale = Math.max(1, ...expected.grads[i].map(Math.abs));
    expect(g.length).toBe(expected.grads[i].length);
    g.forEach((v, j) => expect(Math.abs(v - expected.grads[i][j])).toBeLessThan(tolerance * scale));
  });
}

describe('conv gradients on wasm', () => {
  test('wasm has no conv filter gradient of its own (why this module exists)', async () => {
    await tf.setBackend('wasm');
    expect(() => convCase('depthwise', 3)()).toThrow();
  });

  test.each([['conv', 1], ['depthwise', 3], ['depthwise', 5]] as const)('%s, k = %i: the same loss and gradients as tfjs on cpu', async (op, k) => {
    const reference = await on('cpu', convCase(op, k));
    installWasmConvGradients();
    const wasm = await on('wasm', convCase(op, k));
    expectClose(wasm, reference, 1e-4);
    // and on cpu, the replacement agrees with the reference it replaced
    expectClose(await on('cpu', convCase(op, k)), reference, 1e-4);
  });

  test('a strided depthwise conv says what it cannot do', async () => {
    installWasmConvGradients();
    await tf.setBackend('wasm');
    const x = tf.ones([1, 4, 4, 2]);
    const f = tf.ones([3, 3, 2, 1]);
    expect(() => tf.grad((xi: tf.Tensor) => tf.sum(tf.depthwiseConv2d(xi as tf.Tensor4D, f as tf.Tensor4D, 2, 'same')))(x)).toThrow(/strides 2,2/);
    tf.dispose([x, f]);
  });
});

describe('the backbone suffix from expanded_conv_11 learns on wasm', () => {
  let backbone: Backbone;
  beforeAll(async () => {
    await tf.setBackend('cpu');
    backbone = await loadNodeBackbone();
    backbone.setTrainableFrom('expanded_conv_11');
  });
  afterAll(() => backbone.dispose());

  const suffixCase: Case = () => tf.tidy(() => {
    const prefix = tf.abs(seeded([1, 5, 4, 88], 5)) as tf.Tensor4D;
    const { value, grads } = tf.variableGrads(() => tf.mean(tf.square(backbone.trainableSuffix(prefix))) as tf.Scalar, backbone.trainableVariables());
    const names = Object.keys(grads).sort();
    return { loss: value.dataSync()[0], grads: names.map((n) => grads[n].dataSync() as Float32Array) };
  });

  test('every weight of blocks 11 and 12 gets the gradient cpu computes', async () => {
    const names = [...backbone.modifiableWeights()].filter(([, v]) => v.trainable).map(([name]) => name);
    console.info(`${names.length} weights learn:\n${names.join('\n')}`);
    expect(names.some((n) => n.includes('expanded_conv_11/depthwise'))).toBe(true);
    expect(names.some((n) => n.includes('squeeze_excite'))).toBe(true);
    const reference = await on('cpu', suffixCase);
    installWasmConvGradients();
    const wasm = await on('wasm', suffixCase);
    expect(reference.grads.length).toBe(names.length);
    expect(reference.grads.every((g) => g.some((v) => v !== 0))).toBe(true);
    expectClose(wasm, reference, 1e-3);
  });
});
