import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DEFAULT_HEAD, makeDetectorConfig } from './defaults';
import type { DetectionResult } from './detection_types';
import { FastRcnnDetector } from './detector';
import { centernetHandler } from './testing/node_backbone';
import { detectorArtifacts, loadDetector } from './weights_io';

const classNames = ['rbc', 'wbc', 'platelet'];
const config = makeDetectorConfig(classNames, {
  head: { ...DEFAULT_HEAD, reduceChannels: 16, fc6: 32, fc7: 24 },
  input: { scales: [96], maxSize: 160 },
});
const image = (() => {
  const width = 120;
  const height = 90;
  const data = new Uint8ClampedArray(width * height * 4);
  for (let p = 0; p < width * height; p++) {
    const [x, y] = [p % width, Math.floor(p / width)];
    data.set([(x * 2) % 256, (y * 3) % 256, (x * y) % 256, 255], 4 * p);
  }
  return { width, height, data };
})();
const proposals = Array.from({ length: 40 }, (_, i) => {
  const x = (i * 7) % 80;
  const y = (i * 5) % 60;
  return [x, y, x + 20 + (i % 4) * 8, y + 15 + (i % 3) * 9] as const;
});

let detector: FastRcnnDetector;
beforeAll(async () => {
  await tf.setBackend('cpu');
  detector = await FastRcnnDetector.create(config, { backboneSource: centernetHandler(), seed: 11 });
});
afterAll(() => detector.dispose());

/** Everything but the timings, which differ from run to run. */
function comparable(result: DetectionResult): unknown {
  return { ...result, timesMs: undefined };
}

describe('a detector with untrained heads', () => {
  test('warmUp runs one small detection, leaves no tensor behind and changes no result', async () => {
    const all = { scoreThreshold: 0, candidateScoreThreshold: -1 };
    const before = await detector.detect(image, proposals, all);
    const tensors = tf.memory().numTensors;
    const ms = await detector.warmUp();
    expect(ms).toBeGreaterThan(0);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(comparable(await detector.detect(image, proposals, all))).toEqual(comparable(before));
  });

  test('a signal aborted while the network runs stops it between stages, without leaking tensors', async () => {
    const all = { scoreThreshold: 0, candidateScoreThreshold: -1 };
    const before = tf.memory().numTensors;
    const stages: string[] = [];
    const controller = new AbortController();
    // a cancel arrives as a task (a worker message, a timer): the network must yield to see it
    setTimeout(() => controller.abort(new DOMException('cancelled', 'AbortError')), 0);
    const run = detector.detect(image, proposals, all, controller.signal).then(
      () => stages.push('finished'),
      (error: unknown) => stages.push((error as Error).name),
    );
    await run;
    expect(stages).toEqual(['AbortError']);
    expect(tf.memory().numTensors).toBe(before);
    // not aborted: the same call finishes
    const done = await detector.detect(image, proposals, all, new AbortController().signal);
    expect(done.candidatesPerClass.length).toBe(classNames.length);
  });

  test('test flips average every proposal over the image and its mirror, without leaking tensors', async () => {
    const all = { scoreThreshold: 0, candidateScoreThreshold: -1 };
    const before = tf.memory().numTensors;
    const averaged = await detector.detect(image, proposals, { ...all, testFlips: ['h'] });
    expect(tf.memory().numTensors).toBe(before);
    const plain = await detector.detect(image, proposals, all);
    const mirroredData = new Uint8ClampedArray(image.data.length);
    for (let y = 0; y < image.height; y++) {
      for (let x = 0; x < image.width; x++) {
        const from = 4 * (y * image.width + x);
        mirroredData.set(image.data.subarray(from, from + 4), 4 * (y * image.width + image.width - 1 - x));
      }
    }
    const mirror = (b: readonly number[]) => [120 - b[2], b[1], 120 - b[0], b[3]];
    const mirrored = await detector.detect({ ...image, data: mirroredData }, proposals.map((b) => mirror(b) as unknown as readonly [number, number, number, number]), all);
    const byProposal = (result: DetectionResult, k: number) => new Map(result.candidatesPerClass[k].candidates.map((c) => [c.proposalIndex, c]));
    for (let k = 0; k < classNames.length; k++) {
      const [p, m] = [byProposal(plain, k), byProposal(mirrored, k)];
      expect(averaged.candidatesPerClass[k].candidates).toHaveLength(40);
      for (const c of averaged.candidatesPerClass[k].candidates) {
        const [a, b] = [p.get(c.proposalIndex)!, m.get(c.proposalIndex)!];
        expect(c.score).toBeCloseTo((a.score + b.score) / 2, 5);
        const back = mirror(b.box);
        c.box.forEach((v, i) => expect(v).toBeCloseTo((a.box[i] + back[i]) / 2, 3));
      }
    }
  });

  test('runs end to end and returns what the page draws', async () => {
    const result = await detector.detect(image, proposals, { scoreThreshold: 0 });
    expect(result.imageWidth).toBe(120);
    expect(result.proposals).toHaveLength(40);
    expect(result.candidatesPerClass.map((c) => c.className)).toEqual(classNames);
    // untrained: softmax ≈ uniform (1/4 > 0.05), so every proposal is a candidate of every class
    for (const c of result.candidatesPerClass) expect(c.candidates).toHaveLength(40);
    expect(result.detections.length).toBeGreaterThan(0);
    expect(result.detections.length).toBeLessThanOrEqual(100);
    for (const d of result.detections) {
      expect(d.boxBeforeRegression).toEqual(result.proposals[d.proposalIndex]);
      expect(d.box[0]).toBeGreaterThanOrEqual(0);
      expect(d.box[2]).toBeLessThanOrEqual(120);
      expect(d.classProbabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    }
    for (const key of ['preprocess', 'backbone', 'roiPool', 'fc', 'nms', 'total'] as const) expect(result.timesMs[key]).toBeGreaterThanOrEqual(0);
    expect(result.backend).toBe('cpu');
  });

  test('leaks no tensors and handles no proposals', async () => {
    await detector.detect(image, proposals);
    const before = tf.memory().numTensors;
    await detector.detect(image, proposals);
    const empty = await detector.detect(image, []);
    expect(empty.detections).toEqual([]);
    expect(tf.memory().numTensors).toBe(before);
  });

  test('runs an image pyramid (each RoI at its own level)', async () => {
    const pyramid = await FastRcnnDetector.create({ ...config, input: { scales: [64, 96, 128], maxSize: 200 } }, { backboneSource: centernetHandler() });
    const result = await pyramid.detect(image, proposals);
    expect(result.candidatesPerClass[0].candidates.length).toBe(40);
    pyramid.dispose();
  });
});

describe('save and load', () => {
  test('the round trip is exact: config, weights, fine-tuned backbone layers and detections', async () => {
    detector.setBboxNormalization({ means: Array.from({ length: 16 }, (_, i) => i / 100), stds: Array.from({ length: 16 }, (_, i) => 0.1 + i / 50) });
    const conv = detector.backbone.modifiableWeights().get('tower_0/MobilenetV3/expanded_conv_6/project/Conv2D_weights') as tf.Variable;
    conv.assign(tf.tidy(() => tf.mul(conv, 1.01)));
    const before = await detector.detect(image, proposals);
    const artifacts = await detectorArtifacts(detector);
    const loaded = await loadDetector(tf.io.fromMemory(artifacts), { backboneSource: centernetHandler() });
    expect(loaded.config).toEqual(detector.config);
    for (const [name, v] of detector.head.weights()) {
      expect(Array.from(await loaded.head.weights().get(name)!.data())).toEqual(Array.from(await v.data()));
    }
    const reloadedConv = loaded.backbone.modifiableWeights().get('tower_0/MobilenetV3/expanded_conv_6/project/Conv2D_weights')!;
    expect(Array.from(await reloadedConv.data())).toEqual(Array.from(await conv.data()));
    expect(comparable(await loaded.detect(image, proposals))).toEqual(comparable(before));
    loaded.dispose();
  });

  test('only the head and the trainable backbone layers are stored', async () => {
    const artifacts = await detectorArtifacts(detector);
    const names = artifacts.weightSpecs!.map((s) => s.name);
    expect(names.filter((n) => n.startsWith('head/'))).toHaveLength(10);
    expect(names.some((n) => n.includes('expanded_conv_5/'))).toBe(false);
    expect(names.some((n) => n.includes('expanded_conv_6/'))).toBe(true);
    await expect(loadDetector(tf.io.fromMemory({ ...artifacts, modelTopology: { format: 'other' } }))).rejects.toThrow(/not a saved detector/);
  });
});

/** W [rows, cols] (row-major) minus left [rows, l] · right [l, cols], relative Frobenius norm, in float64. */
function reconstructionError(w: ArrayLike<number>, left: ArrayLike<number>, right: ArrayLike<number>, rows: number, cols: number): number {
  const rank = left.length / rows;
  let diff = 0;
  let norm = 0;
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      let product = 0;
      for (let k = 0; k < rank; k++) product += left[i * rank + k] * right[k * cols + j];
      diff += (w[i * cols + j] - product) ** 2;
      norm += w[i * cols + j] ** 2;
    }
  }
  return Math.sqrt(diff / norm);
}

/**
 * The least relative Frobenius error of any rank-`rank` approximation of W (Eckart–Young): sqrt(1 − E/‖W‖²), E the
 * energy of W's top-`rank` right singular subspace. Found independently of svd.ts, by orthogonal (block power)
 * iteration on WᵀW with Gram–Schmidt, in float64.
 */
function eckartYoungError(w: ArrayLike<number>, rows: number, cols: number, rank: number): number {
  const gram = new Float64Array(cols * cols);
  for (let i = 0; i < rows; i++) for (let a = 0; a < cols; a++) for (let b = 0; b < cols; b++) gram[a * cols + b] += w[i * cols + a] * w[i * cols + b];
  let q = Array.from({ length: rank }, (_, k) => Float64Array.from({ length: cols }, (_, i) => Math.sin(1 + i * 7 + k * 13)));
  for (let iteration = 0; iteration < 3000; iteration++) {
    q = q.map((v) => Float64Array.from({ length: cols }, (_, a) => v.reduce((sum, x, b) => sum + gram[a * cols + b] * x, 0)));
    q.forEach((v, k) => {
      for (let j = 0; j < k; j++) {
        const dot = v.reduce((sum, x, i) => sum + x * q[j][i], 0);
        v.forEach((x, i) => (v[i] = x - dot * q[j][i]));
      }
      const length = Math.hypot(...v);
      v.forEach((x, i) => (v[i] = x / length));
    });
  }
  let total = 0;
  for (let a = 0; a < cols; a++) total += gram[a * cols + a];
  const kept = q.reduce((sum, v) => sum + v.reduce((s, x, a) => s + x * v.reduce((t, y, b) => t + gram[a * cols + b] * y, 0), 0), 0);
  return Math.sqrt(Math.max(0, 1 - kept / total));
}

describe('truncated SVD of fc6 and fc7', () => {
  test('full rank changes nothing; a lower rank reaches the Eckart–Young error, and the compressed model saves and loads', async () => {
    const d = await FastRcnnDetector.create(config, { backboneSource: centernetHandler(), seed: 5 });
    const before = await d.detect(image, proposals, { scoreThreshold: 0 });
    const fc7Kernel = await d.head.weights().get('fc7/kernel')!.data();
    const full = await d.compress({ fc6: 32, fc7: 24 });
    expect(full.map((r) => r.relativeError)).toEqual([expect.closeTo(0, 5), expect.closeTo(0, 5)]);
    // The factors rebuild the kernel to float32 rounding.
    const [fc7Left, fc7Right] = await Promise.all(['fc7/left', 'fc7/right'].map((n) => d.head.weights().get(n)!.data()));
    expect(reconstructionError(fc7Kernel, fc7Left, fc7Right, 32, 24)).toBeLessThan(1e-5);
    const after = await d.detect(image, proposals, { scoreThreshold: 0 });
    const probs = (r: DetectionResult) => r.detections.flatMap((x) => x.classProbabilities);
    probs(after).forEach((p, i) => expect(p).toBeCloseTo(probs(before)[i], 5));
    expect(d.config.head).toMatchObject({ fc6Rank: 32, fc7Rank: 24 });

    const d2 = await FastRcnnDetector.create(config, { backboneSource: centernetHandler(), seed: 5 });
    const rows = 7 * 7 * 16;
    const fc6Kernel = await d2.head.weights().get('fc6/kernel')!.data();
    const [fc6] = await d2.compress({ fc6: 8 });
    expect(d2.head.weights().get('fc6/left')!.shape).toEqual([rows, 8]);
    const [left, right] = await Promise.all(['fc6/left', 'fc6/right'].map((n) => d2.head.weights().get(n)!.data()));
    const measured = reconstructionError(fc6Kernel, left, right, rows, 32);
    // Rank 8 of 32 must lose something, exactly the optimum, and report what it lost: a wrong basis, a wrong
    // ordering of the singular values or a wrong error formula each miss one of these by far more than 1e-4.
    expect(measured).toBeGreaterThan(0.1);
    expect(measured).toBeCloseTo(eckartYoungError(fc6Kernel, rows, 32, 8), 4);
    expect(fc6.relativeError).toBeCloseTo(measured, 4);
    const loaded = await loadDetector(tf.io.fromMemory(await detectorArtifacts(d2)), { backboneSource: centernetHandler() });
    expect(comparable(await loaded.detect(image, proposals))).toEqual(comparable(await d2.detect(image, proposals)));
    [d, d2, loaded].forEach((x) => x.dispose());
  });
});
