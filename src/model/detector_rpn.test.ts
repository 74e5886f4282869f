import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { defaultRpnSettings } from '../proposals/rpn/settings';
import { DEFAULT_HEAD, makeDetectorConfig, type RpnConfig } from './defaults';
import { FastRcnnDetector, type ProposalMap } from './detector';
import { centernetHandler } from './testing/node_backbone';
import { detectorArtifacts, loadDetector } from './weights_io';

const rpn: RpnConfig = { ...defaultRpnSettings([2, 4]), convChannels: 8 };
const head = { ...DEFAULT_HEAD, reduceChannels: 16, fc6: 32, fc7: 24 };
const config = makeDetectorConfig(['a', 'b'], { head, input: { scales: [96], maxSize: 160 }, rpn });
const image = (() => {
  const [width, height] = [120, 90];
  const data = new Uint8ClampedArray(width * height * 4);
  for (let p = 0; p < width * height; p++) data.set([(p * 7) % 256, (p * 3) % 256, (p * 11) % 256, 255], 4 * p);
  return { width, height, data };
})();
const boxes = Float32Array.from([4, 4, 60, 50, 30, 20, 110, 85, 0, 0, 119, 89]);

let detector: FastRcnnDetector;
beforeAll(async () => {
  await tf.setBackend('cpu');
  detector = await FastRcnnDetector.create(config, { backboneSource: centernetHandler(), seed: 5 });
});
afterAll(() => detector.dispose());

const load = async (artifacts: tf.io.ModelArtifacts) => loadDetector(tf.io.fromMemory(artifacts), { backboneSource: centernetHandler() });

describe('a detector with an RPN', () => {
  test('create builds the RPN head on the reduced map: 9C inputs, A = ratios x scales anchors', () => {
    expect(detector.rpn?.shape).toEqual({ inChannels: 16, convChannels: 8, anchorsPerCell: 6 });
    expect(detector.config.rpn).toEqual(rpn);
    expect(detector.rpn?.weights().get('rpn_conv/kernel')?.shape).toEqual([144, 8]);
  });

  test('save + load: the rpn section and the RPN weights come back exactly', async () => {
    const conv = detector.rpn!.weights().get('rpn_conv/kernel')!;
    conv.assign(tf.tidy(() => tf.add(conv, 0.5)));
    const artifacts = await detectorArtifacts(detector);
    expect(artifacts.weightSpecs!.map((s) => s.name).filter((n) => n.startsWith('rpn/')).sort()).toEqual(
      ['rpn/rpn_bbox_pred/bias', 'rpn/rpn_bbox_pred/kernel', 'rpn/rpn_cls_score/bias', 'rpn/rpn_cls_score/kernel', 'rpn/rpn_conv/bias', 'rpn/rpn_conv/kernel'],
    );
    expect((artifacts.modelTopology as { config: { rpn: unknown } }).config.rpn).toEqual(JSON.parse(JSON.stringify(rpn)));
    const loaded = await load(artifacts);
    expect(loaded.config).toEqual(detector.config);
    for (const [name, v] of detector.rpn!.weights()) {
      expect(Array.from(await loaded.rpn!.weights().get(name)!.data())).toEqual(Array.from(await v.data()));
    }
    loaded.dispose();
  });

  test('a model without an RPN saves no rpn weights or section and loads without one', async () => {
    const { rpn: _, ...plainConfig } = config;
    const plain = new FastRcnnDetector(plainConfig, detector.backbone, detector.head);
    const artifacts = await detectorArtifacts(plain);
    expect(artifacts.weightSpecs!.some((s) => s.name.startsWith('rpn/'))).toBe(false);
    expect('rpn' in (artifacts.modelTopology as { config: object }).config).toBe(false);
    const loaded = await load(artifacts);
    expect(loaded.rpn).toBeUndefined();
    expect('rpn' in loaded.config).toBe(false);
    loaded.dispose();
  });

  test('a damaged rpn section, or RPN weights without one, fail at load naming what to fix', async () => {
    const artifacts = await detectorArtifacts(detector);
    const topology = artifacts.modelTopology as { config: Record<string, unknown> };
    const withRpn = (value: unknown) => ({ ...artifacts, modelTopology: { ...topology, config: { ...topology.config, rpn: value } } });
    await expect(load(withRpn({ ...rpn, anchors: { ...rpn.anchors, scales: [] } }))).rejects.toThrow(/model\.json: rpn\.anchors\.scales must be a non-empty list/);
    await expect(load(withRpn({ ...rpn, convChannels: 0 }))).rejects.toThrow(/model\.json: rpn\.convChannels must be a positive whole number, got 0/);
    await expect(load(withRpn({ ...rpn, convChannels: 9 }))).rejects.toThrow(/RPN weight rpn_conv\/kernel: shape 144,8, expected 144,9/);
    const { rpn: _, ...noRpn } = topology.config;
    await expect(load({ ...artifacts, modelTopology: { ...topology, config: noRpn } })).rejects.toThrow(/has RPN weights .* but its config has no rpn section/);
  });

  test('detect with proposals from the map: the hook sees the reduced map, its boxes go through the head as given ones do', async () => {
    const seen: ProposalMap[] = [];
    const tensors = tf.memory().numTensors;
    const fromMap = await detector.detect(image, async (map) => {
      seen.push(map);
      expect(map.features.isDisposed).toBe(false);
      return boxes;
    }, { scoreThreshold: 0, candidateScoreThreshold: -1 });
    expect(tf.memory().numTensors).toBe(tensors);
    // 120x90 at scale 96 -> 128x96 input, a 8x6 map of 16 channels
    expect(seen.map((m) => [m.features.shape, m.inputSize, m.imageScale])).toEqual([[[1, 6, 8, 16], { width: 128, height: 96 }, 96 / 90]]);
    expect(fromMap.timesMs.proposals).toBeGreaterThanOrEqual(0);
    const given = await detector.detect(image, boxes, { scoreThreshold: 0, candidateScoreThreshold: -1 });
    expect(given.timesMs.proposals).toBeUndefined();
    expect({ ...fromMap, timesMs: undefined }).toEqual({ ...given, timesMs: undefined });
  });

  test('a config and an RPN head must come together', () => {
    expect(() => new FastRcnnDetector(config, detector.backbone, detector.head)).toThrow(/has an rpn section but no RPN head/);
  });
});
