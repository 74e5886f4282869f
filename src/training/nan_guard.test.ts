import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { DEFAULT_SOLVER } from './defaults';
import { NanGuard, NonFiniteTrainingError, allFinite, assertFiniteParams } from './nan_guard';
import { MomentumSgd } from './sgd';

await tf.setBackend('cpu');

function setup() {
  const w = tf.variable(tf.tensor1d([1, 2]));
  const params = [{ name: 'w', variable: w, isBias: false }];
  const sgd = new MomentumSgd(params, { ...DEFAULT_SOLVER, weightDecay: 0 });
  return { w, params, sgd, guard: new NanGuard(sgd, { lrFactor: 0.1, maxRetries: 2 }) };
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
    await expect(assertFiniteParams(params)).rejects.toThrow(/NaN/);
    expect(allFinite([1, Infinity])).toBe(false);
  });
});
