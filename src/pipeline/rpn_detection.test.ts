import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DEFAULT_HEAD, makeDetectorConfig } from '../model/defaults';
import { FastRcnnDetector } from '../model/detector';
import { resizeImage, imageToTensor } from '../model/preprocess';
import { centernetHandler } from '../model/testing/node_backbone';
import { defaultRpnSettings } from '../proposals/rpn/settings';
import { runDetection, type DecodedInput, type NetworkSource } from './detect_pipeline';
import { DetectorError } from './errors';
import { rpnProposals } from './rpn_proposals';

const rpn = { ...defaultRpnSettings([1, 2, 4]), convChannels: 8 };
const config = makeDetectorConfig(['a', 'b'], {
  head: { ...DEFAULT_HEAD, reduceChannels: 16, fc6: 32, fc7: 24 },
  input: { scales: [160], maxSize: 240 },
  rpn: { ...rpn, testProposals: { ...rpn.testProposals, minSize: 4 } },
});
const [width, height] = [200, 150];
const pixels = (() => {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let p = 0; p < width * height; p++) {
    const [x, y] = [p % width, Math.floor(p / width)];
    const inside = x > 50 && x < 130 && y > 40 && y < 110;
    data.set(inside ? [230, 40, 60, 255] : [(x * 3) % 256, (y * 5) % 256, 120, 255], 4 * p);
  }
  return { width, height, data };
})();
// the pipeline reads only the bitmap's size itself; the network takes pixel data as well as a bitmap
const decoded: DecodedInput = { bitmap: pixels as unknown as ImageBitmap, width, height };
const all = { scoreThreshold: 0 };

let detector: FastRcnnDetector;
const source = (model: FastRcnnDetector): NetworkSource => ({ model: () => model, weightsGone: () => false, reload: async () => undefined });

beforeAll(async () => {
  await tf.setBackend('cpu');
  detector = await FastRcnnDetector.create(config, { backboneSource: centernetHandler(), seed: 3 });
});
afterAll(() => detector.dispose());

describe("detection with proposalMode 'rpn'", () => {
  test('one pass: the RPN on the map RoIs are pooled from, its test top-N, proposals timed alone; the head as with given boxes', async () => {
    const tensors = tf.memory().numTensors;
    const result = await runDetection(decoded, source(detector), { ...all, proposalMode: 'rpn' });
    expect(tf.memory().numTensors).toBe(tensors);

    // the same proposals straight from the RPN on the detector's own map (200x150 -> 213x160 input, scale 160/150)
    const scale = 160 / 150;
    const expected = await tf.tidy(() => detector.featureMap(resizeImage(imageToTensor(pixels), scale))).array().then(async (values) => {
      const features = tf.tensor4d(values);
      try {
        const inputSize = { width: 213, height: 160 };
        return await rpnProposals(detector.rpn!, features, { inputSize, imageScale: scale, anchors: rpn.anchors, layer: config.rpn!.testProposals });
      } finally {
        features.dispose();
      }
    });
    const count = expected.boxes.length / 4;
    expect(count).toBeGreaterThan(20);
    expect(count).toBeLessThanOrEqual(300);
    expect(result.proposals).toHaveLength(count);
    expect(result.proposals[0][0]).toBeCloseTo(expected.boxes[0] / scale, 3);
    expect(result.proposals[count - 1][3]).toBeCloseTo(expected.boxes[4 * count - 1] / scale, 3);
    expect(result.timesMs.proposals).toBeGreaterThan(0);
    expect(result.timesMs.proposals).toBeLessThan(result.timesMs.total);

    // the head sees them exactly as boxes given by the caller
    const given = await runDetection(decoded, source(detector), { ...all, proposals: result.proposals.map((b) => [...b] as [number, number, number, number]) });
    expect(given.candidatesPerClass).toEqual(result.candidatesPerClass);
    expect(given.detections).toEqual(result.detections);
  });

  test('maxProposals caps the RPN\'s top N; inputScale runs the RPN on that scale\'s map', async () => {
    const capped = await runDetection(decoded, source(detector), { ...all, proposalMode: 'rpn', maxProposals: 7 });
    expect(capped.proposals).toHaveLength(7);
    const small = await runDetection(decoded, source(detector), { ...all, proposalMode: 'rpn', inputScale: 96 });
    expect(small.proposals.length).toBeGreaterThan(0);
    expect(small.proposals.every(([x1, y1, x2, y2]) => x1 >= 0 && y1 >= 0 && x2 <= width && y2 <= height)).toBe(true);
  });

  test("a model without an RPN refuses 'rpn', saying what to use instead", async () => {
    const { rpn: _, ...plain } = config;
    const noRpn = new FastRcnnDetector(plain, detector.backbone, detector.head);
    const run = runDetection(decoded, source(noRpn), { proposalMode: 'rpn' });
    await expect(run).rejects.toThrow(DetectorError);
    await expect(runDetection(decoded, source(noRpn), { proposalMode: 'rpn' })).rejects.toThrow(/needs a model trained with a Region Proposal Network.*use 'fast'/);
  });
});
