/**
 * vite-node scripts/scale/parity_reference.ts -- --out DIR [--model public/models/bccd/model.json]
 *
 * The page's side of the PyTorch parity tests (scale/tests/test_parity.py), computed by our own src/model and
 * src/training code on tfjs cpu in Node, written as raw little-endian arrays plus one index file (reference.json):
 * 1. forward: a synthetic image and proposals through a saved model (backbone, reduce, RoI pooling, fc6 as its
 *    rank-128 SVD, fc7, siblings): the softmax probabilities, the deltas and the decoded, clipped class boxes;
 * 2. one SGD step: a fresh dense head and the trainable expanded_conv_12 block (conv fine-tuning), two images' frozen
 *    prefix features, the roidb built from their gt boxes and proposals, then src/training/trainer.ts's step() with
 *    the sampler's seed: the loss terms and every updated weight.
 */
import * as tf from '@tensorflow/tfjs';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_HEAD, type DetectorConfig } from '../../src/model/defaults';
import { classifyRois } from '../../src/model/classify_rois';
import { RoiHead } from '../../src/model/heads';
import { classBoxes } from '../../src/model/postprocess';
import { imageToTensor, resizeImage, type RgbaPixels } from '../../src/model/preprocess';
import { projectRois, pyramidLevels } from '../../src/model/pyramid';
import { centernetHandler, loadNodeBackbone } from '../../src/model/testing/node_backbone';
import { artifactsFromFiles, detectorFromArtifacts } from '../../src/model/weights_io';
import { DEFAULT_TRAIN_CONFIG, type TrainConfig } from '../../src/training/defaults';
import { buildRoidb } from '../../src/training/roidb';
import { createRng } from '../../src/training/rng';
import { sampleRoisForImage } from '../../src/training/sampler';
import { roidbTargetStats } from '../../src/training/targets';
import { Trainer } from '../../src/training/trainer';
import { imageScale } from '../../src/model/preprocess';

const { values: a } = parseArgs({ options: { out: { type: 'string' }, model: { type: 'string', default: 'public/models/bccd/model.json' } } });
if (!a.out) throw new Error('usage: parity_reference.ts --out DIR [--model model.json]');
const out = a.out;
mkdirSync(out, { recursive: true });
await tf.setBackend('cpu');

const index: Record<string, unknown> = {};
function save(name: string, values: Float32Array | Int32Array, shape: number[]): void {
  const file = `${name.replace(/[^A-Za-z0-9_.-]/g, '_')}.bin`;
  writeFileSync(join(out, file), Buffer.from(values.buffer, values.byteOffset, values.byteLength));
  index[name] = { file, dtype: values instanceof Int32Array ? 'int32' : 'float32', shape };
}

/** A smooth, textured RGB image (no decoder involved: both sides read these exact pixels). */
function syntheticImage(width: number, height: number, seed: number): RgbaPixels {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let p = 0; p < width * height; p++) {
    const [x, y] = [p % width, Math.floor(p / width)];
    const blob = Math.hypot(x - width * 0.4, y - height * 0.5) < height * 0.25 ? 90 : 0;
    data.set([(x * 3 + seed * 17 + blob) % 256, (y * 5 + ((x * y) % 7) * 9) % 256, (Math.floor(128 + 100 * Math.sin((x + y + seed) / 9)) + blob) % 256, 255], 4 * p);
  }
  return { width, height, data };
}

function rgbOf(image: RgbaPixels): Float32Array {
  const rgb = new Float32Array(image.width * image.height * 3);
  for (let p = 0; p < image.width * image.height; p++) for (let c = 0; c < 3; c++) rgb[3 * p + c] = image.data[4 * p + c];
  return rgb;
}

function proposalsFor(width: number, height: number, count: number, seed: number): Float32Array {
  const boxes = new Float32Array(4 * count);
  for (let i = 0; i < count; i++) {
    const x = ((i * 37 + seed * 11) % (width - 40)) + 0.25;
    const y = ((i * 53 + seed * 7) % (height - 40)) + 0.5;
    boxes.set([x, y, Math.min(width, x + 20 + (i % 7) * 13.5), Math.min(height, y + 18 + (i % 5) * 15.25)], 4 * i);
  }
  return boxes;
}

// ---- 1. forward parity with a shipped model ----
const modelJson = readFileSync(a.model!, 'utf8');
const weightsBin = readFileSync(join(dirname(a.model!), 'weights.bin'));
const artifacts = artifactsFromFiles({ modelJson, weights: weightsBin.buffer.slice(weightsBin.byteOffset, weightsBin.byteOffset + weightsBin.byteLength) });
const detector = await detectorFromArtifacts(artifacts, { backboneSource: centernetHandler() });
const config: DetectorConfig = detector.config;
const image = syntheticImage(283, 211, 1);
const proposals = proposalsFor(image.width, image.height, 96, 1);
save('forward_image', rgbOf(image), [image.height, image.width, 3]);
save('forward_proposals', proposals, [proposals.length / 4, 4]);
// the model's own 800 px would take a minute on tfjs cpu: both sides run at this smaller scale instead
const input = { scales: [224], maxSize: 400 };
const [level] = pyramidLevels(image, input);
const pixels = imageToTensor(image);
const resized = resizeImage(pixels, level.scale);
const reduced = detector.featureMap(resized);
const head = await classifyRois(detector.head, reduced, projectRois(proposals, new Int32Array(proposals.length / 4), [level.scale]), config.backbone.featureStride);
const boxes = classBoxes(proposals, head.deltas, config.bboxNormalization, image, config.detect);
save('forward_probs', head.probabilities, [proposals.length / 4, config.classNames.length + 1]);
save('forward_deltas', head.deltas, [proposals.length / 4, 4 * (config.classNames.length + 1)]);
save('forward_boxes', boxes, [proposals.length / 4, 4 * (config.classNames.length + 1)]);
index.forward = { model: a.model, input, scale: level.scale };
tf.dispose([pixels, resized, reduced]);
detector.dispose();

// ---- 2. one SGD step ----
const classNames = ['a', 'b'];
const trainConfig: TrainConfig = {
  ...DEFAULT_TRAIN_CONFIG, useFlipped: false, scale: 160, maxSize: 240, seed: 5,
  sampling: { ...DEFAULT_TRAIN_CONFIG.sampling, imagesPerBatch: 2, roisPerBatch: 64 },
  solver: { ...DEFAULT_TRAIN_CONFIG.solver, baseLr: 0.01, iterations: 1 },
  trainable: { kind: 'conv', firstLayer: 'expanded_conv_12' },
};
const headConfig = { ...DEFAULT_HEAD, reduceChannels: 32, fc6: 64, fc7: 48, dropoutRate: 0 };
const backbone = await loadNodeBackbone({ trainableFrom: 'expanded_conv_12' });
const stepImages = [syntheticImage(230, 170, 2), syntheticImage(190, 250, 3)];
const gt = [
  { boxes: [20, 30, 120, 140, 130.5, 20, 210, 90], classes: [1, 2] },
  { boxes: [10, 40, 100, 200, 90, 10, 180, 120.75], classes: [2, 1] },
];
const features: tf.Tensor4D[] = [];
const scales: number[] = [];
stepImages.forEach((img, i) => {
  const scale = imageScale(img, trainConfig.scale, trainConfig.maxSize);
  const px = imageToTensor(img);
  const input = resizeImage(px, scale);
  const prefix = backbone.frozenPrefix(input);
  features.push(prefix);
  scales.push(scale);
  save(`step_image${i}`, rgbOf(img), [img.height, img.width, 3]);
  save(`step_prefix${i}`, prefix.dataSync() as Float32Array, prefix.shape);
  save(`step_proposals${i}`, proposalsFor(img.width, img.height, 150, i + 2), [150, 4]);
  save(`step_gt${i}`, Float32Array.from(gt[i].boxes), [gt[i].boxes.length / 4, 4]);
  save(`step_gt_classes${i}`, Int32Array.from(gt[i].classes), [gt[i].classes.length]);
  tf.dispose([px, input]);
});
const roidb = buildRoidb(stepImages.map((img, i) => ({
  imageIndex: i, width: img.width, height: img.height, gtBoxes: Float32Array.from(gt[i].boxes), gtClasses: gt[i].classes,
  proposals: proposalsFor(img.width, img.height, 150, i + 2),
})), ['none']);
const stats = roidbTargetStats(roidb, classNames.length);
// the recipe's per-class foreground balance and background from anywhere, on the first image, with its own seed
const perClassSampling = { ...trainConfig.sampling, fgBalance: 'per-class' as const, bgThreshLo: 0, roisPerBatch: 96 };
const perClass = sampleRoisForImage(roidb[0], perClassSampling, createRng(11));
save('sample_per_class', perClass.roiIndices, [perClass.roiIndices.length]);
index.samplePerClass = { seed: 11, sampling: perClassSampling, numFg: perClass.numFg };
save('step_stats_means', Float32Array.from(stats.means), [stats.means.length]);
save('step_stats_stds', Float32Array.from(stats.stds), [stats.stds.length]);
const stepHead = RoiHead.create({ inChannels: backbone.outputChannels, numClasses: classNames.length, head: headConfig }, 7);
const params = [...backbone.modifiableWeights()].map(([name, variable]) => ({ name: `backbone/${name}`, variable, isBias: /bias|offset/i.test(name) }));
const dump = (prefix: string) => {
  for (const p of [...params, ...stepHead.parameters()]) save(`${prefix}/${p.name}`, p.variable.dataSync() as Float32Array, p.variable.shape);
};
dump('before');
const trainer = new Trainer({
  config: trainConfig, roidb, stats, numClasses: classNames.length, head: stepHead, featureStride: 16,
  featuresOf: (entry) => ({ features: tf.clone(features[entry.imageIndex]), scale: scales[entry.imageIndex] }),
  suffix: { forward: (prefix) => backbone.trainableSuffix(prefix), params },
});
const step = await trainer.step();
dump('after');
index.step = {
  config: trainConfig, head: headConfig, classNames, scales, loss: step.loss, rois: step.rois, foreground: step.foreground,
  learningRate: step.learningRate, params: [...params, ...stepHead.parameters()].map((p) => ({ name: p.name, isBias: p.isBias })),
};
writeFileSync(join(out, 'reference.json'), JSON.stringify(index, null, 1));
process.stderr.write(`parity reference written to ${out}: step loss ${JSON.stringify(step.loss)}, ${step.rois} RoIs (${step.foreground} fg)\n`);
