import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DEFAULT_HEAD, type HeadConfig } from './defaults';
import { expectedWeightShapes, headParameterCount, RoiHead, type HeadShape } from './heads';

const small: HeadConfig = { ...DEFAULT_HEAD, reduceChannels: 8, pooledHeight: 3, pooledWidth: 3, fc6: 32, fc7: 16 };
const shape: HeadShape = { inChannels: 12, numClasses: 3, head: small };
let head: RoiHead;

beforeAll(async () => {
  await tf.setBackend('cpu');
  head = RoiHead.create(shape, 5);
});
afterAll(() => head.dispose());

async function std(t: tf.Tensor): Promise<number> {
  const m = tf.tidy(() => tf.moments(t));
  const variance = (await m.variance.data())[0];
  tf.dispose([m.mean, m.variance]);
  return Math.sqrt(variance);
}

describe('the RoI head', () => {
  test('has the configured layers, initialized as the paper says', async () => {
    const w = head.weights();
    expect([...w.keys()].sort()).toEqual([...expectedWeightShapes(shape).keys()].sort());
    expect(w.get('fc6/kernel')?.shape).toEqual([3 * 3 * 8, 32]);
    expect(w.get('cls_score/kernel')?.shape).toEqual([16, 4]);
    expect(w.get('bbox_pred/kernel')?.shape).toEqual([16, 16]);
    const big = RoiHead.create({ inChannels: 12, numClasses: 20, head: { ...small, fc7: 512 } }, 1);
    expect(await std(big.weights().get('cls_score/kernel') as tf.Tensor)).toBeCloseTo(0.01, 3);
    expect(await std(big.weights().get('bbox_pred/kernel') as tf.Tensor)).toBeCloseTo(0.001, 4);
    expect(Math.max(...(await big.weights().get('bbox_pred/bias')!.data()))).toBe(0);
    big.dispose();
    expect(headParameterCount(shape)).toBe(12 * 8 + 8 + 72 * 32 + 32 + 32 * 16 + 16 + 16 * 4 + 4 + 16 * 16 + 16);
  });

  test('maps pooled RoIs to K+1 scores and 4(K+1) deltas; dropout only when training', async () => {
    const pooled = tf.randomUniform([5, 3, 3, 8], 0, 1, 'float32', 2) as tf.Tensor4D;
    const a = head.forward(pooled, { training: false });
    const b = head.forward(pooled, { training: false });
    const c = head.forward(pooled, { training: true });
    expect(a.clsScore.shape).toEqual([5, 4]);
    expect(a.bboxPred.shape).toEqual([5, 16]);
    expect(Array.from(await a.clsScore.data())).toEqual(Array.from(await b.clsScore.data()));
    expect(Array.from(await c.clsScore.data())).not.toEqual(Array.from(await a.clsScore.data()));
    tf.dispose([pooled, ...[a, b, c].flatMap((o) => [o.clsScore, o.bboxPred])]);
  });

  test('reduce, pool and classify RoIs of a feature map, with gradients to every weight', async () => {
    const features = tf.randomUniform([2, 6, 5, 12], 0, 1, 'float32', 3) as tf.Tensor4D;
    const rois = tf.tensor2d([0, 0, 0, 63, 63, 1, 16, 16, 80, 95, 1, 0, 0, 15, 15], [3, 5]);
    const out = head.forwardRois(features, rois, 1 / 16, { training: false });
    expect(out.clsScore.shape).toEqual([3, 4]);
    const { value, grads } = tf.variableGrads(() =>
      tf.tidy(() => {
        const o = head.forwardRois(features, rois, 1 / 16, { training: true });
        return tf.add(tf.sum(tf.square(o.clsScore)), tf.sum(tf.square(o.bboxPred))) as tf.Scalar;
      }),
    );
    expect(Object.keys(grads)).toHaveLength(head.trainableVariables().length);
    expect(head.parameters().filter((p) => p.isBias).map((p) => p.name).sort()).toEqual(['bbox_pred/bias', 'cls_score/bias', 'fc6/bias', 'fc7/bias', 'reduce/bias']);
    tf.dispose([features, rois, out.clsScore, out.bboxPred, value, ...Object.values(grads)]);
  });

  test('fromWeights copies a head exactly and rejects weights of another config', async () => {
    const copy = RoiHead.fromWeights(shape, head.weights());
    for (const [name, v] of head.weights()) expect(Array.from(await copy.weights().get(name)!.data())).toEqual(Array.from(await v.data()));
    expect(() => RoiHead.fromWeights({ ...shape, numClasses: 4 }, head.weights())).toThrow(/shape/);
    const missing = new Map(head.weights());
    missing.delete('fc7/bias');
    expect(() => RoiHead.fromWeights(shape, missing)).toThrow(/do not match/);
    copy.dispose();
  });

  test('a factored layer computes x·left·right + bias', async () => {
    const rank = 4;
    const left = tf.randomNormal([72, rank], 0, 0.1, 'float32', 8) as tf.Tensor2D;
    const right = tf.randomNormal([rank, 32], 0, 0.1, 'float32', 9) as tf.Tensor2D;
    const factored = head.factorLayer('fc6', left, right);
    expect(factored.shape.head.fc6Rank).toBe(rank);
    expect(factored.weights().has('fc6/kernel')).toBe(false);
    const dense = RoiHead.fromWeights(shape, new Map([...head.weights(), ['fc6/kernel', tf.matMul(left, right)]]));
    const pooled = tf.randomUniform([3, 3, 3, 8], 0, 1, 'float32', 4) as tf.Tensor4D;
    const a = factored.forward(pooled, { training: false });
    const b = dense.forward(pooled, { training: false });
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(a.bboxPred, b.bboxPred))));
    expect((await diff.data())[0]).toBeLessThan(1e-5);
    tf.dispose([left, right, pooled, a.clsScore, a.bboxPred, b.clsScore, b.bboxPred, diff]);
    factored.dispose();
    dense.dispose();
  });
});
