import { describe, expect, it } from 'vitest';
import { DEFAULT_HEAD } from '../model/defaults';
import { DEFAULT_TRAIN_CONFIG } from './defaults';
import { BUNDLE_FORMAT, trainingBundle, type BundleJob } from './training_bundle';

const job: BundleJob = {
  classNames: ['cat', 'dog'], config: { ...DEFAULT_TRAIN_CONFIG, trainable: { kind: 'conv', firstLayer: 'expanded_conv_12' } },
  head: DEFAULT_HEAD, detect: { boxVotingIou: 0.5 }, svdRanks: { fc6: 128, fc7: null }, validateEvery: 25, retrainOnAll: true,
  proposalMode: 'fast', proposalMaxSide: 500, maxProposals: 2000,
};
const records = [
  { imageFile: 'a.jpg', width: 64, height: 48, objects: [{ className: 'dog', box: [1, 2, 30, 40] as const, difficult: false }] },
  { imageFile: 'b.jpg', width: 32, height: 32, objects: [{ className: 'cat', box: [0, 0, 8, 8] as const, difficult: true }] },
];

describe('trainingBundle', () => {
  it('lays the splits over one proposals array, each image with its slice, and the boxes as COCO', () => {
    const files = trainingBundle(job, {
      train: [{ file: 'a.jpg', proposals: Float32Array.of(0, 0, 10, 10, 5, 5, 20, 20) }],
      validation: [],
      test: [{ file: 'b.jpg', proposals: Float32Array.of(1, 1, 9, 9) }],
    }, records);
    const bundle = JSON.parse(files.bundleJson);
    expect(bundle.format).toBe(BUNDLE_FORMAT);
    expect(bundle.splits.train).toEqual([{ file: 'a.jpg', width: 64, height: 48, proposals: [0, 2] }]);
    expect(bundle.splits.test).toEqual([{ file: 'b.jpg', width: 32, height: 32, proposals: [2, 1] }]);
    expect(Array.from(files.proposals)).toEqual([0, 0, 10, 10, 5, 5, 20, 20, 1, 1, 9, 9]);
    expect(bundle.backbone.trainableFrom).toBe('expanded_conv_12');
    expect(bundle.detect.nmsIouThreshold).toBe(0.3); // the defaults under the job's own settings
    expect(bundle.detect.boxVotingIou).toBe(0.5);
    expect(files.imageFiles).toEqual(['a.jpg', 'b.jpg']);
    const coco = JSON.parse(files.datasetJson);
    expect(coco.annotations.map((a: { category_id: number; iscrowd: number }) => [a.category_id, a.iscrowd])).toEqual([[2, 0], [1, 1]]);
  });

  it('names an image without a dataset record', () => {
    expect(() => trainingBundle(job, { train: [{ file: 'c.jpg', proposals: new Float32Array(4) }], validation: [], test: [] }, records)).toThrow('c.jpg');
  });
});
