import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Backbone } from './backbone';
import { blockIndex, blockOfNode } from './backbone';
import { MOBILENET_V3_STRIDE16_TAP } from './defaults';
import { centernetHandler, loadNodeBackbone } from './testing/node_backbone';

let backbone: Backbone;

beforeAll(async () => {
  await tf.setBackend('cpu');
  backbone = await loadNodeBackbone();
});
afterAll(() => backbone.dispose());

function testImage(height: number, width: number): tf.Tensor4D {
  return tf.tidy(() => {
    // a smooth pattern plus noise, in 0..255 like a real RGB image
    const y = tf.linspace(0, 1, height).reshape([1, height, 1, 1]);
    const x = tf.linspace(0, 1, width).reshape([1, 1, width, 1]);
    const c = tf.tensor([0.2, 0.5, 0.9]).reshape([1, 1, 1, 3]);
    const pattern = tf.sin(tf.add(tf.mul(y, 7), tf.mul(x, 11)).mul(c)).add(1).mul(100);
    return pattern.add(tf.randomUniform([1, height, width, 3], 0, 55, 'float32', 7)) as tf.Tensor4D;
  });
}

describe('the MobileNetV3 backbone', () => {
  test('block names map to their order', () => {
    expect(blockIndex('Conv')).toBe(0);
    expect(blockIndex('expanded_conv')).toBe(1);
    expect(blockIndex('expanded_conv_12')).toBe(13);
    expect(blockOfNode('tower_0/MobilenetV3/expanded_conv_3/squeeze_excite/Mean')).toBe('expanded_conv_3');
    expect(blockOfNode('MobilenetV3/expanded_conv_3/squeeze_excite/Conv/weights')).toBe('expanded_conv_3');
    expect(backbone.blocks[0]).toBe('Conv');
    expect(backbone.blocks.at(-1)).toBe('expanded_conv_12');
  });

  test('runs at any input size with stride 16 and 528 channels', () => {
    const image = testImage(100, 70);
    const features = backbone.forward(image);
    expect(features.shape).toEqual([1, 7, 5, 528]);
    expect(backbone.outputChannels).toBe(528);
    tf.dispose([image, features]);
  });

  test('matches tf.loadGraphModel executing the same tap', async () => {
    const graph = await tf.loadGraphModel(centernetHandler(true));
    const image = testImage(96, 80);
    const ours = backbone.forward(image);
    const theirs = graph.execute(image, MOBILENET_V3_STRIDE16_TAP) as tf.Tensor;
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(ours, theirs))));
    const scale = tf.tidy(() => tf.max(tf.abs(theirs)));
    const [maxDiff, maxAbs] = [(await diff.data())[0], (await scale.data())[0]];
    console.info(`backbone vs tf.loadGraphModel: max |diff| ${maxDiff.toExponential(2)} (max |value| ${maxAbs.toFixed(2)})`);
    expect(ours.shape).toEqual(theirs.shape);
    expect(maxAbs).toBeGreaterThan(0.1);
    expect(maxDiff).toBeLessThan(1e-4 * Math.max(1, maxAbs));
    tf.dispose([image, ours, theirs, diff, scale]);
    graph.dispose();
  });

  test('prefix then suffix equals the whole forward, for every split', async () => {
    const image = testImage(48, 64);
    const whole = backbone.forward(image);
    for (const block of ['Conv', 'expanded_conv_3', 'expanded_conv_6', 'expanded_conv_12', null]) {
      backbone.setTrainableFrom(block);
      const prefix = backbone.frozenPrefix(image);
      const out = backbone.trainableSuffix(prefix);
      const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(out, whole))));
      expect((await diff.data())[0]).toBe(0);
      tf.dispose([prefix, out, diff]);
    }
    backbone.setTrainableFrom('expanded_conv_6');
    tf.dispose([image, whole]);
  });

  test('only the blocks from trainableFrom up are trainable, and gradients reach them', async () => {
    backbone.setTrainableFrom('expanded_conv_10');
    const trainable = backbone.trainableVariables();
    expect(trainable.length).toBeGreaterThan(0);
    const image = testImage(32, 32);
    const prefix = backbone.frozenPrefix(image);
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(backbone.trainableSuffix(prefix))) as tf.Scalar);
    expect(Object.keys(grads).sort()).toEqual(trainable.map((v) => v.name).sort());
    const norms = await Promise.all(Object.values(grads).map(async (g) => (await tf.tidy(() => tf.norm(g)).data())[0]));
    expect(norms.every((n) => Number.isFinite(n))).toBe(true);
    expect(norms.filter((n) => n > 0).length).toBe(norms.length);
    backbone.setTrainableFrom(null);
    expect(backbone.trainableVariables()).toEqual([]);
    backbone.setTrainableFrom(11); // 'Conv', 'expanded_conv', 'expanded_conv_1', ... -> index 11 = expanded_conv_10
    expect(backbone.trainableFrom).toBe('expanded_conv_10');
    expect(backbone.trainableVariables().map((v) => v.name)).toEqual(trainable.map((v) => v.name));
    backbone.setTrainableFrom('expanded_conv_6');
    tf.dispose([image, prefix, value, ...Object.values(grads)]);
  });

  test('rejects a block that does not exist before the tap', () => {
    expect(() => backbone.setTrainableFrom('expanded_conv_13')).toThrow(/no block/);
    expect(() => backbone.setTrainableFrom('fc6')).toThrow(/no block/);
    expect(() => backbone.setTrainableFrom(14)).toThrow(/no block number/);
  });

  test('leaks no tensors', () => {
    const image = testImage(40, 40);
    const before = tf.memory().numTensors;
    tf.dispose(backbone.forward(image));
    tf.dispose(tf.tidy(() => backbone.trainableSuffix(backbone.frozenPrefix(image))));
    expect(tf.memory().numTensors).toBe(before);
    image.dispose();
  });
});
