import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { decodeDeltas } from '../geometry/bbox_transform';
import { packBoxes } from '../geometry/box';
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

  test("the result explains the RPN's proposals from the same run: objectness, anchor (size, ratio, cell), its deltas, the heatmap", async () => {
    const result = await runDetection(decoded, source(detector), { ...all, proposalMode: 'rpn' });
    const explained = result.rpn!;
    const n = result.proposals.length;
    expect(explained.objectness).toHaveLength(n);
    expect(explained.anchors).toHaveLength(n);
    expect(explained.deltas).toHaveLength(n);
    expect(explained.objectness.every((p, i) => p > 0 && p < 1 && (i === 0 || p <= explained.objectness[i - 1]))).toBe(true);
    // each proposal is its anchor moved by its deltas (the clip aside)
    const moved = decodeDeltas(packBoxes(explained.anchors.map((a) => a.box)), explained.deltas.flat());
    const inside = result.proposals.map((b, i) => ({ b, i })).filter(({ b }) => b[0] > 0.5 && b[1] > 0.5 && b[2] < width - 0.5 && b[3] < height - 0.5);
    expect(inside.length).toBeGreaterThan(5);
    for (const { b, i } of inside) b.forEach((v, k) => expect(moved[4 * i + k]).toBeCloseTo(v, 2));
    // anchors: the model's sizes and ratios, on a cell of the 14x10 map of the 213x160 input
    expect(explained.heatmap).toMatchObject({ rows: 10, cols: 14 });
    expect(explained.heatmap.cells).toHaveLength(140);
    for (const a of explained.anchors) {
      expect([16, 32, 64]).toContain(a.side);
      expect([0.5, 1, 2]).toContain(a.ratio);
      expect(a.row).toBeLessThan(10);
      expect(a.col).toBeLessThan(14);
      // the anchor is centred on its cell's centre, 16 input pixels apart (150 original px -> 160 input px)
      expect((a.box[0] + a.box[2]) / 2).toBeCloseTo(((16 * a.col + 8) * 150) / 160, 3);
      expect(explained.heatmap.cells[a.row * 14 + a.col]).toBeGreaterThanOrEqual(explained.objectness[explained.anchors.indexOf(a)] - 1e-6);
    }
    expect(explained.heatmap.extent[2]).toBeCloseTo((14 * 16 * 150) / 160, 3);
    // selective search's results have none
    expect((await runDetection(decoded, source(detector), { ...all, proposalMode: 'dense' })).rpn).toBeUndefined();
  });

  test("a model without an RPN refuses 'rpn', saying what to use instead", async () => {
    const { rpn: _, ...plain } = config;
    const noRpn = new FastRcnnDetector(plain, detector.backbone, detector.head);
    const run = runDetection(decoded, source(noRpn), { proposalMode: 'rpn' });
    await expect(run).rejects.toThrow(DetectorError);
    await expect(runDetection(decoded, source(noRpn), { proposalMode: 'rpn' })).rejects.toThrow(/needs a model trained with a Region Proposal Network.*use 'fast'/);
  });
});
