import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { DEFAULT_HEAD } from '../model/defaults';
import { DEFAULT_TRAIN_CONFIG, scaledSolver } from './defaults';
import { RoiHead } from '../model/heads';
import { buildRoidb } from './roidb';
import { roidbTargetStats } from './targets';
import { Trainer } from './trainer';

await tf.setBackend('cpu');

/** Two tiny synthetic images whose "features" light up where the object is, so the head can learn it. */
function synthetic() {
  const images = [0, 1].map((i) => {
    const x = 16 + 32 * i;
    const proposals: number[] = [];
    for (let dx = -24; dx <= 24; dx += 8) for (let w = 24; w <= 48; w += 12) proposals.push(x + dx, 16, x + dx + w, 48);
    return { imageIndex: i, width: 128, height: 64, gtBoxes: Float32Array.of(x, 16, x + 32, 48), gtClasses: [1], proposals: Float32Array.from(proposals) };
  });
  const features = images.map((im) => {
    const data = new Float32Array(4 * 8 * 4);
    const cx = Math.floor((im.gtBoxes[0] + 16) / 16);
    for (let y = 1; y < 3; y++) data[(y * 8 + cx) * 4] = 1;
    return data;
  });
  return { images, features };
}

describe('Trainer', () => {
  it('lowers the multi-task loss on a toy problem and exposes a resumable state', async () => {
    const { images, features } = synthetic();
    const roidb = buildRoidb(images, []);
    const config = { ...DEFAULT_TRAIN_CONFIG, solver: { ...scaledSolver(40), baseLr: 0.01 }, sampling: { ...DEFAULT_TRAIN_CONFIG.sampling, roisPerBatch: 32 } };
    const head = RoiHead.create({ inChannels: 4, numClasses: 1, head: { ...DEFAULT_HEAD, reduceChannels: 8, fc6: 32, fc7: 32, dropoutRate: 0 } }, 1);
    const trainer = new Trainer({
      config, roidb, numClasses: 1, head, featureStride: 16, stats: roidbTargetStats(roidb, 1),
      featuresOf: (e) => ({ features: tf.tensor4d(features[e.imageIndex], [1, 4, 8, 4]), scale: 1 }),
    });
    const losses: number[] = [];
    for (let i = 0; i < 40; i++) losses.push((await trainer.step()).loss.total);
    const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
    expect(mean(losses.slice(-8))).toBeLessThan(mean(losses.slice(0, 8)));
    const state = await trainer.state();
    expect(state.iteration).toBe(40);
    expect(state.history.length).toBe(head.parameters().length);
  });
});
