import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, test } from 'vitest';
import { RpnHead } from '../model/rpn_head';
import { anchorsForMap } from '../proposals/rpn/anchors';
import { TEST_PROPOSALS } from '../proposals/rpn/settings';
import { rpnProposals } from './rpn_proposals';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const anchors = { baseSize: 16, ratios: [1], scales: [2], featureStride: 16 };

describe('rpnProposals', () => {
  test('ranks the anchors by the head objectness; zero deltas give the anchors back; nothing leaks', async () => {
    // one anchor per cell; the objectness logit is channel 0 of the cell (1x1 effect through the 3x3 centre tap)
    const weights = new Map<string, tf.Tensor>([
      ['rpn_conv/kernel', tf.tidy(() => tf.oneHot(tf.tensor1d([4 * 2], 'int32'), 18).toFloat().reshape([18, 1]))],
      ['rpn_conv/bias', tf.zeros([1])],
      ['rpn_cls_score/kernel', tf.ones([1, 1])],
      ['rpn_cls_score/bias', tf.tensor1d([-1])],
      ['rpn_bbox_pred/kernel', tf.zeros([1, 4])],
      ['rpn_bbox_pred/bias', tf.zeros([4])],
    ]);
    const head = RpnHead.fromWeights({ inChannels: 2, convChannels: 1, anchorsPerCell: 1 }, weights);
    tf.dispose([...weights.values()]);
    const values = new Float32Array(3 * 4 * 2);
    values[(1 * 4 + 2) * 2] = 5; // cell (y 1, x 2) scores 5 - 1
    values[(2 * 4 + 0) * 2] = 3; // cell (y 2, x 0) scores 3 - 1
    const features = tf.tensor4d(values, [1, 3, 4, 2]);
    const before = tf.memory().numTensors;
    const out = await rpnProposals(head, features, { inputSize: { width: 64, height: 48 }, imageScale: 1, anchors, layer: { ...TEST_PROPOSALS, minSize: 0 } });
    expect(tf.memory().numTensors).toBe(before);
    expect(Array.from(out.anchorIndices.subarray(0, 2))).toEqual([6, 8]);
    expect(Array.from(out.scores.subarray(0, 3))).toEqual([4, 2, -1]);
    expect(out.probabilities[0]).toBeCloseTo(1 / (1 + Math.exp(-4)), 6);
    const all = anchorsForMap(anchors, 3, 4);
    // anchor 6 is [24, 8, 56, 40]: already inside the 64x48 input, so unclipped
    expect(Array.from(out.boxes.subarray(0, 4))).toEqual(Array.from(all.subarray(24, 28)));
    expect(out.headMs).toBeGreaterThanOrEqual(0);
    const pair = tf.zeros([2, 3, 4, 2]) as tf.Tensor4D;
    await expect(rpnProposals(head, pair, { inputSize: { width: 64, height: 48 }, imageScale: 1, anchors, layer: TEST_PROPOSALS })).rejects.toThrow(/one image at a time/);
    tf.dispose([pair, features]);
    head.dispose();
  });
});
