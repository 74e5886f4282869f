import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_BACKBONE, DEFAULT_HEAD, makeDetectorConfig } from '../model/defaults';
import { RoiHead } from '../model/heads';
import { RpnHead } from '../model/rpn_head';
import { DEFAULT_ANCHOR_TARGETS } from '../proposals/rpn/settings';
import { DETECTOR_FORMAT } from '../model/weights_io';
import { DEFAULT_TRAIN_CONFIG, scaledSolver } from './defaults';
import { buildRpnOnlyJob } from './job_builder';
import { withRpnFiles } from './model_files';
import type { ModelFiles, TrainImageSpec } from './protocol';
import { buildRoidb } from './roidb';
import { roidbTargetStats } from './targets';
import { Trainer } from './trainer';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const spec = (id: string, side: number): TrainImageSpec => ({ id, url: `/img/${id}.jpg`, gtBoxes: [10, 10, 10 + side, 10 + side], gtClasses: [1] });
const sizes = new Map([['a', { width: 640, height: 480 }], ['b', { width: 640, height: 480 }]]);
const saved = makeDetectorConfig(['cell'], { input: { scales: [800], maxSize: 1333 }, backbone: { ...DEFAULT_BACKBONE, trainableFrom: 'expanded_conv_12' } });

describe('buildRpnOnlyJob', () => {
  const train = [spec('a', 40), spec('b', 80)];

  it("trains at the saved model's scale, its fine-tuned block as a frozen suffix, without validation or test", () => {
    const job = buildRpnOnlyJob(train, { runId: 'r', config: saved, backend: 'wasm', sizes, iterations: 400, learningRate: 0.01 });
    expect(job.rpnOnly).toBe(true);
    expect(job.config.scale).toBe(800);
    expect(job.config.maxSize).toBe(1333);
    expect(job.config.trainable).toEqual({ kind: 'conv', firstLayer: 'expanded_conv_12' });
    expect(job.config.solver).toMatchObject({ iterations: 400, baseLr: 0.01, steps: [300] });
    expect(job.head).toEqual(saved.head);
    expect([job.validation, job.test, job.validateEvery, job.retrainOnAll, job.evaluateAtEnd]).toEqual([[], [], 0, false, false]);
    expect(job.rpn?.testProposals.postNmsTopN).toBe(300);
    // anchors from the boxes at 800 px (40 and 80 px boxes at 5/3 scale: 67 and 133 px)
    const sides = job.rpn!.anchors.scales.map((s) => 16 * s);
    expect(Math.min(...sides)).toBeLessThan(80);
    expect(Math.max(...sides)).toBeGreaterThan(120);
  });

  it('takes given anchor scales and top N, and refuses zero iterations', () => {
    const job = buildRpnOnlyJob(train, { runId: 'r', config: saved, backend: 'wasm', sizes, iterations: 10, anchorScales: [2, 4], testTopN: 500, testNmsIou: 0.5, flip: false });
    expect(job.rpn?.anchors.scales).toEqual([2, 4]);
    expect(job.rpn?.testProposals).toMatchObject({ postNmsTopN: 500, nmsIou: 0.5, preNmsTopN: 6000 });
    expect(job.config.useFlipped).toBe(false);
    expect(() => buildRpnOnlyJob(train, { runId: 'r', config: saved, backend: 'wasm', sizes, iterations: 0 })).toThrow('positive whole number of iterations');
  });
});

describe('withRpnFiles', () => {
  async function savedFiles(extra: { name: string; tensor: tf.Tensor }[] = []): Promise<ModelFiles> {
    const named = [
      { name: 'head/fc7/kernel', tensor: tf.tensor2d([0.1, -2.5, 3e-7, 1e9], [2, 2]) },
      { name: 'backbone/w', tensor: tf.tensor1d([Math.PI, -0]) },
      ...extra,
    ];
    const { data, specs } = await tf.io.encodeWeights(named);
    const modelJson = JSON.stringify({
      format: DETECTOR_FORMAT, generatedBy: 'test',
      modelTopology: { format: DETECTOR_FORMAT, version: 1, config: { ...saved, detect: { ...saved.detect, deltaClampLog: null } } },
      weightsManifest: [{ paths: ['weights.bin'], weights: specs }],
    });
    return { modelJson, weights: data as ArrayBuffer };
  }

  it("adds the RPN's section and weights and keeps every other weight and setting as saved", async () => {
    const files = await savedFiles();
    const rpn = RpnHead.create({ inChannels: 4, convChannels: 3, anchorsPerCell: 2 }, 5);
    const rpnConfig = { ...buildRpnOnlyJob([spec('a', 40)], { runId: 'r', config: saved, backend: 'wasm', sizes, iterations: 1 }).rpn! };
    const out = await withRpnFiles(files, rpnConfig, rpn);
    const json = JSON.parse(out.modelJson);
    const before = JSON.parse(files.modelJson);
    expect(json.modelTopology.config).toEqual({ ...before.modelTopology.config, rpn: JSON.parse(JSON.stringify(rpnConfig)) });
    const names = json.weightsManifest[0].weights.map((w: { name: string }) => w.name);
    expect(names).toEqual(['head/fc7/kernel', 'backbone/w', 'rpn/rpn_conv/kernel', 'rpn/rpn_conv/bias', 'rpn/rpn_cls_score/kernel', 'rpn/rpn_cls_score/bias', 'rpn/rpn_bbox_pred/kernel', 'rpn/rpn_bbox_pred/bias']);
    // the saved weights' bytes come first, unchanged
    expect(new Uint8Array(out.weights.slice(0, files.weights.byteLength))).toEqual(new Uint8Array(files.weights));
    const decoded = tf.io.decodeWeights(out.weights, json.weightsManifest[0].weights);
    expect(Array.from(await decoded['rpn/rpn_conv/kernel'].data())).toEqual(Array.from(await rpn.weights().get('rpn_conv/kernel')!.data()));
    tf.dispose(Object.values(decoded));
    rpn.dispose();
  });

  it('replaces the RPN a model already had', async () => {
    const files = await savedFiles([{ name: 'rpn/old', tensor: tf.tensor1d([7]) }]);
    const rpn = RpnHead.create({ inChannels: 2, convChannels: 2, anchorsPerCell: 1 }, 1);
    const rpnConfig = buildRpnOnlyJob([spec('a', 40)], { runId: 'r', config: saved, backend: 'wasm', sizes, iterations: 1 }).rpn!;
    const out = await withRpnFiles(files, rpnConfig, rpn);
    const names: string[] = JSON.parse(out.modelJson).weightsManifest[0].weights.map((w: { name: string }) => w.name);
    expect(names).not.toContain('rpn/old');
    expect(names.filter((n) => n.startsWith('rpn/'))).toHaveLength(6);
    rpn.dispose();
  });
});

describe("the trainer with only the RPN's weights trainable (TrainingLoop's RPN-only stage)", () => {
  it('changes the RPN and leaves the head, reduce conv included, exactly as it was', async () => {
    const [w, h] = [160, 128];
    const head = RoiHead.create({ inChannels: 8, numClasses: 1, head: { ...DEFAULT_HEAD, reduceChannels: 8, fc6: 16, fc7: 16, dropoutRate: 0 } }, 3);
    const rpn = RpnHead.create({ inChannels: 8, convChannels: 8, anchorsPerCell: 3 }, 4);
    const anchors = { baseSize: 16, ratios: [0.5, 1, 2], scales: [3], featureStride: 16 };
    const map = tf.randomUniform([1, h / 16, w / 16, 8], 0, 1, 'float32', 5) as tf.Tensor4D;
    const roidb = buildRoidb([{ imageIndex: 0, width: w, height: h, gtBoxes: Float32Array.from([20, 20, 70, 70]), gtClasses: [1], proposals: Float32Array.from([10, 10, 60, 60, 80, 40, 150, 120]) }], []);
    const snapshot = async (weights: ReadonlyMap<string, tf.Tensor>) => Promise.all([...weights.values()].map(async (t) => Array.from(await t.data())));
    const headBefore = await snapshot(head.weights());
    const rpnBefore = await snapshot(rpn.weights());
    const trainer = new Trainer({
      config: { ...DEFAULT_TRAIN_CONFIG, solver: { ...scaledSolver(3), baseLr: 0.1 } }, roidb, numClasses: 1, head, featureStride: 16,
      stats: roidbTargetStats(roidb, 1), featuresOf: () => ({ features: map.clone(), scale: 1 }),
      rpn: { head: rpn, anchors, targets: { ...DEFAULT_ANCHOR_TARGETS, allowedBorder: 1000 } },
      trainableNames: rpn.prefixedParameters().map((p) => p.name),
    });
    for (let i = 0; i < 3; i++) expect((await trainer.step()).finite).toBe(true);
    trainer.dispose();
    expect(await snapshot(head.weights())).toEqual(headBefore);
    expect(await snapshot(rpn.weights())).not.toEqual(rpnBefore);
    tf.dispose([map]);
    head.dispose();
    rpn.dispose();
  });
});
