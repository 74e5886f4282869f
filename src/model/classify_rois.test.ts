import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { classifyRois } from './classify_rois';
import { DEFAULT_HEAD, type HeadConfig } from './defaults';
import { RoiHead } from './heads';
import { projectRois } from './pyramid';

const small: HeadConfig = { ...DEFAULT_HEAD, reduceChannels: 8, pooledHeight: 3, pooledWidth: 3, fc6: 32, fc7: 16 };
const STRIDE = 16;
let head: RoiHead;
let features: tf.Tensor4D;
let reduced: tf.Tensor4D;
// 7 proposals in image pixels, on a map of a 96x80 image scaled by 0.75
const proposals = Float32Array.from([0, 0, 63, 63, 16, 16, 80, 70, 0, 0, 15, 15, 30, 10, 95, 79, 5, 40, 50, 79, 47, 3, 88, 60, 12, 12, 13, 13]);
const rois = projectRois(proposals, new Int32Array(7), [0.75]);

beforeAll(async () => {
  await tf.setBackend('cpu');
  head = RoiHead.create({ inChannels: 12, numClasses: 3, head: small }, 5);
  features = tf.randomUniform([1, 4, 5, 12], 0, 1, 'float32', 3) as tf.Tensor4D;
  reduced = head.reduce(features);
});
afterAll(() => {
  tf.dispose([features, reduced]);
  head.dispose();
});

describe('classifyRois, the head path of detection and evaluation', () => {
  test('gives the softmax and deltas of reduce → pool → fc for every RoI, and leaves no tensor', async () => {
    const before = tf.memory().numTensors;
    const out = await classifyRois(head, reduced, rois, STRIDE);
    expect(tf.memory().numTensors).toBe(before);
    const expected = tf.tidy(() => {
      const o = head.forwardRois(features, tf.tensor2d(rois, [7, 5]), 1 / STRIDE, { training: false });
      return [tf.softmax(o.clsScore), o.bboxPred];
    });
    expect(out.probabilities).toHaveLength(7 * 4);
    expect(out.deltas).toHaveLength(7 * 16);
    expect(Array.from(out.probabilities)).toEqual(Array.from(await expected[0].data()));
    expect(Array.from(out.deltas)).toEqual(Array.from(await expected[1].data()));
    for (let r = 0; r < 7; r++) expect(out.probabilities.slice(4 * r, 4 * r + 4).reduce((a, b) => a + b)).toBeCloseTo(1, 5);
    tf.dispose(expected);
  });

  test('in chunks (as evaluation runs it) gives the same numbers, and hands each chunk to afterPool', async () => {
    const whole = await classifyRois(head, reduced, rois, STRIDE);
    const pooledRows: number[] = [];
    const chunked = await classifyRois(head, reduced, rois, STRIDE, { chunk: 3, afterPool: async (pooled) => void pooledRows.push(pooled.shape[0]) });
    expect(pooledRows).toEqual([3, 3, 1]);
    expect(Array.from(chunked.probabilities)).toEqual(Array.from(whole.probabilities));
    expect(Array.from(chunked.deltas)).toEqual(Array.from(whole.deltas));
  });

  test('no RoIs: empty arrays; a throwing afterPool (a cancel) leaves no tensor', async () => {
    const empty = await classifyRois(head, reduced, new Float32Array(0), STRIDE);
    expect([empty.probabilities.length, empty.deltas.length]).toEqual([0, 0]);
    const before = tf.memory().numTensors;
    const cancel = classifyRois(head, reduced, rois, STRIDE, { afterPool: async () => { throw new DOMException('stop', 'AbortError'); } });
    await expect(cancel).rejects.toThrow('stop');
    expect(tf.memory().numTensors).toBe(before);
  });
});
