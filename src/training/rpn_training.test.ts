/**
 * The RPN learns (issue 18): a few dozen SGD steps of the RPN head on a tiny synthetic feature map with one box,
 * through the pieces training will use (rpnImageLoss: anchors, target assignment and sampling, rpnLoss; MomentumSgd;
 * the proposal stage's rpnProposals), and one step on wasm, whose conv has no filter gradient, against cpu.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { iou, packBoxes, type Box } from '../geometry/box';
import { RpnHead } from '../model/rpn_head';
import { rpnProposals } from '../pipeline/rpn_proposals';
import { boxSizes, chooseAnchorScales } from '../proposals/rpn/anchor_scales';
import { DEFAULT_ANCHOR_TARGETS, TEST_PROPOSALS, type AnchorSettings } from '../proposals/rpn/settings';
import { DEFAULT_SOLVER } from './defaults';
import { createRng } from './rng';
import { rpnImageLoss } from './rpn_image_loss';
import { MomentumSgd } from './sgd';

const H = 14;
const W = 18;
const C = 6;
const image = { width: W * 16, height: H * 16 };
const gtBox: Box = [60, 30, 180, 150]; // 120 px: 128-px anchors, 5 of them with IoU >= 0.7
const gt = packBoxes([gtBox]);
const anchorSettings: AnchorSettings = { baseSize: 16, ratios: [0.5, 1, 2], scales: chooseAnchorScales(boxSizes(gt)), featureStride: 16 };
const headShape = { inChannels: C, convChannels: 16, anchorsPerCell: 3 };

/** Channel 0 marks the cells whose centre lies in the box, channel 1 the box's edge cells; the rest is noise. */
function syntheticFeatures(): tf.Tensor4D {
  const rng = createRng(9);
  const values = new Float32Array(H * W * C);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const o = (y * W + x) * C;
      const [cx, cy] = [16 * x + 8, 16 * y + 8];
      const inside = cx > gtBox[0] && cx < gtBox[2] && cy > gtBox[1] && cy < gtBox[3];
      const edge = inside && (cx - 16 < gtBox[0] || cx + 16 > gtBox[2] || cy - 16 < gtBox[1] || cy + 16 > gtBox[3]);
      values[o] = inside ? 1 : 0;
      values[o + 1] = edge ? 1 : 0;
      for (let c = 2; c < C; c++) values[o + c] = 0.2 * rng();
    }
  }
  return tf.tensor4d(values, [1, H, W, C]);
}

/** One SGD step on freshly sampled targets; returns the loss before the step. */
function trainStep(head: RpnHead, optimizer: MomentumSgd, features: tf.Tensor4D, rng: () => number, lr: number): number {
  const { value, grads } = tf.variableGrads(() =>
    tf.tidy(() => rpnImageLoss(head, { features, gt, inputSize: image }, anchorSettings, DEFAULT_ANCHOR_TARGETS, rng).total),
  );
  const byName: Record<string, tf.Tensor> = {};
  for (const p of optimizer.params) byName[p.name] = grads[p.variable.name];
  optimizer.apply(byName, lr);
  const loss = value.dataSync()[0];
  tf.dispose([value, ...Object.values(grads)]);
  return loss;
}

async function topProposalIou(head: RpnHead, features: tf.Tensor4D): Promise<number> {
  const layer = { ...TEST_PROPOSALS, postNmsTopN: 10 };
  const proposals = await rpnProposals(head, features, { inputSize: image, imageScale: 1, anchors: anchorSettings, layer });
  return iou([proposals.boxes[0], proposals.boxes[1], proposals.boxes[2], proposals.boxes[3]], gtBox);
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});
afterAll(async () => {
  await tf.setBackend('cpu');
});

describe('training the RPN head', () => {
  test('lowers the loss and puts its top proposal on the box, leaking no tensor', async () => {
    const features = syntheticFeatures();
    const head = RpnHead.create(headShape, 3);
    const optimizer = new MomentumSgd(head.parameters(), DEFAULT_SOLVER);
    const before = tf.memory().numTensors;
    const untrainedIou = await topProposalIou(head, features);
    const rng = createRng(1);
    const losses: number[] = [];
    for (let step = 0; step < 40; step++) losses.push(trainStep(head, optimizer, features, rng, 0.2));
    const trainedIou = await topProposalIou(head, features);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    console.log(`RPN on a ${H}x${W}x${C} map: loss ${mean(losses.slice(0, 5)).toFixed(3)} -> ${mean(losses.slice(-5)).toFixed(3)}, top proposal IoU ${untrainedIou.toFixed(2)} -> ${trainedIou.toFixed(2)}`);
    expect(untrainedIou).toBeLessThan(0.5); // the assertion below can fail
    expect(mean(losses.slice(-5))).toBeLessThan(0.5 * mean(losses.slice(0, 5)));
    expect(trainedIou).toBeGreaterThan(0.5);
    expect(tf.memory().numTensors).toBe(before); // steps and proposals leave nothing behind
    head.dispose();
    optimizer.dispose();
    features.dispose();
  });

  test('takes one step on wasm (no conv filter gradient there) with the loss and gradients of cpu', async () => {
    const run = async (backend: string) => {
      await tf.setBackend(backend);
      const features = syntheticFeatures();
      const head = RpnHead.create(headShape, 5);
      const { value, grads } = tf.variableGrads(() =>
        tf.tidy(() => rpnImageLoss(head, { features, gt, inputSize: image }, anchorSettings, DEFAULT_ANCHOR_TARGETS, createRng(2)).total),
      );
      const names = new Map([...head.weights()].map(([name, v]) => [v.name, name]));
      const byName: Record<string, number[]> = {};
      for (const [k, g] of Object.entries(grads)) byName[names.get(k) ?? k] = Array.from(g.dataSync());
      const loss = value.dataSync()[0];
      tf.dispose([value, ...Object.values(grads), features]);
      head.dispose();
      return { loss, byName };
    };
    const wasm = await run('wasm');
    expect(tf.getBackend()).toBe('wasm');
    const cpu = await run('cpu');
    expect(wasm.loss).toBeCloseTo(cpu.loss, 5);
    expect(Object.keys(wasm.byName).sort()).toEqual(Object.keys(cpu.byName).sort());
    for (const [name, g] of Object.entries(cpu.byName)) {
      const scale = Math.max(...g.map(Math.abs));
      expect(scale).toBeGreaterThan(0);
      wasm.byName[name].forEach((v, i) => expect(Math.abs(v - g[i])).toBeLessThan(1e-4 * scale + 1e-7));
    }
  });
});
