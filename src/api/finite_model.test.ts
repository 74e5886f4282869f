import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { DetectorError } from './errors';
import { assertFiniteModel } from './finite_model';

await tf.setBackend('cpu');

const model = (head: number[], backbone: number[]) => ({
  head: { weights: () => new Map([['fc6/kernel', tf.tensor1d(head)]]) },
  backbone: { modifiableWeights: () => new Map([['conv/w', tf.tensor1d(backbone)]]) },
});

describe('assertFiniteModel', () => {
  it('lets a finite model be saved and refuses one with a NaN or Inf weight, head or backbone', async () => {
    await expect(assertFiniteModel(model([1, 2], [3]))).resolves.toBeUndefined();
    await expect(assertFiniteModel(model([1, NaN], [3]))).rejects.toThrow(/refusing to save the model: head\/fc6\/kernel has NaN\/Inf/);
    const error = await assertFiniteModel(model([1], [Infinity])).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DetectorError);
    expect((error as DetectorError).code).toBe('model-invalid');
    expect((error as DetectorError).message).toContain('backbone/conv/w');
  });
});
