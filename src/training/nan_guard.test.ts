import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { DEFAULT_HEAD } from '../model/defaults';
import { RoiHead } from '../model/heads';
import { saveCheckpoint } from './checkpoint_store';
import { DEFAULT_SOLVER, DEFAULT_TRAIN_CONFIG, scaledSolver } from './defaults';
import { NanGuard, NonFiniteTrainingError, allFinite, assertFiniteArrays, assertFiniteParams } from './nan_guard';
import { buildRoidb } from './roidb';
import { MomentumSgd } from './sgd';
import { roidbTargetStats } from './targets';
import { Trainer, type TrainerOptions } from './trainer';

await tf.setBackend('cpu');

function setup() {
  const w = tf.variable(tf.tensor1d([1, 2]));
  const params = [{ name: 'w', variable: w, isBias: false }];
  const sgd = new MomentumSgd(params, { ...DEFAULT_SOLVER, weightDecay: 0 });
  return { w, params, sgd, guard: new NanGuard(sgd, { lrFactor: 0.1, maxRetries: 2 }) };
}

/** One tiny image whose feature map lights up under its object; a head small enough for the CPU backend. */
function tinyTrainer(overrides: Partial<TrainerOptions> & { baseLr?: number } = {}) {
  const proposals: number[] = [];
  for (let dx = -16; dx <= 16; dx += 8) proposals.push(32 + dx, 16, 64 + dx, 48);
  const roidb = buildRoidb([{ imageIndex: 0, width: 128, height: 64, gtBoxes: Float32Array.of(32, 16, 64, 48), gtClasses: [1], proposals: Float32Array.from(proposals) }], []);
  const data = new Float32Array(4 * 8 * 4);
  for (let y = 1; y < 3; y++) data[(y * 8 + 3) * 4] = 1;
  const head = RoiHead.create({ inChannels: 4, numClasses: 1, head: { ...DEFAULT_HEAD, reduceChannels: 4, fc6: 8, fc7: 8, dropoutRate: 0 } }, 1);
  const config = {
    ...DEFAULT_TRAIN_CONFIG, maxNanRetries: 2,
    solver: { ...scaledSolver(20), baseLr: overrides.baseLr ?? 0.01 },
    sampling: { ...DEFAULT_TRAIN_CONFIG.sampling, imagesPerBatch: 1, roisPerBatch: 8 },
  };
  const trainer = new Trainer({
    config, roidb, numClasses: 1, head, featureStride: 16, stats: roidbTargetStats(roidb, 1),
    featuresOf: () => ({ features: tf.tensor4d(data, [1, 4, 8, 4]), scale: 1 }), ...overrides,
  });
  const snapshot = async () => [...(await Promise.all(head.parameters().map((p) => p.variable.data()))), ...(await trainer.state()).history.map((h) => h.data)].map((a) => Array.from(a));
  return { trainer, head, snapshot };
}

describe('NanGuard', () => {
  it('rolls back the update that led to a NaN loss and lowers the learning rate', () => {
    const { w, sgd, guard } = setup();
    guard.beforeUpdate();
    sgd.apply({ w: tf.tensor1d([1, 1]) }, 1); // w = [0, 1]: pretend the next loss is NaN
    guard.onNonFinite();
    expect(Array.from(w.dataSync())).toEqual([1, 2]);
    expect(guard.lrScale).toBeCloseTo(0.1, 12);
    expect(guard.events).toBe(1);
  });

  it('rolls back the momentum buffers with the weights', async () => {
    const { sgd, guard } = setup();
    sgd.apply({ w: tf.tensor1d([1, 1]) }, 1); // momentum [1, 1]
    guard.beforeUpdate();
    sgd.apply({ w: tf.tensor1d([5, 5]) }, 1); // momentum [5.9, 5.9]
    guard.onNonFinite();
    expect(Array.from((await sgd.historyArrays())[0].data)).toEqual([1, 1]);
  });

  it('gives up after maxRetries consecutive non-finite steps', () => {
    const { guard } = setup();
    guard.beforeUpdate();
    guard.onNonFinite();
    guard.onNonFinite();
    expect(() => guard.onNonFinite()).toThrow(NonFiniteTrainingError);
  });

  it('never lets a NaN model be saved', async () => {
    const { w, params } = setup();
    await expect(assertFiniteParams(params)).resolves.toBeUndefined();
    w.assign(tf.tensor1d([1, NaN]));
    await expect(assertFiniteParams(params)).rejects.toThrow(/Refusing to save the model: w has NaN/);
    expect(allFinite([1, Infinity])).toBe(false);
    expect(() => assertFiniteArrays([{ name: 'fc6/kernel', data: [0, -Infinity] }], 'the checkpoint')).toThrow(/Refusing to save the checkpoint: fc6\/kernel/);
  });

  it('refuses a checkpoint with a NaN weight or momentum before touching storage', async () => {
    const checkpoint = (data: Float32Array, history: Float32Array) => ({
      runId: 'nan', iteration: 4, savedAt: 0, weights: [{ name: 'fc6/kernel', shape: [2], data }],
      trainer: { iteration: 4, order: { permutation: [], cursor: 0 } as never, lrScale: 1, history: [{ name: 'fc6/kernel', shape: [2], data: history }] },
    });
    await expect(saveCheckpoint(checkpoint(Float32Array.of(1, NaN), Float32Array.of(0, 0)))).rejects.toThrow(NonFiniteTrainingError);
    await expect(saveCheckpoint(checkpoint(Float32Array.of(1, 2), Float32Array.of(Infinity, 0)))).rejects.toThrow(/iteration 4: fc6\/kernel has NaN\/Inf/);
  });
});

describe('a Trainer step with a NaN loss', () => {
  it('is rolled back (weights and momenta) and lowers the learning rate; training then goes on', async () => {
    const { trainer, snapshot } = tinyTrainer({ poisonLossAt: [3] });
    await trainer.step();
    const beforeSecondUpdate = await snapshot();
    const second = await trainer.step();
    expect(second.finite).toBe(true);
    const lrBefore = trainer.nextLearningRate();
    const poisoned = await trainer.step();
    expect(poisoned.finite).toBe(false);
    expect(Number.isNaN(poisoned.loss.total)).toBe(true);
    expect(await snapshot()).toEqual(beforeSecondUpdate); // back to before the update that produced the weights
    expect(trainer.nextLearningRate()).toBeCloseTo(lrBefore * 0.1, 12);
    const next = await trainer.step();
    expect(next.finite).toBe(true);
    expect(next.learningRate).toBeCloseTo(lrBefore * 0.1, 12);
    expect(trainer.guard.events).toBe(1);
  });

  it('gives up with a clear error after maxNanRetries NaN steps in a row', async () => {
    const { trainer } = tinyTrainer({ poisonLossAt: [2, 3, 4] });
    await trainer.step();
    await trainer.step();
    await trainer.step();
    await expect(trainer.step()).rejects.toThrow(/stayed NaN\/Inf after 2 rollbacks; lower the learning rate/);
  });

  it('keeps the weights finite when a huge learning rate makes the loss diverge', async () => {
    const { trainer, head } = tinyTrainer({ baseLr: 1e30 });
    let nonFinite = 0;
    try {
      for (let i = 0; i < 12; i++) if (!(await trainer.step()).finite) nonFinite++;
    } catch (error) {
      expect(error).toBeInstanceOf(NonFiniteTrainingError);
    }
    expect(nonFinite + trainer.guard.events).toBeGreaterThan(0);
    await expect(assertFiniteParams(head.parameters())).resolves.toBeUndefined();
  });
});
